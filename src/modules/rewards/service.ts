// Rewards: how one moves the ledger and the program's reward total, how it is announced, and the
// manual reward (a merchant's bonus for a partner: partners/bonus.ts).
import { emit } from '../../events/outbox.js'
import type { Db, LedgerBucket, LedgerKind } from '../../store/schema.js'
import { writeJson } from '../../store/json.js'
import { epochDay } from '../../wire-time.js'
import type { AppliedRule } from '../commissions/engine.js'
import type { Kysely } from 'kysely'
import { badRequest, notFound } from '../../domain-errors.js'
import type { Database } from '../../store/schema.js'
import { inTransaction } from '../../store/transaction.js'
import { move, post } from '../ledger/service.js'
import { METRIC } from '../stats/metrics.js'
import { bumpRollups } from '../stats/service.js'
import { rewardView } from './representation.js'
import {
  insertReward, programRewardRow, programRewardRows, rejectReviewReward, releaseReward, rewardNames, type ProgramRewardRow, type RewardNames, type RewardRow,
} from './store.js'

// Sales read and change their rewards through here: rewards/store.ts is the rewards table's one store.
export { adjustReward, insertRewards, rewardsOf, rewardsWithPartners, type RewardRow, type RewardWithPartner } from './store.js'
// Payouts reject a reward they cannot pay through here.
export { rejectReward } from './store.js'
// Payout statements name each reward's sale and customer through here.
export { rewardNames, type RewardNames } from './store.js'

/** A reward's change into the ledger (its bucket by status) and the program's reward total (on the day it was earned). */
export async function postReward(tx: Db, programId: number, reward: RewardRow, kind: LedgerKind, amount: bigint, earnedAt: number, now: number) {
  if (reward.status === 'rejected') return
  const bucket: LedgerBucket = reward.status === 'review_period' ? 'review' : 'payable'
  await post(tx, programId, [{ partnerId: Number(reward.partner_id), rewardId: Number(reward.id), kind, bucket, amount, currency: reward.currency }], now)
  await bumpRollups(tx, programId, epochDay(earnedAt), [{ metric: METRIC.reward, currency: reward.currency, value: amount }])
}

/** reward.created, reward.approved…: the reward as the manual-bonus answer shows it (names looked up unless given). */
export async function announceReward(tx: Db, programId: number, reward: RewardRow, event: string, now: number, names?: RewardNames) {
  const view = rewardView(reward, names ?? await rewardNames(tx, reward))
  await emit(tx, programId, event, view, now)
  return view
}

/** A manual reward for a partner, payable at once: recorded, posted and announced in the caller's transaction. */
export async function addManualReward(tx: Db, programId: number, partner: { id: number; public_id: string },
  bonus: { amount: bigint; currency: string; description: string | null }, now: number) {
  const rule: AppliedRule = { type: 'fixed', value: String(bonus.amount), amount: '0', rounding: false, currency: bonus.currency, source: { kind: 'manual' } }
  const reward = await insertReward(tx, {
    program_id: programId, transaction_id: null, partner_id: partner.id, customer_id: null, level: 1, kind: 'manual',
    rule: writeJson(rule), amount: bonus.amount, currency: bonus.currency, status: 'ok', review_until: null, archived: 0,
    description: bonus.description, created_at: now,
  })
  await postReward(tx, programId, reward, 'manual', bonus.amount, now, now)
  return announceReward(tx, programId, reward, 'reward.created', now, { partner_public_id: partner.public_id, transaction_key: null, customer_key: null })
}

/**
 * A reward leaves review for payable, once: its worth moves from the partner's review bucket to its
 * payable one and `reward.approved` is announced. The review job does this when the period ends; a
 * merchant may do it sooner (`programId` then keeps it to the merchant's program). Undefined when
 * the reward is not (or no longer) in review.
 */
export async function releaseInside(tx: Db, rewardId: number, now: number, programId?: number): Promise<RewardRow | undefined> {
  const reward = await releaseReward(tx, rewardId, programId)
  if (!reward) return undefined
  const owner = Number(reward.program_id)
  await post(tx, owner, move(Number(reward.partner_id), rewardId, 'release', 'review', 'payable', BigInt(reward.amount), reward.currency), now)
  await announceReward(tx, owner, reward, 'reward.approved', now)
  return reward
}

/** The merchant releases a reward of its program before its review period ends: what the review job would do. */
export async function releaseRewardNow(db: Kysely<Database>, programId: number, rewardId: number, now = Date.now()): Promise<RewardRow> {
  return inTransaction(db, async (tx) => {
    const reward = await releaseInside(tx, rewardId, now, programId)
    if (reward) return reward
    throw await notInReview(tx, programId, rewardId)
  })
}

/**
 * The merchant rejects a reward still in review: it is never payable. Its worth leaves the partner's
 * review bucket and no longer counts in what the program's partners earned (as a payout's rejection
 * does for a payable reward), and `reward.rejected` is announced.
 */
export async function rejectRewardInReview(db: Kysely<Database>, programId: number, rewardId: number, now = Date.now()): Promise<RewardRow> {
  return inTransaction(db, async (tx) => {
    // Rejected first: the row lock makes a concurrent refund wait, then post nothing (the reward is rejected).
    const rejected = await rejectReviewReward(tx, programId, rewardId)
    if (!rejected) throw await notInReview(tx, programId, rewardId)
    const amount = BigInt(rejected.amount)
    await post(tx, programId, [{ partnerId: Number(rejected.partner_id), rewardId: rejected.id, kind: 'reversal', bucket: 'review', amount: -amount, currency: rejected.currency }], now)
    await bumpRollups(tx, programId, epochDay(Number(rejected.created_at)), [{ metric: METRIC.reward, currency: rejected.currency, value: -amount }])
    await announceReward(tx, programId, rejected, 'reward.rejected', now)
    return rejected
  })
}

async function notInReview(tx: Db, programId: number, rewardId: number) {
  const row = await programRewardRow(tx, programId, rewardId)
  return row ? badRequest('The reward is not in review any more.', 'not_in_review') : notFound('Reward not found')
}

export type { ProgramRewardRow } from './store.js'

/** Where a reward stands for the merchant: in review, payable (approved), or rejected. */
export const REWARD_STATES = { review: 'review_period', payable: 'ok', rejected: 'rejected' } as const
export type RewardState = keyof typeof REWARD_STATES

/** One window of the program's rewards in one state, newest first, with partner, sale and customer named. */
export function programRewards(db: Db, programId: number, state: RewardState, page: { offset: number; fetch: number }): Promise<ProgramRewardRow[]> {
  return programRewardRows(db, programId, REWARD_STATES[state], page)
}

/** One reward of the program (undefined for another program's). */
export function programReward(db: Db, programId: number, rewardId: number): Promise<ProgramRewardRow | undefined> {
  return programRewardRow(db, programId, rewardId)
}

// Refer-a-friend: the rules, the rows they earn, and an earner's rewards.
export { referralRewards, POINTS, type ReferralRewardRule } from './referral-rules.js'
export { referralRewardValues, reverseSignupRewards, storeSignupRewards } from './referral.js'
export { rewardsOfEarner } from './store.js'
