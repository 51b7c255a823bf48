// Small helpers for partner tests: make a partner through the API, read the outbox.
import { expect } from 'vitest'
import type { TestServer } from './server.js'

let counter = 0

export async function makePartner(server: TestServer, key: string, fields: Record<string, unknown> = {}) {
  counter += 1
  const res = await server.post('/v1/partners', { key, body: { email: `partner${counter}-${Date.now()}@example.com`, name: `P${counter}`, ...fields } })
  expect(res.status, res.text).toBe(201)
  return res.json.data
}

export async function eventsOf(server: TestServer, programId: number) {
  const rows = await server.store.db.selectFrom('outbox').select(['type', 'data']).where('program_id', '=', programId).orderBy('id').execute()
  return rows.map((r) => ({ type: r.type, data: typeof r.data === 'string' ? JSON.parse(r.data) : r.data }))
}

export async function countRows(server: TestServer, table: 'partners' | 'referral_links' | 'outbox', programId: number) {
  return (await server.store.db.selectFrom(table).select('id').where('program_id', '=', programId).execute()).length
}
