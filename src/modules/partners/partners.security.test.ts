// Isolation: another program's partners are never found, listed, changed or linked, and the
// answer for them is byte-identical to the one for a partner that does not exist.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startServer, type TestServer } from '../../../test/support/server.js'
import { makePartner } from '../../../test/support/partners.js'

let server: TestServer
let mine: { id: number; key: string }
let theirs: { id: number; key: string }
let theirPartner: { id: string; email: string }
beforeAll(async () => {
  server = await startServer()
  mine = await server.program()
  theirs = await server.program()
  theirPartner = await makePartner(server, theirs.key, { id: 'their-partner', key: 'their-key' })
  await makePartner(server, mine.key, { id: 'my-partner', key: 'my-key' })
})
afterAll(() => server.close())

describe('another program\'s partner', () => {
  it('answers exactly like a missing partner on every id-taking operation', async () => {
    const operations: Array<[string, (ref: string) => string, unknown?]> = [
      ['GET', (r) => `/v1/partners/${r}`],
      ['PUT', (r) => `/v1/partners/${r}`, { name: 'hijack' }],
      ['DELETE', (r) => `/v1/partners/${r}`],
      ['POST', (r) => `/v1/partners/${r}/archive`],
      ['POST', (r) => `/v1/partners/${r}/revoke-archive`],
      ['POST', (r) => `/v1/partners/${r}/approve`],
      ['POST', (r) => `/v1/partners/${r}/reject`],
      ['GET', (r) => `/v1/partners/${r}/referral_links`],
      ['GET', (r) => `/v1/partner?id=${r}`],
      ['GET', (r) => `/v1/partner_referral_links/${r}`],
      ['PUT', (r) => `/v1/partner_referral_links/${r}`, { direct_tracking: true }],
      ['DELETE', (r) => `/v1/partner_referral_links/${r}`],
    ]
    for (const [method, path, body] of operations) {
      for (const foreign of ['their-partner', 'their-key']) {
        const missingRef = foreign === 'their-partner' ? 'no-such-partner' : 'no-such-key'
        const foreignAnswer = await server.request(method, path(foreign), { key: mine.key, body })
        const missingAnswer = await server.request(method, path(missingRef), { key: mine.key, body })
        expect(foreignAnswer.status, `${method} ${path(foreign)}`).toBe(404)
        expect(foreignAnswer.text).toBe(missingAnswer.text)
      }
    }
    for (const body of [{ key: 'their-key', update: { name: 'x' } }, { email: theirPartner.email, update: { name: 'x' } }]) {
      expect((await server.put('/v1/partners', { key: mine.key, body })).status).toBe(404)
    }
    expect((await server.delete('/v1/partners', { key: mine.key, body: { key: 'their-key' } })).status).toBe(404)
    const still = await server.get('/v1/partners/their-partner', { key: theirs.key })
    expect(still.json.data).toMatchObject({ name: expect.any(String), status: 'active' })
  })

  it('never appears in lists or searches', async () => {
    const list = await server.get('/v1/partners?limit=250', { key: mine.key })
    expect(list.json.data.map((x: { id: string }) => x.id)).toEqual(['my-partner'])
    for (const q of ['id=their', 'key=their', `email=${encodeURIComponent(theirPartner.email)}`]) {
      expect((await server.get(`/v1/partners:search?${q}`, { key: mine.key })).json.data).toEqual([])
    }
    expect((await server.get('/v1/partner_referral_links:search?key=their-key', { key: mine.key })).json.data).toEqual([])
  })

  it('cannot be referenced as a referring partner or given a link', async () => {
    const refer = await server.post('/v1/partners', { key: mine.key, body: { email: 'x@example.com', referring_partner: { id: 'their-partner' } } })
    expect(refer.status).toBe(422)
    const link = await server.post('/v1/partner_referral_links', { key: mine.key, body: { key: 'stolen', partner: { key: 'their-key' } } })
    expect(link.status).toBe(422)
  })

  it('does not block the same id, email or key in another program', async () => {
    const res = await server.post('/v1/partners', { key: mine.key, body: { id: 'their-partner', key: 'their-key-2', email: theirPartner.email } })
    expect(res.status).toBe(201)
    const sameKey = await server.post('/v1/partner_referral_links', { key: mine.key, body: { key: 'their-key', partner: { id: 'my-partner' } } })
    expect(sameKey.status).toBe(201)
    // and each program still sees only its own
    expect((await server.get('/v1/partners/their-key', { key: theirs.key })).json.data.id).toBe('their-partner')
    expect((await server.get('/v1/partners/their-key', { key: mine.key })).json.data.id).toBe('my-partner')
  })
})

describe('secrets', () => {
  it('never answers or announces a password or its hash', async () => {
    const res = await server.post('/v1/partners', { key: mine.key, body: { email: 'secret@example.com', password: 'Sup3rSecret' } })
    expect(res.text).not.toMatch(/Sup3rSecret|scrypt|password/)
    const events = await server.store.db.selectFrom('outbox').select('data').where('program_id', '=', mine.id).execute()
    expect(JSON.stringify(events)).not.toMatch(/Sup3rSecret|scrypt|password/)
  })
})
