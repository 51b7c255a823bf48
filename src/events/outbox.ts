// Domain events go into the outbox inside the same transaction as the change they announce,
// so an event exists if and only if its change committed. Webhook delivery reads them later.
import type { Insertable } from 'kysely'
import type { Db, OutboxTable } from '../store/schema.js'
import { writeJson } from '../store/json.js'
import { atCommit } from '../store/transaction.js'

const gathered = new WeakMap<object, Insertable<OutboxTable>[]>()

/**
 * Adds an event to the outbox. Inside a transaction the events are written together just before
 * commit, in the order they were emitted: one statement for a sale and all its rewards.
 */
export async function emit(tx: Db, programId: number, type: string, data: unknown, now = Date.now()): Promise<void> {
  const row = { program_id: programId, type, data: writeJson(data), created_at: now }
  const pending = gathered.get(tx)
  if (pending) {
    pending.push(row)
    return
  }
  if (atCommit(tx, 'outbox', () => write(tx, gathered.get(tx) ?? []))) gathered.set(tx, [row])
  else await write(tx, [row])
}

async function write(tx: Db, rows: Insertable<OutboxTable>[]): Promise<void> {
  if (rows.length > 0) await tx.insertInto('outbox').values(rows).execute()
}
