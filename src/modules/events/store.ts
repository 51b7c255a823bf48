import type { Db } from '../../store/schema.js'
import { readJson } from '../../store/json.js'

export interface EventQuery {
  type?: string
  sort: 'asc' | 'desc'
  offset: number
  /** Rows to fetch (one more than a page, to know whether another follows). */
  fetch: number
}

export async function listEvents(db: Db, programId: number, q: EventQuery) {
  let query = db.selectFrom('outbox').where('program_id', '=', programId)
  if (q.type !== undefined) query = query.where('type', '=', q.type)
  const rows = await query.select(['id', 'type', 'data', 'created_at'])
    .orderBy('id', q.sort).offset(q.offset).limit(q.fetch).execute()
  return rows.map((r) => ({ id: Number(r.id), type: r.type, data: readJson<unknown>(r.data), createdAt: Number(r.created_at) }))
}
