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
// * if the commit itself fails, every unit of the batch is rejected and nothing of it is stored.
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
}

/** Most units in one transaction: bounds how long the first of them waits for the commit. */
const MAX_UNITS = 64

export class SharedTransactions {
  private waiting: Unit[] = []
  private busy = false

  constructor(private readonly db: Kysely<Database>) {}

  run<T>(work: Work<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.waiting.push({ work: work as Work<unknown>, resolve: resolve as (result: unknown) => void, reject })
      if (this.waiting.length === 1 && !this.busy) setImmediate(() => void this.next())
    })
  }

  private async next(): Promise<void> {
    if (this.busy || this.waiting.length === 0) return
    this.busy = true
    const batch = this.waiting.splice(0, MAX_UNITS)
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
      for (const unit of batch) unit.reject(error)
      return
    }
    // Units not yet answered: a failure of the whole transaction answers them all.
    const unanswered = new Set(batch)
    const done: { unit: Unit; result: unknown }[] = []
    try {
      for (const unit of batch) {
        const result = await runInSavepoint(trx, unit)
        if (result.ok) done.push({ unit, result: result.value })
        else unanswered.delete(unit)
      }
      await trx.commit().execute()
    } catch (error) {
      // The transaction cannot go on (or did not commit): nothing of this batch is stored.
      await trx.rollback().execute().catch(() => {})
      for (const unit of unanswered) unit.reject(error)
      return
    }
    for (const { unit, result } of done) unit.resolve(result)
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
    await savepoint.rollbackToSavepoint('unit').execute()
    await savepoint.releaseSavepoint('unit').execute()
    unit.reject(error)
    return { ok: false }
  }
  await savepoint.releaseSavepoint('unit').execute()
  return { ok: true, value }
}
