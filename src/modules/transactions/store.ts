// Transaction queries, scoped by program (rewards: rewards/store.ts). Changes to a sale's money go through one
// conditional UPDATE on its row first: that row lock orders refunds, deletes and archives of the
// same sale on PostgreSQL, and the condition makes a repeated or out-of-order action a no-op.
import { sql, type Insertable, type Selectable } from 'kysely'
import type { Db, TransactionTable } from '../../store/schema.js'
import { readRow } from '../../store/prepared.js'
import { insertRows } from '../../store/writes.js'
import { storableText } from '../../store/text-keys.js'

export type TransactionRow = Selectable<TransactionTable>

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

export function liveTransactionsOf(db: Db, programId: number, customerId: number): Promise<TransactionRow[]> {
  return db.selectFrom('transactions').selectAll().where('program_id', '=', programId).where('customer_id', '=', customerId)
    .where('deleted_at', 'is', null).orderBy('id').execute()
}

export interface SaleNames {
  customer_key: string | null
  partner_public_id: string | null
}

/** Who a sale belongs to, as the wire names them: the customer key and the partner id. */
export function saleNames(db: Db, programId: number, t: TransactionRow) {
  return readRow<SaleNames>(db, 'sale_names', `
    select coalesce(c."key", c.deleted_key) as customer_key, p.public_id as partner_public_id
    from customers c left join partners p on p.id = ? and p.deleted_at is null where c.program_id = ? and c.id = ?`, [t.partner_id, programId, t.customer_id])
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
