// What the rules would pay for one imagined sale: the settings page's preview ("a sale of 100 by
// a partner with 12 customers earns 15, because…"). The engine's own functions decide, so the
// preview cannot drift from what a real sale earns.
import { applyRate, commissionOn, levelRate, rateFor, type AppliedRule } from './engine.js'
import type { CommissionRules } from './rules.js'

export interface ImaginedSale {
  /** In micros of the program currency. */
  amount: bigint
  /** The partner's standing before the sale. */
  customers: bigint
  signups: bigint
  revenue: bigint
  productId?: string
  productType?: string
  /** Earlier sales of the same customer: 0 for its first. */
  salesBefore: number
}

export interface Preview {
  /** The rule the engine applied; undefined when the commission period is over. */
  rule?: AppliedRule
  /** The partner's reward, in micros of the program currency. */
  reward: bigint
  /** What the partners up the referring chain earn on it: level 2 first. */
  levels: Array<{ level: number; rule: AppliedRule; reward: bigint }>
}

export function previewCommission(rules: CommissionRules, currency: string, sale: ImaginedSale, now = Date.now()): Preview {
  const facts = {
    amount: sale.amount, currency, programCurrency: currency,
    productIds: sale.productId ? [sale.productId] : [], productTypes: sale.productType ? [sale.productType] : [],
    partner: { customers: sale.customers, signups: sale.signups, revenue: sale.revenue },
    // A customer who signed up today: a period in days, months or years has not run out.
    customerSince: now, customerSalesBefore: sale.salesBefore, saleAt: now,
  }
  const rate = rateFor(rules, undefined, facts)
  // Past the commission period the sale earns nobody anything, up the chain neither (as transactions/sales.ts).
  if (!rate) return { reward: 0n, levels: [] }
  const levels = rules.levels.map((_, i) => {
    const rule = applyRate(levelRate(rules, i + 2)!, facts, rules.rounding)
    return { level: i + 2, rule, reward: commissionOn(rule, sale.amount) }
  })
  const rule = applyRate(rate, facts, rules.rounding)
  return { rule, reward: commissionOn(rule, sale.amount), levels }
}
