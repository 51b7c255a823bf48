// Reward queries shared by sales, manual bonuses and the review release: the rewards table's one store.
import { readRow } from '../../store/prepared.js'
import type { Db } from '../../store/schema.js'
import { sql, type Insertable, type Selectable } from 'kysely'
import type { RewardTable } from '../../store/schema.js'
import { readRows } from '../../store/prepared.js'
import { insertRows } from '../../store/writes.js'

export type RewardRow = Selectable<RewardTable>

export async function insertReward(db: Db, values: Insertable<RewardTable>): Promise<RewardRow> {
  const [row] = await insertRewards(db, [values])
  if (!row) throw new Error('insert into rewards returned no row')
  return row
}

/** The rows inserted, in no set order. */
export function insertRewards(db: Db, values: Insertable<RewardTable>[]): Promise<RewardRow[]> {
  return insertRows<'rewards', RewardRow>(db, 'rewards', values, 'returning *')
}

export function rewardsOf(db: Db, programId: number, transactionId: number): Promise<RewardRow[]> {
  return readRows(db, 'rewards_of_transaction', 'select * from rewards where program_id = ? and transaction_id = ? order by level, id', [programId, transactionId])
}

/** Changes a reward's worth and returning its status as it is under the row lock (the release job may just have moved it). */
export function adjustReward(db: Db, reward: RewardRow, changes: { by?: bigint; archived?: number }) {
  return db.updateTable('rewards')
    .set({
      ...(changes.by !== undefined ? { amount: sql`amount + ${changes.by}` } : {}),
      ...(changes.archived !== undefined ? { archived: changes.archived } : {}),
    })
    .where('program_id', '=', reward.program_id).where('id', '=', reward.id)
    .returningAll().executeTakeFirstOrThrow()
}

/**
 * Who earned a reward, as the wire names them: a partner by its id; in a refer-a-friend program the
 * earner row is a customer's (partners/earner.ts), named by the customer's id, name and address.
 */
const EARNER = `left join partners p on p.id = r.partner_id and p.deleted_at is null
  left join customers e on e.program_id = r.program_id and e.earner_id = r.partner_id and e.deleted_at is null`
const EARNER_ID = 'coalesce(e."key", p.public_id)'

export type RewardWithPartner = RewardRow & { partner_public_id: string | null }

export function rewardsWithPartners(db: Db, programId: number, transactionId: number) {
  return readRows<RewardWithPartner>(db, 'rewards_with_partners', `
    select r.*, ${EARNER_ID} as partner_public_id from rewards r ${EARNER}
    where r.program_id = ? and r.transaction_id = ? order by r.level, r.id`, [programId, transactionId])
}

export interface RewardNames {
  partner_public_id: string | null
  transaction_key: string | null
  customer_key: string | null
}

/** The wire names of what a reward belongs to: its partner's id, its sale's key, its customer's key. */
export async function rewardNames(db: Db, reward: RewardRow): Promise<RewardNames> {
  const found = await readRow<RewardNames>(db, 'reward_names', `
    select ${EARNER_ID} as partner_public_id, coalesce(t."key", t.deleted_key) as transaction_key,
      coalesce(c."key", c.deleted_key) as customer_key
    from rewards r ${EARNER} left join transactions t on t.id = r.transaction_id
      left join customers c on c.id = r.customer_id
    where r.id = ?`, [reward.id])
  return found ?? { partner_public_id: null, transaction_key: null, customer_key: null }
}

/** Rejects a reward still payable; the row after, or undefined when it is no longer `ok`. */
export function rejectReward(db: Db, programId: number, rewardId: number) {
  return db.updateTable('rewards').set({ status: 'rejected' })
    .where('program_id', '=', programId).where('id', '=', rewardId).where('status', '=', 'ok')
    .returningAll().executeTakeFirst()
}

/** The ids of up to `limit` rewards whose review period ended by `now`, earliest first. */
export async function dueForRelease(db: Db, now: number, limit: number): Promise<number[]> {
  const due = await db.selectFrom('rewards').select('id')
    .where('status', '=', 'review_period').where('review_until', '<=', now).where('archived', '=', 0)
    .orderBy('review_until').limit(limit).execute()
  return due.map((r) => Number(r.id))
}

/**
 * Moves a reward out of review, once: the row after, or undefined when it was not (or no longer) in
 * review. `programId` narrows it to one program (a merchant releasing a reward of its own).
 */
export function releaseReward(db: Db, id: number, programId?: number) {
  let update = db.updateTable('rewards').set({ status: 'ok' })
    .where('id', '=', id).where('status', '=', 'review_period').where('archived', '=', 0)
  if (programId !== undefined) update = update.where('program_id', '=', programId)
  return update.returningAll().executeTakeFirst()
}

/** Rejects a reward still in review, once: the row after, or undefined when it is not (or no longer) in review. */
export function rejectReviewReward(db: Db, programId: number, rewardId: number) {
  return db.updateTable('rewards').set({ status: 'rejected' })
    .where('program_id', '=', programId).where('id', '=', rewardId).where('status', '=', 'review_period').where('archived', '=', 0)
    .returningAll().executeTakeFirst()
}

/** A program's reward as the admin lists it: with its partner, sale and customer named. */
export interface ProgramRewardRow {
  id: number | bigint
  kind: string
  status: string
  level: number
  amount: number | bigint
  currency: string
  review_until: number | bigint | null
  description: string | null
  created_at: number | bigint
  partner_public_id: string | null
  partner_name: string | null
  partner_email: string | null
  transaction_key: string | null
  transaction_amount: number | bigint | null
  customer_key: string | null
}

const PROGRAM_REWARD_COLUMNS = `r.id, r.kind, r.status, r.level, r.amount, r.currency, r.review_until, r.description, r.created_at,
  ${EARNER_ID} as partner_public_id, coalesce(e.name, p.name) as partner_name, case when e.id is null then p.email else e.email end as partner_email,
  coalesce(t."key", t.deleted_key) as transaction_key, t.amount - t.refunded as transaction_amount,
  coalesce(c."key", c.deleted_key) as customer_key
  from rewards r ${EARNER} left join transactions t on t.id = r.transaction_id
  left join customers c on c.id = r.customer_id`

/** One window of a program's live (not archived) rewards in one status, newest first. */
export function programRewardRows(db: Db, programId: number, status: string, page: { offset: number; fetch: number }) {
  return readRows<ProgramRewardRow>(db, 'program_rewards_by_status', `select ${PROGRAM_REWARD_COLUMNS}
    where r.program_id = ? and r.status = ? and r.archived = 0 order by r.id desc limit ? offset ?`,
  [programId, status, page.fetch, page.offset])
}

/** One reward of a program, named as the list names it. */
export function programRewardRow(db: Db, programId: number, rewardId: number) {
  return readRow<ProgramRewardRow>(db, 'program_reward_by_id', `select ${PROGRAM_REWARD_COLUMNS} where r.program_id = ? and r.id = ?`, [programId, rewardId])
}

/** The rewards a refer-a-friend customer's sign-up earned (whoever earned them). */
export function signupRewardsOf(db: Db, programId: number, customerId: number): Promise<RewardRow[]> {
  return readRows(db, 'signup_rewards_of_customer', "select * from rewards where program_id = ? and customer_id = ? and kind = 'signup' order by id", [programId, customerId])
}

/** What one earner (a refer-a-friend customer's row) earned, newest first. */
export function rewardsOfEarner(db: Db, programId: number, earnerId: number, page: { offset: number; fetch: number }): Promise<RewardRow[]> {
  return readRows(db, 'rewards_of_earner', 'select * from rewards where program_id = ? and partner_id = ? order by id desc limit ? offset ?', [programId, earnerId, page.fetch, page.offset])
}
