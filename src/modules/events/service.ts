// The program's domain events as GET /v1/events shows them: what the outbox holds and webhooks
// deliver, readable by polling too.
import type { Db } from '../../store/schema.js'
import { isoMicros } from '../../wire-time.js'
import { listEvents, type EventQuery } from './store.js'

export async function listEventViews(db: Db, programId: number, q: EventQuery) {
  const rows = await listEvents(db, programId, q)
  return rows.map((e) => ({ id: `evt_${e.id}`, type: e.type, created_at: isoMicros(e.createdAt), data: e.data }))
}
