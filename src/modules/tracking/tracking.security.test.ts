// The public tracking endpoints against hostile input: no open redirect, no header injection,
// calls from foreign pages refused, per-IP limits, and no raw IP in the store.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startServer, type TestServer } from '../../../test/support/server.js'
import { makePartner } from '../../../test/support/partners.js'
import { BROWSER, click, partnerClicks } from '../../../test/support/visits.js'

let server: TestServer
let p: { id: number; publicId: string; key: string }
let partner: { id: string }
beforeAll(async () => {
  server = await startServer({ trackingRateLimit: { max: 5, windowSeconds: 60 } })
  p = await server.program({ website: 'https://safe-shop.example.com' })
  partner = await makePartner(server, p.key, { key: 'kim_ref' })
})
afterAll(() => server.close())

const HOSTILE_PATHS = [
  '/r/%2F%2Fevil.com', '/r//evil.com', '/r/%5Cevil.com', '/r/%2F%5Cevil.com', '/r/kim_ref%0d%0aLocation:%20https://evil.com',
  '/r/kim_ref%0d%0aSet-Cookie:%20pwned=1', '/r/https:%2F%2Fevil.com', '/r/kim_ref?program=x%0d%0aLocation:evil',
  '/aff/%2F%2Fevil.com', '/aff//evil.com', '/r/kim_ref/..%2F..%2Fevil.com',
]

describe('open redirects and header injection', () => {
  it('never sends a visitor off the program\'s own hosts, whatever the path', async () => {
    for (const path of HOSTILE_PATHS) {
      const res = await click(server, path)
      expect(res.status, path).toBeLessThan(500)
      const location = String(res.headers.location ?? '')
      if (res.status === 302) expect(new URL(location).hostname, path).toBe('safe-shop.example.com')
      expect(location, path).not.toMatch(/evil/)
      expect(res.headers['set-cookie'] ?? [], path).not.toEqual(expect.arrayContaining([expect.stringContaining('pwned')]))
    }
  })

  it('ignores a stored link URL or redirect URL that leaves the program\'s hosts', async () => {
    // Written straight into the store: the API refuses such URLs, older data might not.
    await makePartner(server, p.key, { key: 'lee_ref' })
    await server.store.db.updateTable('referral_links')
      .set({ landing_url: 'https://evil.com/phish', direct_tracking: 1, direct_tracking_redirect: 1, direct_tracking_redirect_url: '//evil.com' })
      .where('program_id', '=', p.id).where('key', '=', 'lee_ref').execute()
    const res = await click(server, '/r/lee_ref')
    expect(res.status).toBe(302)
    expect(res.headers.location).toBe('https://safe-shop.example.com/?aff=lee_ref')
  })

  it('does not take the destination from the Host header', async () => {
    const res = await click(server, '/r/kim_ref', { host: 'evil.com' })
    expect(new URL(String(res.headers.location)).hostname).toBe('safe-shop.example.com')
    // No shared domain with the destination: no cookie for evil.com.
    expect(res.headers['set-cookie']).toBeUndefined()
  })
})

describe('calls from other sites', () => {
  it('refuses /t/ calls from a foreign origin, changing nothing', async () => {
    const before = await partnerClicks(server, p.key, partner.id)
    const foreign = { origin: 'https://evil.com', 'user-agent': BROWSER, 'x-forwarded-for': '10.9.9.9' }
    const res = await server.post('/t/click', { body: { program: p.publicId, key: 'kim_ref' }, headers: foreign })
    expect(res.status).toBe(403)
    expect(res.json).toMatchObject({ code: 'forbidden', status: 0 })
    // The page may read the refusal (so the snippet can say why in the console), nothing more.
    expect(res.json.message).toContain('evil.com')
    expect(res.headers['access-control-allow-origin']).toBe('https://evil.com')
    const signup = await server.post('/t/signup', { body: { program: p.publicId, partner_key: 'kim_ref', customer: { email: 'x@y.example' } }, headers: foreign })
    expect(signup.status).toBe(403)
    expect(await partnerClicks(server, p.key, partner.id)).toBe(before)
    expect((await server.get('/v1/customers', { key: p.key })).json.data).toEqual([])
    const preflight = await server.request('OPTIONS', '/t/click', { headers: { origin: 'https://evil.com', 'access-control-request-method': 'POST' } })
    expect(preflight.headers['access-control-allow-origin']).toBeUndefined()
    const ours = await server.request('OPTIONS', '/t/click', { headers: { origin: 'https://safe-shop.example.com', 'access-control-request-method': 'POST' } })
    expect(ours.headers['access-control-allow-origin']).toBe('https://safe-shop.example.com')
  })

  it('limits /t/ calls per IP and answers 429 with Retry-After', async () => {
    const statuses: number[] = []
    let retryAfter: unknown
    for (let i = 0; i < 8; i++) {
      const res = await server.post('/t/click', { body: { program: p.publicId, key: 'kim_ref' }, headers: { 'user-agent': `${BROWSER} n${i}` } })
      statuses.push(res.status)
      if (res.status === 429) retryAfter = res.headers['retry-after']
    }
    expect(statuses.filter((s) => s === 429).length).toBeGreaterThanOrEqual(3)
    expect(Number(retryAfter)).toBeGreaterThan(0)
  })
})

describe('privacy', () => {
  it('stores no raw IP address with clicks or customers', async () => {
    await click(server, '/r/kim_ref', { 'user-agent': `${BROWSER} privacy` })
    const clicks = await server.store.db.selectFrom('clicks').selectAll().execute()
    expect(clicks.length).toBeGreaterThan(0)
    const dump = JSON.stringify([clicks, await server.store.db.selectFrom('customers').selectAll().execute()], (_k, v) => (typeof v === 'bigint' ? String(v) : v))
    expect(dump).not.toContain('127.0.0.1')
    expect(dump).not.toContain('::1')
    expect(dump).not.toContain('Mozilla')
  })
})
