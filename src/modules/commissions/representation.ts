// Commission rules as GET /v1/program/commission and GET /v1/partners/{id}/commission show them:
// rates and thresholds as numbers, the period as the text clients send.
import type { Static } from 'typebox'
import { commissionDescription, hasMultipleCommissions, periodText, type CommissionRules, type PartnerCommission as OwnRate, type Rate } from './rules.js'
import type { Commission, PartnerCommission } from './schemas.js'

const rateView = (rate: Rate) => ({ type: rate.type, value: Number(rate.value) })

export function commissionView(rules: CommissionRules, currency: string): Static<typeof Commission> {
  return {
    ...rateView(rules),
    period: periodText(rules.period),
    rounding: rules.rounding,
    review_days: rules.review_days,
    tiers: rules.tiers.map((t) => ({ metric: t.metric, from: Number(t.from), ...rateView(t) })),
    products: rules.products.map((p) => ({
      ...(p.product_id !== undefined ? { product_id: p.product_id } : {}),
      ...(p.product_type !== undefined ? { product_type: p.product_type } : {}),
      priority: p.priority,
      ...rateView(p),
    })),
    products_over_tiers: rules.products_over_tiers,
    levels: rules.levels.map(rateView),
    description: commissionDescription(rules, currency),
    has_multiple_commissions: hasMultipleCommissions(rules),
  }
}

/** The rate a partner earns on a plain sale: its own when set, else the program's base rate. */
export function partnerCommissionView(partnerId: string, own: OwnRate | undefined, rules: CommissionRules, currency: string): Static<typeof PartnerCommission> {
  const effective = own ? { ...rules, type: own.type, value: own.value, period: own.period ?? rules.period } : rules
  return {
    partner: partnerId,
    custom: own !== undefined,
    ...rateView(effective),
    period: periodText(effective.period),
    description: commissionDescription(effective, currency),
  }
}
