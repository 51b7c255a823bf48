// Rewards: how one moves the ledger and the program's reward total, how it is announced, and the
// manual bonus a merchant grants a partner (POST /v1/partners/{id}/reward).
import type { Kysely } from 'kysely'
import { emit } from '../../events/outbox.js'
import { amountField } from '../../money/input.js'
import type { Database, Db, LedgerBucket, LedgerKind } from '../../store/schema.js'
import { inTransaction } from '../../store/transaction.js'
import { writeJson } from '../../store/json.js'
import { epochDay } from '../../wire-time.js'
import type { AppliedRule } from '../commissions/engine.js'
import { post } from '../ledger/service.js'
import { resolvePartner } from '../partners/service.js'
import type { Program } from '../programs/service.js'
import { METRIC } from '../stats/metrics.js'
import { bumpRollups } from '../stats/service.js'
import { rewardView } from './representation.js'
import { insertReward, rewardNames, type RewardNames, type RewardRow } from './store.js'

// Sales read and change their rewards through here: rewards/store.ts is the rewards table's one store.
export { adjustReward, insertRewards, rewardsOf, rewardsWithPartners, type RewardRow, type RewardWithPartner } from './store.js'
// Payout statements name each reward's sale and customer through here.
export { rewardNames, type RewardNames } from './store.js'

/** A reward's change into the ledger (its bucket by status) and the program's reward total (on the day it was earned). */
export async function postReward(tx: Db, program: Program, reward: RewardRow, kind: LedgerKind, amount: bigint, earnedAt: number, now: number) {
  if (reward.status === 'rejected') return
  const bucket: LedgerBucket = reward.status === 'review_period' ? 'review' : 'payable'
  await post(tx, program.id, [{ partnerId: Number(reward.partner_id), rewardId: Number(reward.id), kind, bucket, amount, currency: reward.currency }], now)
  await bumpRollups(tx, program.id, epochDay(earnedAt), [{ metric: METRIC.reward, currency: reward.currency, value: amount }])
}

/** reward.created, reward.approved…: the reward as the manual-bonus answer shows it (names looked up unless given). */
export async function announceReward(tx: Db, programId: number, reward: RewardRow, event: string, now: number, names?: RewardNames) {
  const view = rewardView(reward, names ?? await rewardNames(tx, reward))
  await emit(tx, programId, event, view, now)
  return view
}

export interface Bonus {
  amount: unknown
  amount_units?: string
  description?: string
}

/** A manual bonus: payable at once, in the program currency unless told otherwise. */
export async function grantBonus(db: Kysely<Database>, program: Program, ref: string, input: Bonus, now = Date.now()) {
  const amount = amountField('amount', input.amount, { positive: true })
  const currency = (input.amount_units ?? program.currency).toUpperCase()
  return inTransaction(db, async (tx) => {
    const partner = await resolvePartner(tx, program, ref)
    const rule: AppliedRule = { type: 'fixed', value: String(amount), amount: '0', rounding: false, currency }
    const reward = await insertReward(tx, {
      program_id: program.id, transaction_id: null, partner_id: partner.id, customer_id: null, level: 1, kind: 'manual',
      rule: writeJson(rule), amount, currency, status: 'ok', review_until: null, archived: 0,
      description: input.description ?? null, created_at: now,
    })
    await postReward(tx, program, reward, 'manual', amount, now, now)
    return announceReward(tx, program.id, reward, 'reward.created', now, { partner_public_id: partner.public_id, transaction_key: null, customer_key: null })
  })
}
