// What refer-a-friend reward rules would earn for one imagined event: the Rewards settings page's
// preview ("A first sale of $100.00 by the 1st friend a customer referred earns the referrer $10.00
// and the friend nothing."). Pure, and decided by the rules engine itself (referralRewards, then
// commissionOn as the ledger does), so the preview cannot drift from what a real friend earns.
import { commissionOn } from '../commissions/engine.js'
import { formatMoney } from '../../money/format.js'
import { decimalText } from '../../money/micros.js'
import { POINTS, referralRewards, type ReferralRewardRule, type RewardSide } from './referral-rules.js'

export interface ImaginedReferral {
  trigger: 'signup' | 'sale'
  /** The sale's amount in micros of the program currency (ignored for a sign-up). */
  amount: bigint
  /** The friend's place among the customers its referrer referred: 1 for the first. */
  occurrence: number
  /** The friend's live sales before this one: 0 for its first (ignored for a sign-up). */
  salesBefore: number
  /** Whole months since the friend signed up (ignored for a sign-up). */
  monthsSinceSignup: number
}

export interface ReferralPreview {
  /** What each side earns, in micros per currency (or POINTS), in the rules' order. */
  earned: Record<RewardSide, Map<string, bigint>>
  /** The longest review among the rewards earned, in days: 0 when all are payable at once. */
  reviewDays: number
}

export function previewReferral(rules: readonly ReferralRewardRule[], currency: string, imagined: ImaginedReferral, now: number): ReferralPreview {
  const since = new Date(now)
  since.setUTCMonth(since.getUTCMonth() - imagined.monthsSinceSignup)
  const event = imagined.trigger === 'signup'
    ? { trigger: 'signup' as const }
    : { trigger: 'sale' as const, amount: imagined.amount, currency, salesBefore: imagined.salesBefore, saleAt: now }
  const earned: ReferralPreview['earned'] = { referrer: new Map(), friend: new Map() }
  let reviewDays = 0
  for (const reward of referralRewards(rules, event, { programCurrency: currency, occurrence: imagined.occurrence, friendSince: since.getTime() })) {
    const amount = commissionOn(reward.rule, event.trigger === 'sale' ? event.amount : 0n)
    if (amount <= 0n) continue
    const side = earned[reward.side]
    side.set(reward.rule.currency, (side.get(reward.rule.currency) ?? 0n) + amount)
    reviewDays = Math.max(reviewDays, reward.reviewDays)
  }
  return { earned, reviewDays }
}

/** 1st, 2nd, 3rd, 4th… 11th, 12th, 13th, 21st. */
export function ordinal(n: number): string {
  const tens = n % 100
  const suffix = tens >= 11 && tens <= 13 ? 'th' : ({ 1: 'st', 2: 'nd', 3: 'rd' } as Record<number, string>)[n % 10] ?? 'th'
  return `${n}${suffix}`
}

function amountsText(amounts: Map<string, bigint>): string {
  if (amounts.size === 0) return 'nothing'
  return [...amounts].map(([unit, micros]) => (unit === POINTS ? `${decimalText(micros)} points` : formatMoney(micros, unit))).join(' and ')
}

/** The preview as one sentence a merchant reads. */
export function referralPreviewText(imagined: ImaginedReferral, preview: ReferralPreview, currency: string): string {
  const friend = `the ${ordinal(imagined.occurrence)} friend a customer referred`
  const what = imagined.trigger === 'signup'
    ? `The sign-up of ${friend}`
    : `A ${imagined.salesBefore === 0 ? 'first' : ordinal(imagined.salesBefore + 1)} sale of ${formatMoney(imagined.amount, currency)} by ${friend}`
      + (imagined.monthsSinceSignup > 0 ? `, ${imagined.monthsSinceSignup} month${imagined.monthsSinceSignup === 1 ? '' : 's'} after signing up,` : '')
  const review = preview.reviewDays > 0 ? ` Rewards are payable after ${preview.reviewDays} day${preview.reviewDays === 1 ? '' : 's'} in review.` : ''
  return `${what} earns the referrer ${amountsText(preview.earned.referrer)} and the friend ${amountsText(preview.earned.friend)}.${review}`
}
