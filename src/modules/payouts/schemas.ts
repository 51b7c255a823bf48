// Request and response schemas of the payout request endpoints (spec §3.9, architecture §6.6).
import { Type, type Static } from 'typebox'
import { PageInput } from '../../http/pagination.js'
import { PartnerRef } from '../partners/schemas.js'
import { Gateway, PayoutSettingsInput } from '../partners/payout-method-schema.js'

const PartnerNaming = {
  partner: Type.Optional(PartnerRef),
  partner_key: Type.Optional(Type.String({ maxLength: 64 })),
  partner_id: Type.Optional(Type.String({ maxLength: 255 })),
  partner_email: Type.Optional(Type.String({ maxLength: 255 })),
}

const RewardId = Type.Integer({ minimum: 1, maximum: Number.MAX_SAFE_INTEGER })

export const NewPayoutInput = Type.Object({
  ...PartnerNaming,
  amount_units: Type.Optional(Type.String({ format: 'currency', description: 'The currency paid (default: the program currency)' })),
  gateway: Type.Optional(Gateway),
  payout_settings: Type.Optional(PayoutSettingsInput),
  reward_ids: Type.Optional(Type.Array(RewardId, { minItems: 1, maxItems: 1000, description: 'Pay only these rewards (clawbacks are always netted)' })),
})
export type NewPayoutInput = Static<typeof NewPayoutInput>

export const ReasonInput = Type.Object({ reason: Type.Optional(Type.String({ minLength: 1, maxLength: 1000 })) })

export const ResubmitInput = Type.Object({
  gateway: Type.Optional(Gateway),
  payout_settings: Type.Optional(PayoutSettingsInput),
})
export type ResubmitInput = Static<typeof ResubmitInput>

const Sort = Type.Optional(Type.Union([Type.Literal('asc'), Type.Literal('desc')]))

export const PayoutStatusInput = Type.Union([
  Type.Literal('requested'), Type.Literal('approved'), Type.Literal('finished'), Type.Literal('rejected'),
  Type.Literal('resubmit_requested'), Type.Literal('resubmitted'),
])

export const ListPayoutsInput = Type.Object({ ...PageInput, sort: Sort })

export const SearchPayoutsInput = Type.Object({
  ...PageInput,
  sort: Sort,
  amount_units: Type.Optional(Type.String({ format: 'currency' })),
  status: Type.Optional(PayoutStatusInput),
  partner_key: Type.Optional(Type.String({ maxLength: 64 })),
  partner_id: Type.Optional(Type.String({ maxLength: 255 })),
  partner_email: Type.Optional(Type.String({ maxLength: 255 })),
})
export type SearchPayoutsInput = Static<typeof SearchPayoutsInput>

export const StatementInput = Type.Object({ format: Type.Optional(Type.Union([Type.Literal('json'), Type.Literal('csv')])) })

export const ExportInput = Type.Object({
  status: Type.Optional(PayoutStatusInput),
  format: Type.Optional(Type.Union([Type.Literal('paypal'), Type.Literal('wise'), Type.Literal('csv')])),
  amount_units: Type.Optional(Type.String({ format: 'currency' })),
})

const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([t, Type.Null()])

export const PayoutRequest = Type.Object({
  id: Type.Integer(),
  status: PayoutStatusInput,
  partner: Nullable(Type.Object({ id: Type.String(), email: Type.String(), name: Type.String() })),
  amount: Type.Number(),
  amount_units: Type.String(),
  gateway: Nullable(Gateway),
  payout_settings: Type.Record(Type.String(), Type.String()),
  rewards: Type.Array(Type.Integer(), { description: 'Ids of the rewards it covers' }),
  reason: Nullable(Type.String()),
  created_at: Type.String(),
  approved_at: Nullable(Type.String()),
  paid_at: Nullable(Type.String()),
})

export const StatementLine = Type.Object({
  reward_id: Type.Integer(),
  type: Type.Union([Type.Literal('reward'), Type.Literal('adjustment'), Type.Literal('reversal')], {
    description: 'reward: a sale\'s commission; adjustment: a manual bonus; reversal: a clawback of an earlier payout',
  }),
  transaction: Nullable(Type.String()),
  customer: Nullable(Type.String()),
  description: Nullable(Type.String()),
  earned_at: Type.String(),
  amount: Type.Number(),
  amount_units: Type.String(),
})

export const Statement = Type.Object({
  payout_request: PayoutRequest,
  lines: Type.Array(StatementLine),
  total: Type.Number(),
  amount_units: Type.String(),
})
