// A reward's rule in words, for the partner (the portal: "your own commission rate") and for the
// merchant (the admin's preview: "the partner's own rate"). The engine keeps the rule it applied;
// these only put it in words.
import type { AppliedRule } from '../../modules/commissions/engine.js'
import { money } from './format.js'

export type Reader = 'partner' | 'merchant'

export function appliedRateText(rule: AppliedRule): string {
  return rule.type === 'percent' ? `${Number(rule.value)}%` : money(BigInt(rule.value), rule.currency)
}

export function ruleSourceText(rule: AppliedRule, reader: Reader): string {
  const s = rule.source
  switch (s?.kind) {
    case 'partner': return reader === 'partner' ? 'your own commission rate' : 'the partner\'s own rate'
    case 'tier': return `the tier for ${s.metric} from ${s.from}`
    case 'product': return `the product rule${s.product_id ? ` for product ${s.product_id}` : ''}${s.product_type ? ` for ${s.product_type} products` : ''}`
    case 'level': return reader === 'partner' ? `the level ${s.level} rate (a sale of a partner you referred)` : `the level ${s.level} rate`
    case 'override': return 'the amount the merchant set for this sale'
    case 'manual': return 'a bonus from the merchant'
    case 'base': return 'the program\'s rate'
    default: return 'the program\'s rules'
  }
}
