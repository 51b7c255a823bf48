// Isolation: another program's leads are never found, listed or changed, and the answer for them
// is byte-identical to the one for a lead that does not exist. Leads need an API key, and a GET
// that converts or rejects checks the key as a write does (a revoked key stops at once).
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startServer, type TestServer } from '../../../test/support/server.js'
import { makePartner } from '../../../test/support/partners.js'
import { revokeKey } from '../api-keys/service.js'

let server: TestServer
let mine: { id: number; key: string }
let theirs: { id: number; key: string }
beforeAll(async () => {
  server = await startServer()
  mine = await server.program()
  theirs = await server.program()
  await makePartner(server, mine.key, { id: 'my-partner', key: 'my-key' })
  const theirPartner = await makePartner(server, theirs.key, { id: 'their-partner', key: 'their-key' })
  // Their program has leads 1–3; mine has lead 1 only: their 2 and 3 must be invisible to me.
  for (let i = 1; i <= 3; i++) {
    const res = await server.post('/v1/leads', { key: theirs.key, body: { name: `Their ${i}`, email: `their${i}@example.com`, partner: { id: theirPartner.id } } })
    expect(res.status, res.text).toBe(201)
  }
  expect((await server.post('/v1/leads', { key: mine.key, body: { name: 'Mine', email: 'mine@example.com', partner: { id: 'my-partner' } } })).status).toBe(201)
})
afterAll(() => server.close())

async function theirLeads() {
  return (await server.get('/v1/leads?sort=asc', { key: theirs.key })).json.data
}

describe('another program\'s lead', () => {
  it('answers exactly like a missing lead on every id-taking operation, and stays as it was', async () => {
    const before = await theirLeads()
    const operations: Array<[string, (id: number) => string, ((id: number) => unknown)?]> = [
      ['GET', (id) => `/v1/leads/${id}`],
      ['GET', (id) => `/v1/leads/convert?id=${id}&commission_transaction_amount=10`],
      ['POST', () => '/v1/leads/convert', (id) => ({ id, commission_transaction_amount: 10 })],
      ['GET', (id) => `/v1/leads/reject?id=${id}`],
      ['POST', () => '/v1/leads/reject', (id) => ({ id })],
      ['DELETE', (id) => `/v1/leads/${id}`],
    ]
    for (const [method, path, body] of operations) {
      for (const foreign of [2, 3]) {
        const foreignAnswer = await server.request(method, path(foreign), { key: mine.key, body: body?.(foreign) })
        const missingAnswer = await server.request(method, path(999), { key: mine.key, body: body?.(999) })
        expect(foreignAnswer.status, `${method} ${path(foreign)}`).toBe(404)
        expect(foreignAnswer.text).toBe(missingAnswer.text)
      }
    }
    expect(await theirLeads()).toEqual(before)
    expect(before.map((l: { status: string }) => l.status)).toEqual(['submitted', 'submitted', 'submitted'])
  })

  it('a shared number reaches only the caller\'s own lead', async () => {
    const res = await server.get('/v1/leads/1', { key: mine.key })
    expect(res.json.data.lead_info.name).toBe('Mine')
    expect((await server.post('/v1/leads/reject', { key: mine.key, body: { id: 1 } })).json.data.lead_info.name).toBe('Mine')
    expect((await theirLeads())[0].status).toBe('submitted')
  })

  it('never appears in the list, and their partner cannot be named as a submitter', async () => {
    const list = await server.get('/v1/leads?limit=250', { key: mine.key })
    expect(list.json.data.map((l: { lead_info: { name: string } }) => l.lead_info.name)).toEqual(['Mine'])
    for (const partner of [{ id: 'their-partner' }, { key: 'their-key' }]) {
      const res = await server.post('/v1/leads', { key: mine.key, body: { name: 'X', email: 'x@example.com', partner } })
      expect(res.status).toBe(400)
      expect(res.json.message).toBe('Invalid partner key')
    }
  })
})

describe('authentication', () => {
  it('answers 401 without a key, with a garbage key and with the wrong scheme', async () => {
    const calls: Array<[string, string, unknown?]> = [
      ['GET', '/v1/leads/details'], ['GET', '/v1/leads'], ['GET', '/v1/leads/1'],
      ['POST', '/v1/leads', { name: 'A', email: 'a@example.com', partner: { id: 'my-partner' } }],
      ['GET', '/v1/leads/convert?id=1'], ['POST', '/v1/leads/convert', { id: 1 }],
      ['GET', '/v1/leads/reject?id=1'], ['POST', '/v1/leads/reject', { id: 1 }], ['DELETE', '/v1/leads/1'],
    ]
    for (const [method, path, body] of calls) {
      for (const headers of [{}, { authorization: 'Bearer pk_live_garbage' }, { authorization: `Basic ${mine.key}` }] as Array<Record<string, string>>) {
        const res = await server.request(method, path, { body, headers })
        expect(res.status, `${method} ${path}`).toBe(401)
        expect(res.json).toEqual({ message: 'Unauthenticated.', code: 'unauthenticated', status: 0 })
      }
    }
  })

  it('refuses a GET convert with a key revoked a moment ago, even while reads may still use it', async () => {
    const p = await server.program()
    await makePartner(server, p.key, { id: 'revoker', key: 'revoker' })
    expect((await server.post('/v1/leads', { key: p.key, body: { name: 'R', email: 'r@example.com', partner: { id: 'revoker' } } })).status).toBe(201)
    // A read puts the key's owner in the short-lived cache reads may use.
    expect((await server.get('/v1/leads/1', { key: p.key })).status).toBe(200)
    expect((await revokeKey(server.store.db, p.key)).outcome).toBe('revoked')
    for (const path of ['/v1/leads/convert?id=1', '/v1/leads/reject?id=1']) {
      expect((await server.get(path, { key: p.key })).status).toBe(401)
    }
    const row = await server.store.db.selectFrom('leads').select('status').where('program_id', '=', p.id).executeTakeFirstOrThrow()
    expect(row.status).toBe('submitted')
  })
})
