// Request and response schemas of rewards: the manual bonus (spec §6) and the reward as events carry it.
import { Type } from 'typebox'
import { Money } from '../../money/schema.js'

export const BonusInput = Type.Object({
  amount: Money,
  amount_units: Type.Optional(Type.String({ format: 'currency', description: 'The program currency when omitted' })),
  description: Type.Optional(Type.String({ maxLength: 255, description: 'Why the partner gets it, shown with the reward' })),
})

export const Reward = Type.Object({
  id: Type.Integer(),
  kind: Type.Union([Type.Literal('sale'), Type.Literal('manual'), Type.Literal('lead'), Type.Literal('signup')]),
  status: Type.Union([Type.Literal('review_period'), Type.Literal('ok'), Type.Literal('rejected')]),
  partner: Type.Union([Type.String(), Type.Null()], { description: 'The partner id' }),
  transaction: Type.Union([Type.String(), Type.Null()], { description: 'The transaction key; null for a manual bonus' }),
  customer: Type.Union([Type.String(), Type.Null()], { description: 'The customer key' }),
  level: Type.Integer({ description: '1: the referring partner; 2–5: up its referring chain' }),
  amount: Type.Number(),
  amount_units: Type.String(),
  is_currency: Type.Boolean(),
  description: Type.Union([Type.String(), Type.Null()]),
  created_at: Type.String(),
})
