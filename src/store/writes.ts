// Inserts on the hot path (a sale's rows, events and counter upserts), as SQL text instead of
// through Kysely's builder: building those queries was a large part of a sale's CPU. The text
// depends only on the table, the columns and the row count, so both stores' statement caches
// (prepared once on SQLite, named on PostgreSQL) still apply. Other hot writes use executeRaw().
import type { Insertable } from 'kysely'
import type { Database, Db } from './schema.js'
import { executeRaw } from './prepared.js'

/**
 * Starts a statement whose answer nobody reads (counter upserts, ledger rows, events). Inside a
 * PostgreSQL transaction it waits to go out with the next statement (store/postgres-connections.ts);
 * SQLite runs it at once like any other.
 */
export const UNREAD = '/* unread */ '

const texts = new Map<string, string>()

function insertText(table: string, columns: string[], rowCount: number, tail: string, prefix = ''): string {
  const shape = `${prefix}${table}|${columns.join(',')}|${rowCount}|${tail}`
  let text = texts.get(shape)
  if (text === undefined) {
    const row = `(${columns.map(() => '?').join(', ')})`
    text = `${prefix}insert into "${table}" (${columns.map((c) => `"${c}"`).join(', ')}) values ${Array(rowCount).fill(row).join(', ')}${tail ? ` ${tail}` : ''}`
    if (texts.size < 1000) texts.set(shape, text)
  }
  return text
}

/** Inserts the rows (all with the same columns); `tail` adds e.g. `returning *` or an `on conflict` clause. */
export async function insertRows<T extends keyof Database, Row = unknown>(db: Db, table: T, rows: Insertable<Database[T]>[], tail = ''): Promise<Row[]> {
  return insertWith(db, table, rows, tail, '')
}

/** Inserts rows nobody reads back (`tail` may be an `on conflict` clause, never `returning`): see UNREAD. */
export async function appendRows<T extends keyof Database>(db: Db, table: T, rows: Insertable<Database[T]>[], tail = ''): Promise<void> {
  await insertWith(db, table, rows, tail, UNREAD)
}

async function insertWith<Row>(db: Db, table: keyof Database, rows: object[], tail: string, prefix: string): Promise<Row[]> {
  const first = rows[0]
  if (!first) return []
  const columns = Object.keys(first).filter((c) => (first as Record<string, unknown>)[c] !== undefined)
  return inChunks(rows, (chunk) => {
    const params = chunk.flatMap((r) => columns.map((c) => (r as Record<string, unknown>)[c]))
    return executeRaw<Row>(db, insertText(table, columns, chunk.length, tail, prefix), params)
  })
}

/** Lists up to this long run as one statement whatever their length (a sale's few rows). */
const WHOLE_UP_TO = 16

/**
 * Runs a statement that takes a list (a multi-row insert, an `in (…)`) and joins what it returns.
 * A long list (a batch of clicks) runs in chunks whose sizes are powers of two, in order: a batch
 * of any size then uses one of a few statement texts, so the prepared statements stay few (each
 * costs memory in both stores) instead of one per batch size seen.
 */
export async function inChunks<T, R>(items: T[], run: (chunk: T[]) => Promise<R[]>): Promise<R[]> {
  if (items.length <= WHOLE_UP_TO) return items.length === 0 ? [] : run(items)
  const out: R[] = []
  let start = 0
  while (start < items.length) {
    const left = items.length - start
    const size = left <= WHOLE_UP_TO ? left : 2 ** Math.floor(Math.log2(left))
    out.push(...await run(items.slice(start, start + size)))
    start += size
  }
  return out
}

const counterTexts = new Map<string, string>()

function counterText(table: string, columns: string[], rowCount: number, returning: string): string {
  const shape = `${table}|${columns.join(',')}|${rowCount}|${returning}`
  let text = counterTexts.get(shape)
  if (text === undefined) {
    const cases = Array(rowCount).fill('when ? then ?').join(' ')
    const sets = columns.map((c) => `"${c}" = "${c}" + case "id" ${cases} else 0 end`).join(', ')
    text = `update "${table}" set ${sets} where "program_id" = ? and "id" in (${Array(rowCount).fill('?').join(', ')}) returning ${returning}`
    if (counterTexts.size < 1000) counterTexts.set(shape, text)
  }
  return text
}

/**
 * Adds to counter columns of many rows of one program, named by id, in one statement (per chunk
 * of a long list), and returns `returning` of every row changed, in no set order. `columns` is the
 * caller's fixed list: no name from input reaches the SQL. Ids go in ascending order, so on
 * PostgreSQL concurrent writers take the rows' locks in one order.
 */
export async function addToCounters<Row>(db: Db, table: 'customers' | 'partners', programId: number,
  deltas: Map<number, Partial<Record<string, number>>>, columns: readonly string[], returning: string): Promise<Row[]> {
  const ids = [...deltas.keys()].sort((a, b) => a - b)
  const used = columns.filter((c) => ids.some((id) => (deltas.get(id)?.[c] ?? 0) !== 0))
  if (used.length === 0) return []
  return inChunks(ids, (chunk) => {
    const params = [...used.flatMap((c) => chunk.flatMap((id) => [id, deltas.get(id)?.[c] ?? 0])), programId, ...chunk]
    return executeRaw<Row>(db, counterText(table, used, chunk.length, returning), params)
  })
}
