// Inserts on the hot path (a sale's rows, events and counter upserts), as SQL text instead of
// through Kysely's builder: building those queries was a large part of a sale's CPU. The text
// depends only on the table, the columns and the row count, so both stores' statement caches
// (prepared once on SQLite, named on PostgreSQL) still apply. Other hot writes use executeRaw().
import type { Insertable } from 'kysely'
import type { Database, Db } from './schema.js'
import { executeRaw } from './prepared.js'

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

/** Inserts the rows (all with the same columns); `tail` adds e.g. `returning *` or an `on conflict` clause. */
export async function insertRows<T extends keyof Database, Row = unknown>(db: Db, table: T, rows: Insertable<Database[T]>[], tail = ''): Promise<Row[]> {
  const first = rows[0]
  if (!first) return []
  const columns = Object.keys(first).filter((c) => (first as Record<string, unknown>)[c] !== undefined)
  const params = rows.flatMap((r) => columns.map((c) => (r as Record<string, unknown>)[c]))
  return executeRaw<Row>(db, insertText(table, columns, rows.length, tail), params)
}
