// Refer-a-friend reward rules as PUT /v1/program takes them (program_settings.referral_rewards),
// checked beyond what the schema can say, and kept as exact decimal text.
import { Type, type Static } from 'typebox'
import { invalid, type FieldErrors } from '../../domain-errors.js'
import { microsToDecimal } from '../../money/micros.js'
import { parseAmount } from '../../money/parse.js'
import { Money } from '../../money/schema.js'
import type { ReferralRewardRule } from './referral-rules.js'

const Occurrence = Type.Integer({ minimum: 1, maximum: 1_000_000 })

export const ReferralRewardInput = Type.Object({
  side: Type.Union([Type.Literal('referrer'), Type.Literal('friend')], { description: 'Who earns: the customer who referred, or the friend referred' }),
  trigger: Type.Union([Type.Literal('signup'), Type.Literal('sale')], { description: 'The friend\'s sign-up or sale' }),
  type: Type.Union([Type.Literal('percent'), Type.Literal('static')]),
  value: Money,
  unit: Type.Optional(Type.Union([Type.Literal('currency'), Type.Literal('points')], { default: 'currency' })),
  recurrence: Type.Optional(Type.Union([
    Type.Literal('once'), Type.Literal('lifetime'),
    Type.Object({ months: Type.Integer({ minimum: 1, maximum: 1200 }) }, { additionalProperties: false }),
  ], { default: 'once', description: 'once (the friend\'s first sale), lifetime, or {months: n} after the friend signed up' })),
  from_occurrence: Type.Optional(Occurrence),
  to_occurrence: Type.Optional(Occurrence),
  review_days: Type.Optional(Type.Integer({ minimum: 0, maximum: 3650 })),
}, { additionalProperties: false })

export const ReferralRewardsInput = Type.Array(ReferralRewardInput, {
  maxItems: 20, description: 'Extension (refer-a-friend): the reward rules; replaces the list',
})

/** The rules as stored: values as exact decimal text; a rule that cannot earn anything is a 422. */
export function referralRewardRules(input: Static<typeof ReferralRewardsInput>): ReferralRewardRule[] {
  const errors: FieldErrors = {}
  const rules = input.map((rule, i) => {
    const at = `program_settings.referral_rewards.${i}`
    const parsed = parseAmount(rule.value)
    if ('error' in parsed) errors[`${at}.value`] = [`The value ${parsed.error}.`]
    else if (parsed.micros <= 0n) errors[`${at}.value`] = ['The value must be greater than 0.']
    else if (rule.type === 'percent' && parsed.micros > 100_000_000n) errors[`${at}.value`] = ['A percent may not be more than 100.']
    if (rule.type === 'percent' && rule.trigger === 'signup') errors[`${at}.type`] = ['A sign-up has no amount to take a percent of: use a static reward.']
    if (rule.from_occurrence !== undefined && rule.to_occurrence !== undefined && rule.to_occurrence < rule.from_occurrence) {
      errors[`${at}.to_occurrence`] = ['The to occurrence must be at least the from occurrence.']
    }
    const stored: ReferralRewardRule = {
      side: rule.side, trigger: rule.trigger, type: rule.type,
      value: 'micros' in parsed ? microsToDecimal(parsed.micros) : String(rule.value),
      unit: rule.unit ?? 'currency', recurrence: rule.recurrence ?? 'once',
    }
    if (rule.from_occurrence !== undefined) stored.from_occurrence = rule.from_occurrence
    if (rule.to_occurrence !== undefined) stored.to_occurrence = rule.to_occurrence
    if (rule.review_days !== undefined) stored.review_days = rule.review_days
    return stored
  })
  if (Object.keys(errors).length > 0) throw invalid(errors)
  return rules
}
