// Writes on the hot path (a sale's inserts and counter updates), as SQL text instead of through
// Kysely's builder: building those queries was a large part of a sale's CPU. The text depends only
// on the table, the columns and the row count, so both stores' statement caches (prepared once on
// SQLite, named on PostgreSQL) still apply. They run on the writer's connection (or the caller's
// transaction), never on the read-only one the hot reads use.
import { CompiledQuery, type Insertable } from 'kysely'
import type { Database, Db } from './schema.js'
import { dialectOf, numberedPlaceholders } from './prepared.js'

const texts = new Map<string, string>()

function insertText(table: string, columns: string[], rowCount: number, tail: string): string {
  const shape = `${table}|${columns.join(',')}|${rowCount}|${tail}`
  let text = texts.get(shape)
  if (text === undefined) {
    const row = `(${columns.map(() => '?').join(', ')})`
    text = `insert into "${table}" (${columns.map((c) => `"${c}"`).join(', ')}) values ${Array(rowCount).fill(row).join(', ')}${tail ? ` ${tail}` : ''}`
    if (texts.size < 1000) texts.set(shape, text)
  }
  return text
}

/** Runs a write with `?` placeholders; the rows it returns, if any. */
export async function writeSql<Row>(db: Db, text: string, params: unknown[]): Promise<Row[]> {
  const sql = dialectOf(db) === 'postgres' ? numberedPlaceholders(text) : text
  return (await db.executeQuery<Row>(CompiledQuery.raw(sql, params))).rows
}

/** Inserts the rows (all with the same columns); `tail` adds e.g. `returning *` or an `on conflict` clause. */
export async function insertRows<T extends keyof Database, Row = unknown>(db: Db, table: T, rows: Insertable<Database[T]>[], tail = ''): Promise<Row[]> {
  const first = rows[0]
  if (!first) return []
  const columns = Object.keys(first).filter((c) => (first as Record<string, unknown>)[c] !== undefined)
  const params = rows.flatMap((r) => columns.map((c) => (r as Record<string, unknown>)[c]))
  return writeSql<Row>(db, insertText(table, columns, rows.length, tail), params)
}
