import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startServer, type TestServer } from '../../../test/support/server.js'
import { revokeKey } from '../api-keys/service.js'

let server: TestServer
beforeAll(async () => {
  server = await startServer()
})
afterAll(() => server.close())

const OPERATIONS: Array<[string, string, unknown?]> = [
  ['GET', '/v1/test'],
  ['GET', '/v1/program'],
  ['GET', '/v1/program/overview'],
  ['PUT', '/v1/program', { name: 'Hijacked' }],
  ['PUT', '/v1/settings', { settings: { cookie_lifetime: 1 } }],
  ['DELETE', '/v1/program'],
  ['GET', '/v1/events'],
]

describe('every program operation needs a valid key', () => {
  it('answers 401 JSON with no data for a missing, garbage, wrong-scheme or revoked key', async () => {
    const p = await server.program()
    const revoked = await server.program()
    await revokeKey(server.store.db, revoked.key)
    const variants: Array<[string, Record<string, string>]> = [
      ['no header', {}],
      ['garbage', { authorization: 'Bearer not-a-key' }],
      ['a well-formed key nobody issued', { authorization: `Bearer pk_live_${'A'.repeat(32)}` }],
      ['the wrong scheme', { authorization: `Basic ${Buffer.from(`${p.key}:`).toString('base64')}` }],
      ['the key without a scheme', { authorization: p.key }],
      ['a revoked key', { authorization: `Bearer ${revoked.key}` }],
    ]
    for (const [method, path, body] of OPERATIONS) {
      for (const [what, headers] of variants) {
        const res = await server.request(method, path, { headers, body })
        expect(res.status, `${method} ${path} with ${what}`).toBe(401)
        expect(res.headers['content-type']).toBe('application/json')
        expect(res.json).toEqual({ message: 'Unauthenticated.', code: 'unauthenticated', status: 0 })
      }
    }
    // nothing changed for the owner of the real key
    expect((await server.get('/v1/program', { key: p.key })).json.data.program.name).toBe('Test Program')
  })

  it('accepts the scheme in any case, as HTTP says', async () => {
    const p = await server.program()
    const res = await server.get('/v1/test', { headers: { authorization: `bearer ${p.key}` } })
    expect(res.status).toBe(200)
  })
})

describe('a key sees only its own program', () => {
  it('never shows, changes or deletes another program', async () => {
    const a = await server.program({ name: 'Program A' })
    const b = await server.program({ name: 'Program B' })
    expect((await server.get('/v1/program', { key: a.key })).json.data.program.name).toBe('Program A')
    expect((await server.get('/v1/test', { key: b.key })).json.data.program.pub_id).toBe(b.publicId)

    await server.put('/v1/program', { key: a.key, body: { name: 'A renamed' } })
    expect((await server.get('/v1/program', { key: b.key })).json.data.program.name).toBe('Program B')
    expect((await server.get('/v1/events', { key: b.key })).json.data).toEqual([])
    expect((await server.get('/v1/events', { key: a.key })).json.data).toHaveLength(1)

    // B's deletion code does nothing with A's key, and the reverse
    const codeB = (await server.delete('/v1/program', { key: b.key })).json.data.confirmation_code
    const res = await server.delete('/v1/program', { key: a.key, body: { confirmation_code: codeB } })
    expect(res.status).toBe(422)
    expect((await server.get('/v1/program', { key: a.key })).status).toBe(200)
    expect((await server.get('/v1/program', { key: b.key })).status).toBe(200)
  })
})

describe('keys are never stored in plain text', () => {
  it('leaves no issued key anywhere in the store', async () => {
    const issued = [await server.program(), await server.program(), await server.program()].map((p) => p.key)
    const dump: string[] = []
    for (const table of ['programs', 'api_keys', 'outbox', 'idempotency_keys', 'program_rollups', 'store_meta'] as const) {
      const rows = await server.store.db.selectFrom(table).selectAll().execute()
      dump.push(JSON.stringify(rows, (_k, v) => (typeof v === 'bigint' ? v.toString() : v)))
    }
    const text = dump.join('\n')
    for (const key of issued) {
      expect(text).not.toContain(key)
      expect(text).not.toContain(key.slice(8))
    }
  })
})
