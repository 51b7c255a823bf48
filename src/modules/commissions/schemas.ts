// Request and response schemas of the commission rules (extension): a program's rules, set with
// PUT /v1/program {program_settings: {commission}} and read with GET /v1/program/commission, and a
// partner's own rate.
import { Type, type Static } from 'typebox'
import { Money } from '../../money/schema.js'

// A rate or threshold: a number, or numeric text to keep it exact (a boolean is refused, as for money).
const Decimal = Money
const RateType = Type.Union([Type.Literal('percent'), Type.Literal('static')], {
  description: 'percent: of the sale; static: a fixed amount in the program currency',
})
const PeriodInput = Type.Union([
  Type.String({ maxLength: 32, description: '"lifetime", or a count and a unit: "1 sale", "3 sales", "30 days", "12 months", "2 years"' }),
  Type.Object({
    count: Type.Integer({ minimum: 1, maximum: 100_000 }),
    unit: Type.Union([Type.Literal('sales'), Type.Literal('days'), Type.Literal('months'), Type.Literal('years')]),
  }, { additionalProperties: false }),
])
const Metric = Type.Union([Type.Literal('customers'), Type.Literal('signups'), Type.Literal('revenue')])

const RateFields = { type: RateType, value: Decimal }

export const RateInput = Type.Object(RateFields, { additionalProperties: false })

export const TierInput = Type.Object({
  metric: Metric,
  from: Decimal,
  ...RateFields,
}, { additionalProperties: false, description: 'Once the partner has `from` customers, sign-ups or revenue, this rate replaces the base rate' })

export const ProductRuleInput = Type.Object({
  product_id: Type.Optional(Type.String({ minLength: 1, maxLength: 255 })),
  product_type: Type.Optional(Type.String({ minLength: 1, maxLength: 255 })),
  priority: Type.Optional(Type.Integer({ minimum: -1000, maximum: 1000, description: 'Higher wins among matching rules (default 0)' })),
  ...RateFields,
}, { additionalProperties: false })

export const CommissionInput = Type.Object({
  type: Type.Optional(RateType),
  value: Type.Optional(Decimal),
  period: Type.Optional(PeriodInput),
  rounding: Type.Optional(Type.Boolean({ description: 'Round each reward to the currency\'s minor unit' })),
  review_days: Type.Optional(Type.Integer({ minimum: 0, maximum: 365, description: 'Days a reward stays in review before it is payable' })),
  tiers: Type.Optional(Type.Array(TierInput, { maxItems: 20 })),
  products: Type.Optional(Type.Array(ProductRuleInput, { maxItems: 200 })),
  products_over_tiers: Type.Optional(Type.Boolean({ description: 'A matching product rule beats a reached tier (default true)' })),
  levels: Type.Optional(Type.Array(RateInput, { maxItems: 4, description: 'Multi-tier: the rates of levels 2 to 5 up the referring chain' })),
}, { additionalProperties: false })
export type CommissionInput = Static<typeof CommissionInput>

export const PartnerCommissionInput = Type.Object({
  ...RateFields,
  period: Type.Optional(PeriodInput),
}, { additionalProperties: false })
export type PartnerCommissionInput = Static<typeof PartnerCommissionInput>

const RateView = { type: RateType, value: Type.Number() }

export const Commission = Type.Object({
  ...RateView,
  period: Type.String(),
  rounding: Type.Boolean(),
  review_days: Type.Integer(),
  tiers: Type.Array(Type.Object({ metric: Metric, from: Type.Number(), ...RateView })),
  products: Type.Array(Type.Object({
    product_id: Type.Optional(Type.String()), product_type: Type.Optional(Type.String()), priority: Type.Integer(), ...RateView,
  })),
  products_over_tiers: Type.Boolean(),
  levels: Type.Array(Type.Object(RateView)),
  description: Type.String({ description: 'As commission_description in GET /v1/program, e.g. "30%, lifetime"' }),
  has_multiple_commissions: Type.Boolean(),
})

export const PartnerCommission = Type.Object({
  partner: Type.String({ description: 'The partner id' }),
  custom: Type.Boolean({ description: 'true: the partner\'s own rate; false: the program\'s rules apply' }),
  ...RateView,
  period: Type.String(),
  description: Type.String(),
})
