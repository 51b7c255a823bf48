// Transaction and reward queries, scoped by program. Changes to a sale's money go through one
// conditional UPDATE on its row first: that row lock orders refunds, deletes and archives of the
// same sale on PostgreSQL, and the condition makes a repeated or out-of-order action a no-op.
import { sql, type Insertable, type Selectable } from 'kysely'
import type { Db, RewardTable, TransactionTable } from '../../store/schema.js'
import { readRow, readRows } from '../../store/prepared.js'
import { insertRows } from '../../store/writes.js'
import { storableText } from '../../store/text-keys.js'

export type TransactionRow = Selectable<TransactionTable>
export type RewardRow = Selectable<RewardTable>

export function findTransactionByKey(db: Db, programId: number, key: string): Promise<TransactionRow | undefined> {
  if (!storableText(key)) return Promise.resolve(undefined)
  return readRow(db, 'transaction_by_key', 'select * from transactions where program_id = ? and "key" = ?', [programId, key])
}

export function findTransactionById(db: Db, programId: number, id: number): Promise<TransactionRow | undefined> {
  return db.selectFrom('transactions').selectAll().where('program_id', '=', programId).where('id', '=', id).executeTakeFirst()
}

/**
 * The rows inserted, in no set order (SQLite promises none for RETURNING). A key already taken
 * breaks the unique index, or, with `skipTaken`, leaves its row out: the index itself decides, so
 * no lookup beforehand can be planned badly on a table that is just filling up.
 */
export function insertTransactions(db: Db, values: Insertable<TransactionTable>[], skipTaken = false): Promise<TransactionRow[]> {
  return insertRows<'transactions', TransactionRow>(db, 'transactions', values, skipTaken ? 'on conflict do nothing returning *' : 'returning *')
}

/** Adds `amount` to what was refunded, if that much is left; the row after, or undefined. */
export function takeRefund(db: Db, t: TransactionRow, amount: bigint): Promise<TransactionRow | undefined> {
  return db.updateTable('transactions').set({ refunded: sql`refunded + ${amount}` })
    .where('program_id', '=', t.program_id).where('id', '=', t.id)
    .where('deleted_at', 'is', null).where('archived_at', 'is', null)
    .where(sql<boolean>`amount - refunded >= ${amount}`)
    .returningAll().executeTakeFirst()
}

export function markDeleted(db: Db, t: TransactionRow, now: number): Promise<TransactionRow | undefined> {
  return db.updateTable('transactions').set({ deleted_at: now, key: null, deleted_key: t.key })
    .where('program_id', '=', t.program_id).where('id', '=', t.id).where('deleted_at', 'is', null)
    .returningAll().executeTakeFirst()
}

export function markArchived(db: Db, t: TransactionRow, archivedAt: number | null): Promise<TransactionRow | undefined> {
  return db.updateTable('transactions').set({ archived_at: archivedAt })
    .where('program_id', '=', t.program_id).where('id', '=', t.id).where('deleted_at', 'is', null)
    .where('archived_at', archivedAt === null ? 'is not' : 'is', null)
    .returningAll().executeTakeFirst()
}

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

export function liveTransactionsOf(db: Db, programId: number, customerId: number): Promise<TransactionRow[]> {
  return db.selectFrom('transactions').selectAll().where('program_id', '=', programId).where('customer_id', '=', customerId)
    .where('deleted_at', 'is', null).orderBy('id').execute()
}

export interface SaleNames {
  customer_key: string | null
  partner_public_id: string | null
}

export type RewardWithPartner = RewardRow & { partner_public_id: string | null }

/** Who a sale belongs to, as the wire names them: the customer key and the partner id. */
export function saleNames(db: Db, programId: number, t: TransactionRow) {
  return readRow<SaleNames>(db, 'sale_names', `
    select coalesce(c."key", c.deleted_key) as customer_key, p.public_id as partner_public_id
    from customers c left join partners p on p.id = ? and p.deleted_at is null where c.program_id = ? and c.id = ?`, [t.partner_id, programId, t.customer_id])
}

export function rewardsWithPartners(db: Db, programId: number, transactionId: number) {
  return readRows<RewardWithPartner>(db, 'rewards_with_partners', `
    select r.*, p.public_id as partner_public_id from rewards r left join partners p on p.id = r.partner_id and p.deleted_at is null
    where r.program_id = ? and r.transaction_id = ? order by r.level, r.id`, [programId, transactionId])
}

export interface TransactionListQuery {
  sort: 'asc' | 'desc'
  offset: number
  fetch: number
  key?: string
  partnerId?: number
  customerId?: number
}

export function listTransactionRows(db: Db, programId: number, q: TransactionListQuery): Promise<TransactionRow[]> {
  let query = db.selectFrom('transactions').selectAll().where('program_id', '=', programId).where('deleted_at', 'is', null)
  if (q.key !== undefined) query = query.where('key', '=', q.key)
  if (q.partnerId !== undefined) query = query.where('partner_id', '=', q.partnerId)
  if (q.customerId !== undefined) query = query.where('customer_id', '=', q.customerId)
  return query.orderBy('id', q.sort).offset(q.offset).limit(q.fetch).execute()
}
