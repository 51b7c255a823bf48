// Domain events go into the outbox inside the same transaction as the change they announce,
// so an event exists if and only if its change committed. Webhook delivery and the mail job read
// them later, each marking what it has handled.
import type { Insertable } from 'kysely'
import type { Db, OutboxTable } from '../store/schema.js'
import { writeJson } from '../store/json.js'
import { dialectOf } from '../store/prepared.js'
import { deferred } from '../store/unit-of-work.js'
import { appendRows } from '../store/writes.js'

// Inside a transaction, its events are written together just before commit, in the order emitted.
const events = deferred<Insertable<OutboxTable>>('outbox', async (db, rows) => {
  await appendRows(db, 'outbox', rows)
})

export async function emit(tx: Db, programId: number, type: string, data: unknown, now = Date.now()): Promise<void> {
  await events.add(tx, [{ program_id: programId, type, data: writeJson(data), created_at: now }])
}

/** Each reader of the outbox marks the events it has handled in a column of its own. */
type Reader = 'fanned_out' | 'mailed'

/**
 * Up to `limit` events after id `after` that `reader` has not handled yet, oldest first. On
 * PostgreSQL they are locked for the caller's transaction, skipping those another process holds.
 */
function unhandled(tx: Db, reader: Reader, after: number, limit: number) {
  let pick = tx.selectFrom('outbox').select(['id', 'program_id', 'type', 'data', 'created_at'])
    .where(reader, '=', 0).where('id', '>', after).orderBy('id').limit(limit)
  if (dialectOf(tx) === 'postgres') pick = pick.forUpdate().skipLocked()
  return pick.execute()
}

/** Events webhooks have not fanned out yet (see unhandled). */
export function eventsToFanOut(tx: Db, after: number, limit: number) {
  return unhandled(tx, 'fanned_out', after, limit)
}

export async function markFannedOut(tx: Db, ids: number[]): Promise<void> {
  await tx.updateTable('outbox').set({ fanned_out: 1 }).where('id', 'in', ids).execute()
}

/** Events the mail job has not read yet (see unhandled). */
export function eventsToMail(tx: Db, after: number, limit: number) {
  return unhandled(tx, 'mailed', after, limit)
}

export async function markMailed(tx: Db, ids: number[]): Promise<void> {
  await tx.updateTable('outbox').set({ mailed: 1 }).where('id', 'in', ids).execute()
}
