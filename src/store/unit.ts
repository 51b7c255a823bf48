// A request that must be all-or-nothing as a whole — a write with an Idempotency-Key, whose claim,
// effect and stored answer commit together — runs its handler inside one open transaction, the
// request's unit. The handler's code is the same as without one: routes and services hold the
// store's handle (`store.db`), and that handle sends every query made in the unit's async context
// to the unit's transaction. Without that, a handler's plain read would wait for the connection the
// unit holds (SQLite has one) or miss the unit's own writes (PostgreSQL's pool).
//
// The unit is found through AsyncLocalStorage, so it follows the handler's awaits and nothing else:
// work the handler hands to shared machinery (group commit) is started outside it (outsideUnits).
import { AsyncLocalStorage } from 'node:async_hooks'
import type { Kysely } from 'kysely'
import type { Database } from './schema.js'
import type { Tx } from './unit-of-work.js'

interface OpenUnit {
  root: Kysely<Database>
  tx: Tx
  /** False once the unit's work has returned: a late continuation must not use a finished transaction. */
  open: boolean
}

const current = new AsyncLocalStorage<OpenUnit>()

/** Runs `work` as the unit of `root`: every query through `root` in its async context goes to `tx`. */
export async function runAsUnit<T>(root: Kysely<Database>, tx: Tx, work: () => Promise<T>): Promise<T> {
  const unit: OpenUnit = { root, tx, open: true }
  try {
    return await current.run(unit, work)
  } finally {
    unit.open = false
  }
}

/** The transaction of the unit open for `root` in this async context, if any. */
export function openUnitOf(db: unknown): Tx | undefined {
  const unit = current.getStore()
  return unit && unit.open && unit.root === db ? unit.tx : undefined
}

/** Runs `start` outside any unit: for work that outlives the request that happened to start it. */
export function outsideUnits<T>(start: () => T): T {
  return current.exit(start)
}

/**
 * The store's handle: the Kysely instance itself, except that inside a unit every property (query
 * builders, executeQuery, transaction…) is the unit's transaction's. Methods are bound to the real
 * instance, whose private fields a proxy receiver could not reach; bound methods are made once.
 */
export function unitAware(db: Kysely<Database>): Kysely<Database> {
  const bound = new Map<PropertyKey, unknown>()
  let handle: Kysely<Database>
  const boundTo = (target: object, prop: PropertyKey, cache: Map<PropertyKey, unknown> | undefined) => {
    const value = Reflect.get(target, prop, target)
    if (typeof value !== 'function') return value
    if (!cache) return value.bind(target)
    let found = cache.get(prop)
    if (found === undefined) cache.set(prop, (found = value.bind(target)))
    return found
  }
  handle = new Proxy(db, {
    get(target, prop) {
      const tx = openUnitOf(handle)
      return tx ? boundTo(tx, prop, undefined) : boundTo(target, prop, bound)
    },
  })
  return handle
}
