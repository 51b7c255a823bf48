// What the admin of a refer-a-friend program never shows and refuses, over every route the router
// holds (a new page is covered without touching this file): no customer's hidden earner row (its
// `earner_…` id, its `…@customers.invalid` email) on any page, the partner areas answer 404; a
// viewer's credit and reward rules are refused; a user of program A reaches none of program B's
// customers; hostile names are text.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startServer, type TestServer } from '../../../test/support/server.js'
import { adminPicture, adminRoutes, filled, type AdminRoute } from '../../../test/support/admin-routes.js'
import { signedInMember } from '../../../test/support/admin-sign-in.js'

let server: TestServer
let gets: AdminRoute[]
type Program = { id: number; publicId: string; key: string }
let a: Program
let b: Program
let earners: string[]

const TABLES = ['customers', 'partners', 'rewards', 'ledger_entries', 'outbox', 'audit_log', 'programs']

async function customer(p: Program, body: Record<string, unknown>) {
  const made = await server.post('/v1/customers', { key: p.key, body })
  expect(made.status, made.text).toBe(201)
}

beforeAll(async () => {
  server = await startServer()
  gets = adminRoutes(server.app, '/admin').filter((r) => r.method === 'GET')
  a = await server.program({ type: 'referral', currency: 'USD', name: 'Alpha Friends' })
  b = await server.program({ type: 'referral', currency: 'USD', name: 'Bravo Secret Friends' })
  await customer(a, { id: 'ann', key: 'ann-ref', email: 'ann@alpha.example', name: 'Ann' })
  await customer(a, { id: 'bob', email: 'bob@alpha.example', referring_customer: { id: 'ann' } })
  expect((await server.post('/v1/transactions', { key: a.key, body: { key: 's1', amount: 50, customer: { id: 'bob' } } })).status).toBe(201)
  await customer(b, { id: 'bea', key: 'bravokey', email: 'bea@bravo-secret.example', name: 'Bravosecret' })
  await customer(b, { id: 'bill', email: 'bill@bravo-secret.example', referring_customer: { id: 'bea' } })
  expect((await server.post('/v1/transactions', { key: b.key, body: { key: 'bravo-order', amount: 777, customer: { id: 'bill' } } })).status).toBe(201)
  earners = (await server.store.db.selectFrom('partners').select('public_id').where('program_id', '=', a.id).execute()).map((r) => r.public_id)
})
afterAll(() => server.close())

const hidden = (text: string) => /customers\.invalid|earner_/.test(text)

describe('every admin page of a refer-a-friend program', () => {
  it('shows no earner row, whatever it is filled with', async () => {
    expect(earners.length).toBe(2)
    const { v } = await signedInMember(server, a.id, 'owner')
    expect(gets.length).toBeGreaterThan(25)
    for (const route of gets) {
      // The query too: a list's other states (payable rewards) name whom they belong to.
      const fills: Array<[string, string]> = [['ann', ''], ['bob', '?state=payable'], [earners[0] as string, ''], [earners[1] as string, '?state=payable&status=active']]
      for (const [id, query] of fills) {
        const path = filled(route.path, { key: id, id, number: '1', token: 'x'.repeat(32), userId: '1', sale: 's1' }) + query
        const answer = await v.get(path)
        expect([200, 303, 404], path).toContain(answer.status)
        expect(hidden(answer.text), path).toBe(false)
        expect(hidden(answer.headers.location ?? ''), path).toBe(false)
      }
    }
  })

  it('offers no partner area, and each answers 404', async () => {
    const { v } = await signedInMember(server, a.id, 'owner')
    const home = await v.get('/admin')
    const settings = await v.get('/admin/settings')
    for (const area of ['/admin/partners', '/admin/leads', '/admin/commissions', '/admin/payouts', '/admin/settings/commission']) {
      expect(home.text, area).not.toContain(`href="${area}"`)
      expect(settings.text, area).not.toContain(`href="${area}"`)
      expect((await v.get(area)).status, area).toBe(404)
    }
    expect((await v.get(`/admin/partners/${earners[0]}`)).status).toBe(404)
    expect(settings.text).toContain('href="/admin/settings/rewards"')
    const bulk = await v.get('/admin/partners')
    expect(bulk.text).toContain('Page not found')
  })
})

describe('a viewer', () => {
  it('may see the balance and try the rules, but its credit and its rules are refused, and nothing changes', async () => {
    const { v } = await signedInMember(server, a.id, 'viewer')
    const page = await v.get('/admin/customers/ann')
    expect(page.status).toBe(200)
    expect(page.text).not.toContain('Credit balance</button>')
    const rules = await v.get('/admin/settings/rewards')
    expect(rules.text).toContain('action="/admin/settings/rewards/preview"')
    const before = await adminPicture(server, TABLES)
    expect((await v.post('/admin/customers/ann/credit', { amount: '1', amount_units: 'USD' })).status).toBe(403)
    expect((await v.post('/admin/settings/rewards', { reward_value: '99', referral_attribution: 'first_click' })).status).toBe(403)
    expect(await adminPicture(server, TABLES)).toEqual(before)
  })
})

describe('cross-site posts', () => {
  it('are refused, even an owner\'s, and nothing changes', async () => {
    const { v } = await signedInMember(server, a.id, 'owner')
    await v.get('/admin/customers/ann')
    const before = await adminPicture(server, TABLES)
    for (const [path, form] of [['/admin/customers/ann/credit', { amount: '1' }], ['/admin/settings/rewards', { reward_value: '99' }]] as const) {
      expect((await v.post(path, form, { origin: 'https://evil.example', 'sec-fetch-site': 'cross-site' })).status, path).toBe(403)
      expect((await v.post(path, { ...form, _csrf: 'x'.repeat(32) })).status, path).toBe(403)
    }
    expect(await adminPicture(server, TABLES)).toEqual(before)
  })
})

describe('a user of program A', () => {
  const bravo = ['bravokey', 'bea@bravo-secret.example', 'Bravosecret', 'Bravo Secret Friends', 'bill@bravo-secret.example', '$777.00']

  it('gets 404 for program B\'s customers, and credits none of them', async () => {
    const { v } = await signedInMember(server, a.id, 'owner')
    for (const ref of ['bea', 'bravokey', 'bea@bravo-secret.example']) {
      const page = await v.get(`/admin/customers/${encodeURIComponent(ref)}`)
      expect(page.status, ref).toBe(404)
      for (const secret of bravo) expect(page.text, ref).not.toContain(secret)
    }
    await v.get('/admin/customers')
    const before = await adminPicture(server, TABLES)
    const credit = await v.post('/admin/customers/bea/credit', { amount: '1', amount_units: 'USD' })
    expect(credit.status).toBe(404)
    expect(await adminPicture(server, TABLES)).toEqual(before)
  })

  it('an affiliate program has no credit form nor reward rules', async () => {
    const aff = await server.program({ name: 'Affiliate Shop' })
    const { v } = await signedInMember(server, aff.id, 'owner')
    expect((await v.get('/admin/settings/rewards')).status).toBe(404)
    expect((await v.get('/admin/settings')).text).not.toContain('href="/admin/settings/rewards"')
    expect((await v.get('/admin/partners')).status).toBe(200)
    await v.get('/admin/customers')
    expect((await v.post('/admin/customers/ann/credit', { amount: '1' })).status).toBe(404)
  })
})

describe('hostile names', () => {
  it('render as text on the customers list and a customer\'s page', async () => {
    const p = await server.program({ type: 'referral', currency: 'USD', name: '<script>alert("shop")</script>' })
    const script = '<script>alert(1)</script>'
    const img = '"><img src=x onerror=alert(2)>'
    await customer(p, { id: 'evil', name: script, surname: img, email: 'evil@example.com' })
    await customer(p, { id: 'friend', name: img, referring_customer: { id: 'evil' } })
    const { v } = await signedInMember(server, p.id, 'admin')
    const pages = [await v.get('/admin'), await v.get('/admin/customers'), await v.get('/admin/customers/evil'), await v.get('/admin/customers/friend')]
    for (const page of pages) {
      expect(page.status).toBe(200)
      expect(page.text).not.toContain(script)
      expect(page.text).not.toContain('<img src=x')
      expect(page.text).toContain('&lt;script>alert(')
    }
    await v.get('/admin/customers/evil')
    const refused = await v.post('/admin/customers/evil/credit', { amount: img, amount_units: script })
    expect(refused.status).toBe(422)
    expect(refused.text).not.toContain('<img src=x')
    expect(refused.text).not.toContain(script)
  })
})
