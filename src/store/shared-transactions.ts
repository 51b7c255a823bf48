// Group commit for SQLite writes. SQLite has one writer, and on this store a commit costs more
// than a sale's dozen statements together: it appends every page the transaction dirtied to the
// WAL, and many of those pages (the program's rollups, the partner's counters, the ends of the
// indexes) are the same from one sale to the next. So the units of work that are waiting when the
// connection becomes free run one after another inside one transaction, each in a savepoint of its
// own, and commit together:
//
// * a unit that fails is rolled back to its savepoint and rejected at once; the others go on;
// * a unit that succeeds is resolved only after the commit, so no caller answers before its
//   writes are durable, exactly as with a transaction of its own;
// * a unit whose failure takes the whole transaction down (SQLite rolls it back itself on a full
//   disk or I/O error) is rejected with its own error, and the others run again in a new batch;
// * if the commit fails, nothing of the batch was stored and nobody can tell which unit broke it:
//   each unit runs again in a transaction of its own, so only the one at fault fails.
// A unit runs at most ATTEMPTS times; its work re-reads all it uses, as on PostgreSQL's retries.
//
// Units gather for one turn of the event loop (what arrived together), never for a fixed time, so
// a lone write commits at once.
import type { ControlledTransaction, Kysely, Transaction } from 'kysely'
import type { Database } from './schema.js'

type Work<T> = (tx: Transaction<Database>) => Promise<T>

interface Unit {
  work: Work<unknown>
  resolve: (result: unknown) => void
  reject: (error: unknown) => void
  attempts: number
  /** Runs in a transaction of its own (after a failed shared commit). */
  alone: boolean
}

/** Most units in one transaction: bounds how long the first of them waits for the commit. */
const MAX_UNITS = 64
const ATTEMPTS = 3

/** A unit's failure that SQLite answered by rolling back the whole transaction. */
class TransactionLost extends Error {
  constructor(readonly unit: Unit, readonly original: unknown) {
    super('the shared transaction was rolled back')
  }
}

export class SharedTransactions {
  private waiting: Unit[] = []
  private busy = false

  constructor(private readonly db: Kysely<Database>) {}

  run<T>(work: Work<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.waiting.push({ work: work as Work<unknown>, resolve: resolve as (result: unknown) => void, reject, attempts: 0, alone: false })
      if (this.waiting.length === 1 && !this.busy) setImmediate(() => void this.next())
    })
  }

  private async next(): Promise<void> {
    if (this.busy || this.waiting.length === 0) return
    this.busy = true
    const firstAlone = this.waiting.findIndex((u) => u.alone)
    const batch = this.waiting.splice(0, firstAlone === 0 ? 1 : Math.min(MAX_UNITS, firstAlone === -1 ? MAX_UNITS : firstAlone))
    try {
      await this.commitTogether(batch)
    } finally {
      this.busy = false
      if (this.waiting.length > 0) setImmediate(() => void this.next())
    }
  }

  private async commitTogether(batch: Unit[]): Promise<void> {
    let trx: ControlledTransaction<Database>
    try {
      trx = await this.db.startTransaction().execute()
    } catch (error) {
      this.runAgain(batch, error, false)
      return
    }
    const unanswered = new Set(batch)
    const done: { unit: Unit; result: unknown }[] = []
    let committing = false
    try {
      for (const unit of batch) {
        const result = await runInSavepoint(trx, unit)
        if (result.ok) done.push({ unit, result: result.value })
        else unanswered.delete(unit)
      }
      committing = true
      await trx.commit().execute()
    } catch (error) {
      // Nothing of this batch is stored.
      await trx.rollback().execute().catch(() => {})
      if (error instanceof TransactionLost) {
        unanswered.delete(error.unit)
        error.unit.reject(error.original)
        this.runAgain([...unanswered], error.original, false)
      } else {
        this.runAgain([...unanswered], error, committing)
      }
      return
    }
    for (const { unit, result } of done) unit.resolve(result)
  }

  /** Units of a batch that stored nothing run again (first in line), unless they have run out of attempts. */
  private runAgain(units: Unit[], error: unknown, alone: boolean): void {
    const again: Unit[] = []
    for (const unit of units) {
      unit.attempts += 1
      if (unit.attempts >= ATTEMPTS) unit.reject(error)
      else again.push({ ...unit, alone: unit.alone || alone })
    }
    this.waiting.unshift(...again)
  }
}

/** Runs one unit in a savepoint. Its own failure is rolled back and rejected here; a failure to roll back is thrown. */
async function runInSavepoint(trx: ControlledTransaction<Database>, unit: Unit): Promise<{ ok: true; value: unknown } | { ok: false }> {
  // Each unit gets a transaction object of its own: per-transaction state (gathered writes,
  // commit tasks) is keyed by it.
  const savepoint = await trx.savepoint('unit').execute()
  let value: unknown
  try {
    value = await unit.work(savepoint)
  } catch (error) {
    try {
      await savepoint.rollbackToSavepoint('unit').execute()
      await savepoint.releaseSavepoint('unit').execute()
    } catch {
      throw new TransactionLost(unit, error)
    }
    unit.reject(error)
    return { ok: false }
  }
  await savepoint.releaseSavepoint('unit').execute()
  return { ok: true, value }
}
