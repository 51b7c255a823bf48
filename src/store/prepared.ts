// Hot reads (API keys, partners, links) as plain SQL with `?` placeholders. Given the store's own
// handle, they run as statements prepared once per process (Kysely re-prepares every query, which
// dominates a small read); given a transaction, the same SQL runs on that transaction's connection,
// so it sees the transaction's own writes. One SQL text either way.
import { CompiledQuery } from 'kysely'
import type { Db } from './schema.js'
import type { Dialect, Store } from './store.js'
import { openUnitOf } from './unit.js'
import { isTx } from './unit-of-work.js'

/** The stores this process opened, by their handle (a transaction's is on its unit of work). */
const stores = new WeakMap<object, Store>()

export function registerStore(store: Store): void {
  stores.set(store.db, store)
}

/** The store a handle (its own, or a transaction opened by inTransaction) belongs to. */
export function storeOf(db: Db): Store | undefined {
  return isTx(db) ? db.unit.store : stores.get(db)
}

/** Which store a handle (the store's own, or a transaction of it) talks to. */
export function dialectOf(db: Db): Dialect | undefined {
  return isTx(db) ? db.unit.dialect : stores.get(db)?.dialect
}

/** SQL that differs between the stores (JSON aggregation, …): one text per dialect. */
export type PerDialect = Record<Dialect, string>

export async function readRows<Row>(db: Db, name: string, sql: string | PerDialect, params: unknown[]): Promise<Row[]> {
  const store = stores.get(db)
  const dialect = dialectOf(db)
  if (!dialect) throw new Error(`${name}: not a Partnerkit store or transaction`)
  const text = typeof sql === 'string' ? sql : sql[dialect]
  // Inside a request's unit, reads must see the unit's own writes: they go to its transaction.
  if (store && !openUnitOf(db)) return store.all<Row>(name, text, params)
  return executeRaw<Row>(db, text, params)
}

/**
 * SQL with `?` placeholders on the writer's connection (or the given transaction's), through
 * Kysely's driver but not its builder: for writes, and for reads that must see a transaction's own writes.
 */
export async function executeRaw<Row>(db: Db, text: string, params: unknown[]): Promise<Row[]> {
  const query = CompiledQuery.raw(dialectOf(db) === 'postgres' ? numberedPlaceholders(text) : text, params)
  return (await db.executeQuery<Row>(query)).rows
}

export async function readRow<Row>(db: Db, name: string, text: string | PerDialect, params: unknown[]): Promise<Row | undefined> {
  return (await readRows<Row>(db, name, text, params))[0]
}

/** `?` → `$1, $2…` for PostgreSQL. */
export function numberedPlaceholders(text: string): string {
  let n = 0
  return text.replace(/\?/g, () => `$${++n}`)
}
