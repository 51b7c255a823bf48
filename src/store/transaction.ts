import { sql, type Kysely, type Transaction } from 'kysely'
import type { Database } from './schema.js'
import { dialectOf, storeOf } from './prepared.js'
import { SharedTransactions } from './shared-transactions.js'
import { openUnitOf } from './unit.js'
import { openUnit, type Tx } from './unit-of-work.js'

/** PostgreSQL's deadlock_detected and serialization_failure: the transaction was rolled back whole. */
const RETRYABLE = new Set(['40P01', '40001'])
const ATTEMPTS = 4

/**
 * Runs `work` in one transaction: every change and every event it emits commit together or not at
 * all. When PostgreSQL breaks a deadlock between concurrent writers by rolling one back, that one
 * runs again (its work re-reads everything it uses), so the client sees success, not a 5xx.
 */
export async function inTransaction<T>(db: Kysely<Database>, work: (tx: Tx) => Promise<T>, options: { batched?: boolean } = {}): Promise<T> {
  // Inside a request's unit (store/unit.ts) the work joins the unit's transaction and commits with it.
  const open = openUnitOf(db)
  if (open) return inSavepoint(open, work)
  // SQLite: units that arrive together commit together (shared-transactions.ts), unless the work
  // is a batch gathered already (clicks, sales), which would only wait another turn of the event loop.
  if (dialectOf(db) === 'sqlite') {
    const unit = (tx: Transaction<Database>) => settled(openUnit(tx, storeOf(db), 'sqlite'), work)
    return options.batched ? db.transaction().execute(unit) : sharedTransactionsOf(db).run(unit)
  }
  for (let attempt = 1; ; attempt++) {
    try {
      return await onLane(db, work)
    } catch (err) {
      const code = (err as { code?: unknown }).code
      if (attempt >= ATTEMPTS || typeof code !== 'string' || !RETRYABLE.has(code)) throw err
      await new Promise((resolve) => setTimeout(resolve, Math.random() * 10 * attempt))
    }
  }
}

let savepoints = 0

/**
 * Work joining a unit runs in a savepoint of the unit's transaction, so it is all or nothing as
 * with a transaction of its own: when it fails, what it wrote and deferred is undone and the unit
 * goes on — a page showing a refusal, a bulk change naming the partners it could not change — with a
 * transaction it can still use (PostgreSQL refuses every statement after a failed one otherwise).
 * What it deferred is written when it returns, so whatever the caller reads next sees it.
 */
async function inSavepoint<T>(tx: Tx, work: (tx: Tx) => Promise<T>): Promise<T> {
  // What came before is written first, so a rollback to the savepoint takes only this work's rows.
  await tx.unit.settle()
  const name = sql.raw(`unit_work_${++savepoints}`)
  await sql`savepoint ${name}`.execute(tx)
  try {
    const result = await settled(tx, work)
    await sql`release savepoint ${name}`.execute(tx)
    return result
  } catch (err) {
    tx.unit.forget()
    await sql`rollback to savepoint ${name}`.execute(tx)
    await sql`release savepoint ${name}`.execute(tx)
    throw err
  }
}

/** One PostgreSQL transaction, holding a lane from when it has a connection until it ends. */
async function onLane<T>(db: Kysely<Database>, work: (tx: Tx) => Promise<T>): Promise<T> {
  let lane: number | undefined
  try {
    return await db.transaction().execute((tx) => {
      lane = takeLane()
      return settled(openUnit(tx, storeOf(db), dialectOf(db), lane), work)
    })
  } finally {
    if (lane !== undefined) lanesInUse.delete(lane)
  }
}

const lanesInUse = new Set<number>()

/** The lowest number no other open transaction of this process holds. */
function takeLane(): number {
  let lane = 0
  while (lanesInUse.has(lane)) lane++
  lanesInUse.add(lane)
  return lane
}

/** One SharedTransactions per store (its handle), made on first use. */
const shared = new WeakMap<Kysely<Database>, SharedTransactions>()

function sharedTransactionsOf(db: Kysely<Database>): SharedTransactions {
  let found = shared.get(db)
  if (!found) shared.set(db, (found = new SharedTransactions(db)))
  return found
}

/** Runs the work, then writes what it deferred, still inside the transaction. */
async function settled<T>(tx: Tx, work: (tx: Tx) => Promise<T>): Promise<T> {
  const result = await work(tx)
  await tx.unit.settle()
  return result
}
