// Domain events go into the outbox inside the same transaction as the change they announce,
// so an event exists if and only if its change committed. Webhook delivery reads them later.
import type { Insertable } from 'kysely'
import type { Db, OutboxTable } from '../store/schema.js'
import { writeJson } from '../store/json.js'
import { deferred } from '../store/unit-of-work.js'
import { appendRows } from '../store/writes.js'

// Inside a transaction, its events are written together just before commit, in the order emitted.
const events = deferred<Insertable<OutboxTable>>('outbox', async (db, rows) => {
  await appendRows(db, 'outbox', rows)
})

export async function emit(tx: Db, programId: number, type: string, data: unknown, now = Date.now()): Promise<void> {
  await events.add(tx, [{ program_id: programId, type, data: writeJson(data), created_at: now }])
}
