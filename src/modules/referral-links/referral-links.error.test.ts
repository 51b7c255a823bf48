import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startServer, type TestServer } from '../../../test/support/server.js'
import { countRows, makePartner } from '../../../test/support/partners.js'

let server: TestServer
let p: { id: number; key: string }
let partner: { id: string }
beforeAll(async () => {
  server = await startServer()
  p = await server.program()
  partner = await makePartner(server, p.key, { key: 'owner-key' })
})
afterAll(() => server.close())

describe('create refuses bad input with 422, writing nothing', () => {
  const cases: Array<[string, () => Record<string, unknown>, string]> = [
    ['no key', () => ({ partner: { id: partner.id } }), 'key'],
    ['a taken key (another partner\'s default)', () => ({ key: 'owner-key', partner: { id: partner.id } }), 'key'],
    ['a key with a space', () => ({ key: 'a b', partner: { id: partner.id } }), 'key'],
    ['no partner', () => ({ key: 'k1' }), 'partner'],
    ['an unknown partner', () => ({ key: 'k2', partner: { id: 'ghost' } }), 'partner'],
    ['an unknown domain', () => ({ key: 'k3', partner: { id: partner.id }, domain_id: 999 }), 'domain_id'],
    ['a domain with is_additional false', () => ({ key: 'k4', partner: { id: partner.id }, domain_id: 999, is_additional: false }), 'is_additional'],
    ['a landing page on a foreign host', () => ({ key: 'k5', partner: { id: partner.id }, url: 'https://evil.example.net/' }), 'url'],
    ['a redirect to a foreign host', () => ({ key: 'k6', partner: { id: partner.id }, direct_tracking_redirect_url: 'https://evil.example.net/' }), 'direct_tracking_redirect_url'],
    ['a javascript: landing page', () => ({ key: 'k7', partner: { id: partner.id }, url: 'javascript:alert(1)' }), 'url'],
    ['a flag that is not a boolean', () => ({ key: 'k8', partner: { id: partner.id }, direct_tracking: 'sometimes' }), 'direct_tracking'],
  ]
  for (const [what, body, field] of cases) {
    it(`refuses ${what}`, async () => {
      const before = [await countRows(server, 'referral_links', p.id), await countRows(server, 'outbox', p.id)]
      const res = await server.post('/v1/partner_referral_links', { key: p.key, body: body() })
      expect(res.status, res.text).toBe(422)
      expect(res.json.errors, res.text).toHaveProperty([field])
      expect([await countRows(server, 'referral_links', p.id), await countRows(server, 'outbox', p.id)]).toEqual(before)
    })
  }
})

describe('update and delete', () => {
  it('refuses a taken key, unsetting the default, and a foreign landing page', async () => {
    const other = await makePartner(server, p.key, { key: 'other-key' })
    await server.post('/v1/partner_referral_links', { key: p.key, body: { key: 'extra', partner: { id: other.id } } })
    const before = (await server.get('/v1/partner_referral_links/other-key', { key: p.key })).json
    for (const [body, field] of [[{ key: 'owner-key' }, 'key'], [{ default: false }, 'default'], [{ url: 'https://evil.example.net' }, 'url']] as const) {
      const res = await server.put('/v1/partner_referral_links/other-key', { key: p.key, body })
      expect(res.status).toBe(422)
      expect(res.json.errors).toHaveProperty([field])
    }
    expect((await server.get('/v1/partner_referral_links/other-key', { key: p.key })).json).toEqual(before)
  })

  it('refuses to delete a partner\'s last link (400) and answers 404 for unknown links', async () => {
    const res = await server.delete('/v1/partner_referral_links/owner-key', { key: p.key })
    expect(res.status).toBe(400)
    expect(res.json).toEqual({ message: 'The last referral link of a partner cannot be deleted.', code: 'last_link', status: 0 })
    expect((await server.get('/v1/partner_referral_links/owner-key', { key: p.key })).status).toBe(200)
    for (const method of ['GET', 'PUT', 'DELETE']) {
      const missing = await server.request(method, '/v1/partner_referral_links/ghost', { key: p.key, body: {} })
      expect(missing.status).toBe(404)
      expect(missing.json.message).toBe('Referral link not found')
    }
  })
})
