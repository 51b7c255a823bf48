// Refer-a-friend reward rules (issue 22): what a referred friend's sign-up or sale earns the
// customer who referred them and, where a `friend` rule exists, the friend. Pure: no store, no
// clock. The rewards it makes are AppliedRules, so refunds, review, the ledger and balances treat
// them exactly as commissions.
import { parseAmount } from '../../money/parse.js'
import type { AppliedRule } from '../commissions/engine.js'

export type RewardSide = 'referrer' | 'friend'
export type RewardTrigger = 'signup' | 'sale'
export type Recurrence = 'once' | 'lifetime' | { months: number }

export interface ReferralRewardRule {
  side: RewardSide
  trigger: RewardTrigger
  type: 'percent' | 'static'
  /** Decimal text: a percent of the sale, or an amount (of the program currency, or points). */
  value: string
  unit: 'currency' | 'points'
  recurrence: Recurrence
  /** The referrer's n-th referred friend (1-based, by sign-up) this rule starts and stops at: tiers. */
  from_occurrence?: number
  to_occurrence?: number
  /** Days the reward stays in review before it counts in the balance; 0 or absent = at once. */
  review_days?: number
}

/** Points are kept beside money under this code: never a currency (ISO 4217 has no "PTS"). */
export const POINTS = 'PTS'

/** A new refer-a-friend program: the referrer earns 10 of the program currency on each friend's first sale. */
export const DEFAULT_REFERRAL_REWARDS: readonly ReferralRewardRule[] = [
  { side: 'referrer', trigger: 'sale', type: 'static', value: '10', unit: 'currency', recurrence: 'once' },
]

/** What happened: a friend signed up, or bought (with their live sales before this one). */
export type ReferralEvent =
  | { trigger: 'signup' }
  | { trigger: 'sale'; amount: bigint; currency: string; salesBefore: number; saleAt: number }

export interface ReferralFacts {
  programCurrency: string
  /** The friend's place among the referrer's referred customers (1 = the first they referred). */
  occurrence: number
  friendSince: number
}

export interface EarnedReward {
  side: RewardSide
  rule: AppliedRule
  reviewDays: number
}

/** The rewards one event earns, one per matching rule, in the rules' order. */
export function referralRewards(rules: readonly ReferralRewardRule[], event: ReferralEvent, facts: ReferralFacts): EarnedReward[] {
  return rules.flatMap((rule, index) => {
    if (rule.trigger !== event.trigger || !withinOccurrence(rule, facts.occurrence)) return []
    if (event.trigger === 'sale' && !recurs(rule.recurrence, event, facts.friendSince)) return []
    const applied = appliedRule(rule, event, facts, index)
    return applied ? [{ side: rule.side, rule: applied, reviewDays: rule.review_days ?? 0 }] : []
  })
}

function withinOccurrence(rule: ReferralRewardRule, n: number): boolean {
  return n >= (rule.from_occurrence ?? 1) && (rule.to_occurrence === undefined || n <= rule.to_occurrence)
}

/** once: the friend's first live sale only; lifetime: every sale; {months}: sales within that many months of sign-up. */
function recurs(recurrence: Recurrence, sale: { salesBefore: number; saleAt: number }, since: number): boolean {
  if (recurrence === 'once') return sale.salesBefore === 0
  if (recurrence === 'lifetime') return true
  const end = new Date(since)
  end.setUTCMonth(end.getUTCMonth() + recurrence.months)
  return Number.isNaN(end.getTime()) || sale.saleAt < end.getTime()
}

function appliedRule(rule: ReferralRewardRule, event: ReferralEvent, facts: ReferralFacts, index: number): AppliedRule | undefined {
  const currency = rule.unit === 'points' ? POINTS : event.trigger === 'sale' && rule.type === 'percent' ? event.currency : facts.programCurrency
  const source = { kind: 'referral' as const, rule: index, side: rule.side }
  if (rule.type === 'percent') {
    // A percent of a sign-up is nothing: the settings refuse that rule, and it earns nothing here.
    if (event.trigger !== 'sale') return undefined
    return { type: 'percent', value: rule.value, amount: String(event.amount), rounding: false, currency, source }
  }
  // A sale of nothing earns nothing, whatever the rule.
  if (event.trigger === 'sale' && event.amount <= 0n) return undefined
  const parsed = parseAmount(rule.value)
  if ('error' in parsed || parsed.micros === 0n) return undefined
  // A static reward on a sale shrinks with refunds (share of the sale left); on a sign-up it is all or nothing.
  const amount = event.trigger === 'sale' ? String(event.amount) : '0'
  return { type: 'fixed', value: String(parsed.micros), amount, rounding: false, currency, source }
}
