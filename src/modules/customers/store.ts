// Customer queries, scoped by program. Deleted customers keep their row (their transactions and
// rewards refer to it) but lose their key and email, so neither lookup finds them.
import { sql, type Insertable, type Selectable, type Updateable } from 'kysely'
import type { CustomerTable, Db } from '../../store/schema.js'
import { likePattern } from '../../store/like.js'
import { executeRaw, readRow } from '../../store/prepared.js'
import { addToCounters, inChunks } from '../../store/writes.js'
import { storableText } from '../../store/text-keys.js'

export type CustomerRow = Selectable<CustomerTable> & { partner_public_id: string | null }

// A customer keeps the partner it was referred by after that partner is deleted (its counters
// follow the customer still), but shows none: the partner is as missing here as everywhere.
const WITH_PARTNER = `select c.*, p.public_id as partner_public_id from customers c left join partners p on p.id = c.partner_id and p.deleted_at is null`

/** The partner a customer's new sales credit: none once its partner is deleted (then the join found no live one). */
export function livePartnerId(customer: CustomerRow): number | null {
  return customer.partner_public_id === null ? null : customer.partner_id
}

const BY_KEY = `${WITH_PARTNER} where c.program_id = ? and c."key" = ?`

export function findCustomerByKey(db: Db, programId: number, key: string): Promise<CustomerRow | undefined> {
  if (!storableText(key)) return Promise.resolve(undefined)
  return readRow(db, 'customer_by_key', BY_KEY, [programId, key])
}

/**
 * One lookup by a unique key, `count` times, as one statement (`union all`). Each branch can only
 * be planned as one index probe, while `key in (…)` let PostgreSQL, on a table whose statistics are
 * stale (just filled, or growing fast), scan the whole program's rows instead, every time.
 */
function eachKey(count: number, lookup: string): string {
  return Array(count).fill(lookup).join(' union all ')
}

/** The customers with these keys (a batch of sales), in no set order; keys no customer has are left out. */
export function findCustomersByKeys(db: Db, programId: number, keys: string[]): Promise<CustomerRow[]> {
  // One probe per customer, however many of its sales the batch holds.
  return inChunks([...new Set(keys)], (chunk) => executeRaw<CustomerRow>(db, eachKey(chunk.length, BY_KEY),
    chunk.flatMap((key) => [programId, key])))
}

export function findCustomerByEmail(db: Db, programId: number, email: string): Promise<CustomerRow | undefined> {
  if (!storableText(email)) return Promise.resolve(undefined)
  return readRow(db, 'customer_by_email', `${WITH_PARTNER} where c.program_id = ? and c.email_lower = ?`, [programId, email.toLowerCase()])
}

export function findCustomerByRowId(db: Db, programId: number, id: number): Promise<CustomerRow | undefined> {
  return readRow(db, 'customer_by_row_id', `${WITH_PARTNER} where c.program_id = ? and c.id = ?`, [programId, id])
}

export async function insertCustomer(db: Db, values: Insertable<CustomerTable>): Promise<number> {
  const row = await db.insertInto('customers').values(values).returning('id').executeTakeFirstOrThrow()
  return Number(row.id)
}

export async function updateCustomerRow(db: Db, programId: number, id: number, changes: Updateable<CustomerTable>): Promise<void> {
  await db.updateTable('customers').set(changes).where('program_id', '=', programId).where('id', '=', id).execute()
}

/** Frees the key and email of a live customer; false when it was already deleted. */
export async function markCustomerDeleted(db: Db, row: CustomerRow, now: number): Promise<boolean> {
  const result = await db.updateTable('customers')
    .set({ key: null, deleted_key: row.key, email_lower: null, deleted_at: now, updated_at: now })
    .where('program_id', '=', row.program_id).where('id', '=', row.id).where('deleted_at', 'is', null)
    .executeTakeFirst()
  return result.numUpdatedRows > 0n
}

export type CustomerState = Partial<Pick<CustomerTable, 'status' | 'archived'>>

/** Moves a live customer that is in state `from`; false when it was not (the row lock orders racing moves). */
export async function moveCustomerState(db: Db, row: CustomerRow, from: CustomerState, changes: Updateable<CustomerTable>): Promise<boolean> {
  let query = db.updateTable('customers').set(changes)
    .where('program_id', '=', row.program_id).where('id', '=', row.id).where('deleted_at', 'is', null)
  if (from.status !== undefined) query = query.where('status', '=', from.status)
  if (from.archived !== undefined) query = query.where('archived', '=', from.archived)
  const result = await query.executeTakeFirst()
  return result.numUpdatedRows > 0n
}

/** Adds to the customer's live sales; returns the count after (0 → 1 makes a paid account). */
/** Adds to customers' live sales (by id) in one statement; their live sales after, by id. */
export async function bumpLiveSales(db: Db, programId: number, deltas: Map<number, number>): Promise<Map<number, number>> {
  const byId = new Map([...deltas].map(([id, delta]) => [id, { live_sales: delta }]))
  const after = await addToCounters<{ id: number; live_sales: number }>(db, 'customers', programId, byId, ['live_sales'], '"id", "live_sales"')
  const found = new Map(after.map((row) => [Number(row.id), Number(row.live_sales)]))
  for (const id of deltas.keys()) if (!found.has(id)) throw new Error(`customer ${id} vanished while its sales were counted`)
  return found
}

export interface CustomerListQuery {
  sort: 'asc' | 'desc'
  offset: number
  fetch: number
  partnerId?: number
  filters?: { key?: string; email?: string }
}

export function listCustomerRows(db: Db, programId: number, q: CustomerListQuery): Promise<CustomerRow[]> {
  let query = db.selectFrom('customers as c').leftJoin('partners as p', (join) => join.onRef('p.id', '=', 'c.partner_id').on('p.deleted_at', 'is', null))
    .selectAll('c').select('p.public_id as partner_public_id')
    .where('c.program_id', '=', programId).where('c.deleted_at', 'is', null)
  if (q.partnerId !== undefined) query = query.where('c.partner_id', '=', q.partnerId)
  if (q.filters?.key !== undefined) query = query.where(sql`lower(c."key")`, 'like', likePattern(q.filters.key))
  if (q.filters?.email !== undefined) query = query.where('c.email_lower', 'like', likePattern(q.filters.email))
  return query.orderBy('c.id', q.sort).offset(q.offset).limit(q.fetch).execute()
}

// The clicks a customer's attribution names (read only: tracking writes them).
export interface ClickRow {
  id: number
  linkId: number
  partnerId: number
  key: string
  countedAt: number
  firstAt: number
}

export async function findClick(db: Db, programId: number, id: number): Promise<ClickRow | undefined> {
  const row = await readRow<{ id: number | bigint; link_id: number | bigint; partner_id: number | bigint; key: string; counted_at: number | bigint; first_at: number | bigint }>(db, 'click_by_id',
    `select c.id, c.link_id, c.partner_id, l."key", c.counted_at, c.first_at from clicks c join referral_links l on l.id = c.link_id
     where c.program_id = ? and c.id = ? and l.deleted_at is null`, [programId, id])
  return row && { id: Number(row.id), linkId: Number(row.link_id), partnerId: Number(row.partner_id), key: row.key, countedAt: Number(row.counted_at), firstAt: Number(row.first_at) }
}
