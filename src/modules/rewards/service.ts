// Rewards: how one moves the ledger and the program's reward total, how it is announced, and the
// manual reward (a merchant's bonus for a partner: partners/bonus.ts).
import { emit } from '../../events/outbox.js'
import type { Db, LedgerBucket, LedgerKind } from '../../store/schema.js'
import { writeJson } from '../../store/json.js'
import { epochDay } from '../../wire-time.js'
import type { AppliedRule } from '../commissions/engine.js'
import { post } from '../ledger/service.js'
import { METRIC } from '../stats/metrics.js'
import { bumpRollups } from '../stats/service.js'
import { rewardView } from './representation.js'
import { insertReward, rewardNames, type RewardNames, type RewardRow } from './store.js'

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
