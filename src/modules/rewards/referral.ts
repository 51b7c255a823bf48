// Refer-a-friend rewards in the store: the rows the rules earn (referral-rules.ts), posted to the
// ledger like commissions, and taken back when the friend who earned them is deleted. A reward's
// `level` is its rule's place in the program's list (1-based): a sale has one reward per rule.
import type { Insertable } from 'kysely'
import { writeJson } from '../../store/json.js'
import type { Db, RewardKind, RewardStatus, RewardTable } from '../../store/schema.js'
import { commissionOn } from '../commissions/engine.js'
import type { EarnedReward } from './referral-rules.js'
import { postReward } from './service.js'
import { adjustReward, insertRewards, signupRewardsOf, type RewardRow } from './store.js'

const DAY_MS = 86_400_000

export interface EarnedOn {
  programId: number
  /** The earner rows of the referrer and of the friend (the customer referred). */
  referrerId: number
  friendId: number | null
  customerId: number
  transactionId: number | null
  kind: RewardKind
  /** The sale's amount (micros), 0 for a sign-up. */
  amount: bigint
  earnedAt: number
}

/** The reward rows the earned rewards make, in their order; a reward worth nothing, or for a friend with no row, makes none. */
export function referralRewardValues(earned: EarnedReward[], on: EarnedOn, now: number): Insertable<RewardTable>[] {
  return earned.flatMap(({ side, rule, reviewDays }) => {
    const partnerId = side === 'referrer' ? on.referrerId : on.friendId
    const amount = commissionOn(rule, on.amount)
    if (partnerId === null || amount === 0n) return []
    const reviewUntil = reviewDays > 0 ? on.earnedAt + reviewDays * DAY_MS : null
    const status: RewardStatus = reviewUntil !== null && reviewUntil > now ? 'review_period' : 'ok'
    const level = rule.source?.kind === 'referral' ? rule.source.rule + 1 : 1
    return [{
      program_id: on.programId, transaction_id: on.transactionId, partner_id: partnerId, customer_id: on.customerId, level, kind: on.kind,
      rule: writeJson(rule), amount, currency: rule.currency, status, review_until: reviewUntil, archived: 0, description: null, created_at: now,
    }]
  })
}

/** Stores sign-up rewards and posts each to the ledger; the rows, in no set order. */
export async function storeSignupRewards(tx: Db, values: Insertable<RewardTable>[], earnedAt: number, now: number): Promise<RewardRow[]> {
  if (values.length === 0) return []
  const rows = await insertRewards(tx, values)
  for (const reward of rows) await postReward(tx, Number(reward.program_id), reward, 'accrual', BigInt(reward.amount), earnedAt, now)
  return rows
}

/** The friend is deleted: what its sign-up earned anyone is taken back, whole. */
export async function reverseSignupRewards(tx: Db, programId: number, customerId: number, now: number): Promise<void> {
  for (const reward of await signupRewardsOf(tx, programId, customerId)) {
    const worth = BigInt(reward.amount)
    if (reward.archived === 1 || worth === 0n) continue
    const changed = await adjustReward(tx, reward, { by: -worth })
    await postReward(tx, programId, changed, 'reversal', -worth, Number(reward.created_at), now)
  }
}
