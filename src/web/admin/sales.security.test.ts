// What the customers, leads and commissions pages refuse: a viewer's change (every form, read from
// the router, not listed by hand), a post from another site, a user of program A reaching program B's
// customers, sales, leads and rewards; and data that looks like markup renders as text.
import { routesUnder } from '../../../test/support/router-routes.js'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startServer, type TestServer } from '../../../test/support/server.js'
import type { Visitor } from '../../../test/support/portal.js'
import { makePartner } from '../../../test/support/partners.js'
import { makeCustomer, makeSale } from '../../../test/support/sales.js'
import { signedInMember } from '../../../test/support/admin-sign-in.js'
import { SALES_ACTIONS, SALES_PAGES } from './sales-paths.js'

let server: TestServer
beforeAll(async () => {
  server = await startServer()
})
afterAll(() => server.close())

/** A member of the program with the role, signed in through its one-time link. */
const signedIn = async (programId: number, role: 'owner' | 'admin' | 'viewer' = 'admin'): Promise<Visitor> => (await signedInMember(server, programId, role)).v

const AREAS = ['/admin/customers', '/admin/leads', '/admin/commissions']

/** This area's routes as the router holds them. */
function areaRoutes(): Array<{ method: string; path: string }> {
  return routesUnder(server.app, AREAS).map((r) => ({ method: r.method, path: r.url.slice('/admin'.length) }))
}

/** A path with every `:param` filled from `values`. */
const fill = (path: string, values: Record<string, string>) => `/admin${path.replace(/:([A-Za-z_]+)/g, (_m, name: string) => encodeURIComponent(values[name] ?? 'x'))}`

const TABLES = ['customers', 'transactions', 'rewards', 'ledger_entries', 'leads', 'outbox', 'audit_log'] as const

/** Every row this area's forms could change, in one program. */
async function picture(programId: number): Promise<Record<string, string[]>> {
  const out: Record<string, string[]> = {}
  for (const table of TABLES) {
    const rows = await server.store.db.selectFrom(table).selectAll().where('program_id', '=', programId).execute()
    out[table] = rows.map((r) => JSON.stringify(r, (_k, v: unknown) => (typeof v === 'bigint' ? String(v) : v))).sort()
  }
  return out
}

/** A program with a partner, a customer, a sale (its reward in review) and a submitted lead, each named with `mark`. */
async function world(mark: string, names: { customer?: string; partner?: string; lead?: string } = {}) {
  const p = await server.program({ name: `${mark} Shop` })
  await server.put('/v1/program', { key: p.key, body: { program_settings: { commission: { review_days: 30 } } } })
  await makePartner(server, p.key, { key: `${mark}_ref`, name: names.partner ?? `${mark} Partner Secret` })
  await makeCustomer(server, p.key, { key: `${mark}_cus`, email: `${mark}.secret@example.com`, name: names.customer ?? `${mark} Customer Secret`, partner: { key: `${mark}_ref` } })
  await makeSale(server, p.key, { key: `${mark}_order`, amount: 100, customer: { key: `${mark}_cus` } })
  const lead = await server.post('/v1/leads', { key: p.key, body: { name: names.lead ?? `${mark} Lead Secret`, email: `${mark}.lead@example.com`, partner: { key: `${mark}_ref` } } })
  expect(lead.status, lead.text).toBe(201)
  const reward = await server.store.db.selectFrom('rewards').select('id').where('program_id', '=', p.id).executeTakeFirstOrThrow()
  const values = { key: `${mark}_cus`, sale: `${mark}_order`, id: '' }
  return { p, values, leadId: String(lead.json.data.id), rewardId: String(reward.id) }
}

/** The route's ids: a lead's number for /leads, a reward's id for /commissions. */
function valuesFor(path: string, w: Awaited<ReturnType<typeof world>>): Record<string, string> {
  return { ...w.values, id: path.startsWith('/leads') ? w.leadId : w.rewardId }
}

describe('the routes', () => {
  it('are the ones the pages declare, so every form below is covered', () => {
    const routes = areaRoutes()
    expect(routes.filter((r) => r.method === 'POST').map((r) => r.path).sort()).toEqual(Object.values(SALES_ACTIONS).sort())
    expect(routes.filter((r) => r.method === 'GET').map((r) => r.path).sort()).toEqual(Object.values(SALES_PAGES).sort())
  })
})

describe('a viewer', () => {
  it('is refused every change with a 403, and nothing changes', async () => {
    const w = await world('view')
    const v = await signedIn(w.p.id, 'viewer')
    const before = await picture(w.p.id)
    for (const path of Object.values(SALES_ACTIONS)) {
      await v.get('/admin/customers')
      const answer = await v.post(fill(path, valuesFor(path, w)), { amount: '10', commission_transaction_amount: '10' })
      expect(answer.status, path).toBe(403)
      expect(answer.text).toContain('lets you look, not change anything')
    }
    expect(await picture(w.p.id)).toEqual(before)
  })
})

describe('a post from another site', () => {
  it('is refused for every form, even an admin\'s with the right token; nothing changes', async () => {
    const w = await world('csrf')
    const v = await signedIn(w.p.id)
    const before = await picture(w.p.id)
    for (const path of Object.values(SALES_ACTIONS)) {
      await v.get('/admin/customers')
      for (const headers of [{ origin: 'https://evil.example', 'sec-fetch-site': 'cross-site' }, { 'sec-fetch-site': 'same-site' }]) {
        const answer = await v.post(fill(path, valuesFor(path, w)), { amount: '10' }, headers)
        expect(answer.status, `${path} ${JSON.stringify(headers)}`).toBe(403)
      }
      const tokenless = await v.post(fill(path, valuesFor(path, w)), { amount: '10', _csrf: '' })
      expect(tokenless.status, path).toBe(403)
    }
    expect(await picture(w.p.id)).toEqual(before)
  })
})

describe('program B\'s data, for a user of program A', () => {
  it('is not found on any page or form, never shown, and never changed', async () => {
    const a = await world('alpha')
    const b = await world('bravo')
    const v = await signedIn(a.p.id)
    const secrets = ['bravo Customer Secret', 'bravo.secret@example.com', 'bravo Partner Secret', 'bravo_order', 'bravo_cus', 'bravo Lead Secret', 'bravo.lead@example.com']
    const routes = areaRoutes()
    const bValues = (path: string) => valuesFor(path, b)
    for (const { path } of routes.filter((r) => r.method === 'GET')) {
      const paged = [fill(path, bValues(path)), `${fill(path, bValues(path))}?key=bravo&email=bravo&state=review&page=1`]
      if (path === SALES_PAGES.customer) paged.push(fill(path, { key: 'bravo.secret@example.com' }))
      for (const address of paged) {
        const answer = await v.get(address)
        expect([200, 404], address).toContain(answer.status)
        if (path.includes(':')) expect(answer.status, address).toBe(404)
        for (const secret of secrets) expect(answer.text, `${address} shows ${secret}`).not.toContain(secret)
      }
    }
    // A's own pages show A's data: the walk above saw real pages, not empty ones.
    expect((await v.get('/admin/customers')).text).toContain('alpha_cus')
    expect((await v.get('/admin/commissions')).text).toContain('alpha_order')
    // Forms naming B's customer, sale and reward are 404s too, and B is unchanged. (Lead numbers count
    // per program: A's lead 1 is A's own, so B's are reached only by the numbers A does not have.)
    const before = await picture(b.p.id)
    for (const path of Object.values(SALES_ACTIONS)) {
      const values = { ...bValues(path), ...(path.startsWith('/leads') ? { id: '999' } : {}) }
      await v.get('/admin/customers')
      const answer = await v.post(fill(path, values), { amount: '1', commission_transaction_amount: '1' })
      expect(answer.status, path).toBe(404)
    }
    // A's customer page cannot reach B's sale by its key either.
    await v.get('/admin/customers/alpha_cus')
    expect((await v.post(fill(SALES_ACTIONS.refundSale, { key: 'alpha_cus', sale: 'bravo_order' }), { amount: '1' })).status).toBe(404)
    expect(await picture(b.p.id)).toEqual(before)
  })
})

describe('markup in names and emails', () => {
  it('renders as text on every page', async () => {
    const script = '<script>alert(1)</script>'
    const img = '"><img src=x onerror=alert(2)>'
    const w = await world('hostile', { customer: script, partner: img, lead: `'${script}'` })
    await makeCustomer(server, w.p.key, { key: 'quoted_cus', email: `a"b'<i>c@example.com`, name: `O'Brien "${img}`, partner: { key: 'hostile_ref' } })
    const v = await signedIn(w.p.id)
    for (const address of ['/admin/customers', '/admin/customers/hostile_cus', '/admin/customers/quoted_cus', '/admin/leads', '/admin/commissions']) {
      const answer = await v.get(address)
      expect(answer.status, address).toBe(200)
      expect(answer.text, address).not.toContain('<script>alert')
      expect(answer.text, address).not.toContain('<img src=x')
      expect(answer.text, address).not.toContain('<i>c@')
    }
    expect((await v.get('/admin/customers/hostile_cus')).text).toContain('&lt;script>alert(1)&lt;/script>')
    expect((await v.get('/admin/customers/quoted_cus')).text).toContain('&lt;img src=x onerror=alert(2)>')
    expect((await v.get('/admin/leads')).text).toContain('&lt;script>alert(1)&lt;/script>')
    expect((await v.get('/admin/commissions')).text).toContain('&quot;>&lt;img src=x')
  })
})
