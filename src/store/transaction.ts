import type { Kysely, Transaction } from 'kysely'
import type { Database } from './schema.js'
import { registerTransaction } from './prepared.js'

/** Runs `work` in one transaction: every change and every event it emits commit together or not at all. */
export function inTransaction<T>(db: Kysely<Database>, work: (tx: Transaction<Database>) => Promise<T>): Promise<T> {
  return db.transaction().execute((tx) => {
    registerTransaction(tx, db)
    return work(tx)
  })
}
