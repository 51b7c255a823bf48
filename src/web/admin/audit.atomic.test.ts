// A change made in the admin and its audit entry commit together: when the entry cannot be written,
// the change, and the event it would have sent to webhooks, did not happen either.
import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startServer, type TestServer } from '../../../test/support/server.js'
import { eventsOf, makePartner } from '../../../test/support/partners.js'
import { auditOf, signedInMember } from '../../../test/support/admin-sign-in.js'

let server: TestServer
beforeAll(async () => {
  server = await startServer()
})
afterAll(() => server.close())

async function status(key: string, id: string) {
  return (await server.get(`/v1/partners/${id}`, { key })).json.data.status
}

describe('an admin change and its audit entry', () => {
  it('are one: without the log, the approval and its event do not happen; with it, both are there', async () => {
    const p = await server.program()
    expect((await server.put('/v1/program', { key: p.key, body: { program_settings: { partner_auto_approve: false } } })).status).toBe(200)
    await makePartner(server, p.key, { id: 'waits' })
    const { v, userId } = await signedInMember(server, p.id, 'admin')
    await v.get('/admin/partners')
    expect(await status(p.key, 'waits')).toBe('pending')
    const events = (await eventsOf(server, p.id)).length

    // The log's table is out of reach: writing the entry fails after the service approved.
    await sql`alter table audit_log rename to audit_log_away`.execute(server.store.db)
    try {
      const refused = await v.post('/admin/partners/waits/approve', { back: 'list' })
      expect(refused.status).toBeGreaterThanOrEqual(500)
    } finally {
      await sql`alter table audit_log_away rename to audit_log`.execute(server.store.db)
    }
    expect(await status(p.key, 'waits')).toBe('pending')
    expect((await eventsOf(server, p.id)).length).toBe(events)

    await v.get('/admin/partners')
    const approved = await v.post('/admin/partners/waits/approve', { back: 'list' })
    expect(approved.status, approved.text).toBe(303)
    expect(await status(p.key, 'waits')).toBe('active')
    expect((await eventsOf(server, p.id)).slice(events).map((e) => e.type)).toEqual(['partner.approved'])
    expect((await auditOf(server, p.id))[0]).toMatchObject({ action: 'partner.approved', objectId: 'waits', userId })
  })
})
