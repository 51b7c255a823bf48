// Group commit for SQLite writes. SQLite has one writer, and on this store a commit costs more
// than a sale's dozen statements together: it appends every page the transaction dirtied to the
// WAL, and many of those pages (the program's rollups, the partner's counters, the ends of the
// indexes) are the same from one sale to the next. So the units of work that are waiting when the
// connection becomes free (group-commit.ts) run one after another inside one transaction, each in
// a savepoint of its own, and commit together:
//
// * a unit that fails is rolled back to its savepoint and fails alone; the others go on;
// * a unit that succeeds is resolved only after the commit, so no caller answers before its
//   writes are durable, exactly as with a transaction of its own;
// * a unit whose failure takes the whole transaction down (SQLite rolls it back itself on a full
//   disk or I/O error) fails with its own error, and the others run again together;
// * if the commit fails, nothing was stored and nobody can tell which unit broke it: each unit
//   runs again in a transaction of its own, so only the one at fault fails.
// Running again is safe because a unit's work re-reads all it uses, as on PostgreSQL's retries.
import type { ControlledTransaction, Kysely, Transaction } from 'kysely'
import type { Database } from './schema.js'
import { GroupCommit } from './group-commit.js'

type Work<T> = (tx: Transaction<Database>) => Promise<T>
type Outcome = PromiseSettledResult<unknown>

/** Most units in one transaction: bounds how long the first of them waits for the commit. */
const MAX_UNITS = 64
/** Tries to begin a transaction (each waits busy_timeout for another process's write lock). */
const BEGIN_ATTEMPTS = 3

/** A unit's failure that SQLite answered by rolling back the whole transaction. */
class TransactionLost extends Error {
  constructor(readonly unit: number, readonly original: unknown) {
    super('the shared transaction was rolled back')
  }
}

export class SharedTransactions {
  private readonly batches: GroupCommit<Work<unknown>, Outcome>

  constructor(private readonly db: Kysely<Database>) {
    this.batches = new GroupCommit((units) => this.commitTogether(units), MAX_UNITS)
  }

  async run<T>(work: Work<T>): Promise<T> {
    const outcome = await this.batches.add(work as Work<unknown>)
    if (outcome.status === 'rejected') throw outcome.reason
    return outcome.value as T
  }

  /** One outcome per unit, in order. */
  private async commitTogether(units: Work<unknown>[]): Promise<Outcome[]> {
    const outcomes: (Outcome | undefined)[] = units.map(() => undefined)
    await this.attempt(units.map((_, i) => i), units, outcomes)
    return outcomes as Outcome[]
  }

  /** Runs the units `which` in one transaction and fills in their outcomes, running again those that stored nothing through no fault of their own. */
  private async attempt(which: number[], units: Work<unknown>[], outcomes: (Outcome | undefined)[]): Promise<void> {
    const trx = await this.begin().catch((error: unknown) => {
      for (const i of which) outcomes[i] = { status: 'rejected', reason: error }
    })
    if (!trx) return
    const done: { i: number; value: unknown }[] = []
    try {
      for (const i of which) {
        const outcome = await runInSavepoint(trx, i, units[i] as Work<unknown>)
        if (outcome.status === 'fulfilled') done.push({ i, value: outcome.value })
        else outcomes[i] = outcome
      }
      await trx.commit().execute()
    } catch (error) {
      // Nothing of this transaction is stored.
      await trx.rollback().execute().catch(() => {})
      const unsettled = () => which.filter((i) => outcomes[i] === undefined)
      if (error instanceof TransactionLost) {
        outcomes[error.unit] = { status: 'rejected', reason: error.original }
        if (unsettled().length > 0) await this.attempt(unsettled(), units, outcomes)
      } else if (which.length > 1) {
        for (const i of unsettled()) await this.attempt([i], units, outcomes)
      } else {
        for (const i of unsettled()) outcomes[i] = { status: 'rejected', reason: error }
      }
      return
    }
    for (const { i, value } of done) outcomes[i] = { status: 'fulfilled', value }
  }

  private async begin(): Promise<ControlledTransaction<Database>> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.db.startTransaction().execute()
      } catch (error) {
        if (attempt >= BEGIN_ATTEMPTS) throw error
      }
    }
  }
}

/** Runs one unit in a savepoint. Its own failure is rolled back and returned; a failure to roll back is thrown. */
async function runInSavepoint(trx: ControlledTransaction<Database>, i: number, work: Work<unknown>): Promise<Outcome> {
  // Each unit gets a transaction object of its own, and inTransaction gives that its own unit of
  // work: what one unit deferred is written inside its own savepoint.
  const savepoint = await trx.savepoint('unit').execute()
  let value: unknown
  try {
    value = await work(savepoint)
  } catch (error) {
    try {
      await savepoint.rollbackToSavepoint('unit').execute()
      await savepoint.releaseSavepoint('unit').execute()
    } catch {
      throw new TransactionLost(i, error)
    }
    return { status: 'rejected', reason: error }
  }
  await savepoint.releaseSavepoint('unit').execute()
  return { status: 'fulfilled', value }
}
