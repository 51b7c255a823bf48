import type { Kysely, Transaction } from 'kysely'
import type { Database, Db } from './schema.js'
import { dialectOf, registerTransaction } from './prepared.js'
import { SharedTransactions } from './shared-transactions.js'
import { openUnitOf } from './unit.js'

/** Per open transaction: tasks to run once its work is done, just before it commits. */
const beforeCommit = new WeakMap<object, Map<string, () => Promise<void>>>()

/** Runs `task` (once per name) at the end of this transaction, inside it; false outside one. */
function atCommit(db: Db, name: string, task: () => Promise<void>): boolean {
  const tasks = beforeCommit.get(db)
  if (!tasks) return false
  if (!tasks.has(name)) tasks.set(name, task)
  return true
}

export interface GatheredWrites<Row> {
  /** Adds rows: gathered inside a transaction opened by inTransaction, written at once otherwise. */
  add(db: Db, rows: Row[]): Promise<void>
  /** Writes what this transaction has gathered so far: for a read that must see it. */
  flush(db: Db): Promise<void>
}

/**
 * Rows many rules of one transaction add to the same table (counters, events): gathered, then
 * written by `write` in one statement just before commit. Fewer statements per write, and shared
 * counter rows stay locked only for the end of the transaction.
 */
export function gatheredWrites<Row>(name: string, write: (db: Db, rows: Row[]) => Promise<void>): GatheredWrites<Row> {
  const pending = new WeakMap<object, Row[]>()
  const flush = async (db: Db) => {
    const rows = pending.get(db)
    pending.delete(db)
    if (!rows || rows.length === 0) return
    await write(db, rows)
  }
  return {
    async add(db, rows) {
      const gathered = pending.get(db)
      if (gathered) gathered.push(...rows)
      else if (atCommit(db, name, () => flush(db))) pending.set(db, [...rows])
      else await write(db, rows)
    },
    flush,
  }
}

/** PostgreSQL's deadlock_detected and serialization_failure: the transaction was rolled back whole. */
const RETRYABLE = new Set(['40P01', '40001'])
const ATTEMPTS = 4

/**
 * Runs `work` in one transaction: every change and every event it emits commit together or not at
 * all. When PostgreSQL breaks a deadlock between concurrent writers by rolling one back, that one
 * runs again (its work re-reads everything it uses), so the client sees success, not a 5xx.
 */
export async function inTransaction<T>(db: Kysely<Database>, work: (tx: Transaction<Database>) => Promise<T>, options: { batched?: boolean } = {}): Promise<T> {
  // Inside a request's unit (store/unit.ts) the work joins the unit's transaction and commits with it.
  const open = openUnitOf(db)
  if (open) return withinOpenUnit(open, work)
  const unit = (tx: Transaction<Database>) => withCommitTasks(db, tx, work)
  // SQLite: units that arrive together commit together (shared-transactions.ts), unless the work
  // is a batch gathered already (clicks), which would only wait another turn of the event loop.
  if (dialectOf(db) === 'sqlite') return options.batched ? db.transaction().execute(unit) : sharedTransactionsOf(db).run(unit)
  for (let attempt = 1; ; attempt++) {
    try {
      return await onLane(db, unit)
    } catch (err) {
      const code = (err as { code?: unknown }).code
      if (attempt >= ATTEMPTS || typeof code !== 'string' || !RETRYABLE.has(code)) throw err
      await new Promise((resolve) => setTimeout(resolve, Math.random() * 10 * attempt))
    }
  }
}

/** One PostgreSQL transaction, holding a lane from when it has a connection until it ends. */
async function onLane<T>(db: Kysely<Database>, unit: (tx: Transaction<Database>) => Promise<T>): Promise<T> {
  let lane: number | undefined
  try {
    return await db.transaction().execute((tx) => {
      lane = takeLane()
      lanes.set(tx, lane)
      return unit(tx)
    })
  } finally {
    if (lane !== undefined) lanesInUse.delete(lane)
  }
}

const lanes = new WeakMap<object, number>()
const lanesInUse = new Set<number>()

/** The lowest number no other open transaction of this process holds. */
function takeLane(): number {
  let lane = 0
  while (lanesInUse.has(lane)) lane++
  lanesInUse.add(lane)
  return lane
}

/**
 * PostgreSQL: a small number that no other transaction of this process open at the same time
 * holds (0, 1, 2… up to about the pool's size), so shared counter rows can be split by it and
 * concurrent transactions never wait for each other on them. Undefined outside inTransaction and on SQLite.
 */
export function laneOf(tx: Db): number | undefined {
  return lanes.get(tx)
}

const shared = new WeakMap<Kysely<Database>, SharedTransactions>()

function sharedTransactionsOf(db: Kysely<Database>): SharedTransactions {
  let found = shared.get(db)
  if (!found) shared.set(db, (found = new SharedTransactions(db)))
  return found
}

async function withCommitTasks<T>(db: Kysely<Database>, tx: Transaction<Database>, work: (tx: Transaction<Database>) => Promise<T>): Promise<T> {
  registerTransaction(tx, db)
  beforeCommit.set(tx, new Map())
  const result = await work(tx)
  await runCommitTasks(tx)
  return result
}

/**
 * Work joining an open unit's transaction ends as if it had committed: what it gathered is
 * written now, so whatever the caller reads next sees it, as after a transaction of its own.
 */
async function withinOpenUnit<T>(tx: Transaction<Database>, work: (tx: Transaction<Database>) => Promise<T>): Promise<T> {
  const result = await work(tx)
  await runCommitTasks(tx)
  return result
}

async function runCommitTasks(tx: Transaction<Database>): Promise<void> {
  const tasks = beforeCommit.get(tx)
  if (!tasks) return
  // A task may gather more (counters that emit events): those run in the same pass.
  for (const task of tasks.values()) await task()
  tasks.clear()
}
