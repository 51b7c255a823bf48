// What the payout and webhook pages refuse, over every route they register (read from the router,
// so a new page is covered without touching this file): a viewer's change, a cross-site post, a
// user of program A reaching program B's payout requests and webhooks; and names that are markup.
import { routesUnder } from '../../../test/support/router-routes.js'
import type { FastifyInstance } from 'fastify'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { TestServer } from '../../../test/support/server.js'
import { earningPartner, requestPayout } from '../../../test/support/payouts.js'
import { startDeliveryBench, stopDeliveryBench, type Receiver } from '../../../test/support/webhook-receiver.js'
import { signedInMember } from '../../../test/support/admin-sign-in.js'
import { adminPicture } from '../../../test/support/admin-routes.js'
import { webhookDispatcher } from '../../modules/webhooks/dispatcher.js'

let server: TestServer
let receiver: Receiver
beforeAll(async () => void ({ server, receiver } = await startDeliveryBench()))
afterAll(() => stopDeliveryBench({ server, receiver }))

const AREAS = ['/admin/payouts', '/admin/webhooks']

interface Route { method: 'GET' | 'POST'; url: string }

/** Every GET and POST route of the two areas, as the router holds them. */
function areaRoutes(app: FastifyInstance): Route[] {
  return routesUnder(app, AREAS)
}

const fill = (url: string, values: Record<string, string>) => url.replace(/:([A-Za-z_]+)/g, (_m, name: string) => encodeURIComponent(values[name] ?? 'x'))

/** What any of these forms might post. */
const FIELDS = {
  reason: 'Because', name: 'Changed', url: 'http://127.0.0.1:9/changed', events: 'partner.updated', is_active: 'on', event: 'partner.created',
  payout_threshold: '999', payout_automation_enabled: 'on', payout_automation_schedule: 'daily', confirm: 'on',
}

const TABLES = ['payout_requests', 'webhook_subscriptions', 'webhook_deliveries', 'programs', 'outbox', 'audit_log'] as const

const picture = () => adminPicture(server, TABLES)

/** A program with `payouts` requests of distinctly named partners, a webhook with one delivery. */
async function world(label: string, payouts: number, partnerName = `${label}-Partner-Distinct`, hookName = `${label}-Hook-Distinct`) {
  const p = await server.program({ name: `${label} Shop` })
  const numbers: number[] = []
  const emails: string[] = []
  for (let i = 0; i < payouts; i++) {
    const partner = await earningPartner(server, p.key, [200], { name: partnerName, email: `${label.toLowerCase()}${i}.${Date.now()}@distinct.example` })
    emails.push(partner.email)
    numbers.push((await requestPayout(server, p.key, { partner: { key: partner.key } })).id)
  }
  const hook = (await server.post('/v1/webhooks', { key: p.key, body: { name: hookName, url: receiver.url, key: `${label.toLowerCase()}_hook`, events: ['partner.created'] } })).json.data
  await server.post('/v1/partners', { key: p.key, body: { email: `${label.toLowerCase()}.hooked.${Date.now()}@example.com`, name: partnerName } })
  await webhookDispatcher(server.store.db, { allowPrivateUrls: true }).runOnce()
  const delivery = (await server.get(`/v1/webhooks/${hook.key}/deliveries`, { key: p.key })).json.data[0].id as string
  return { p, numbers, emails, hook, delivery }
}

describe('the routes', () => {
  it('are read from the router: the lists, the downloads, the forms and every action', () => {
    const routes = areaRoutes(server.app).map((r) => `${r.method} ${r.url}`)
    expect(routes).toEqual(expect.arrayContaining([
      'GET /admin/payouts', 'GET /admin/payouts/:number', 'GET /admin/payouts/:number/statement.csv', 'GET /admin/payouts/export',
      'POST /admin/payouts/settings', 'POST /admin/payouts/:number/approve', 'POST /admin/payouts/:number/mark-paid',
      'GET /admin/webhooks', 'GET /admin/webhooks/:key', 'POST /admin/webhooks', 'POST /admin/webhooks/:key/delete',
      'POST /admin/webhooks/:key/deliveries/:id/redeliver', 'POST /admin/webhooks/:key/test',
    ]))
    expect(routes.filter((r) => r.startsWith('POST')).length).toBeGreaterThanOrEqual(12)
  })
})

describe('a viewer', () => {
  it('reads every page but its post to each change answers 403 and changes nothing', async () => {
    const a = await world('View', 1)
    const { v } = await signedInMember(server, a.p.id, 'viewer')
    const values = { number: String(a.numbers[0]), key: a.hook.key, id: a.delivery }
    const routes = areaRoutes(server.app)
    for (const r of routes.filter((x) => x.method === 'GET')) {
      const answer = await v.get(fill(r.url, values))
      expect(answer.status, r.url).toBe(200)
    }
    // A viewer is not shown the signing secret.
    expect((await v.get(`/admin/webhooks/${a.hook.key}`)).text).not.toContain(a.hook.signature)
    await v.get('/admin/payouts')
    // The session's own token on every post (an error page carries none): the role alone refuses.
    const _csrf = v.csrf() as string
    expect(_csrf).toBeTruthy()
    const before = await picture()
    for (const r of routes.filter((x) => x.method === 'POST')) {
      const answer = await v.post(fill(r.url, values), { ...FIELDS, _csrf })
      expect(answer.status, r.url).toBe(403)
      expect(answer.text, r.url).toContain('lets you look, not change anything')
    }
    expect(await picture()).toEqual(before)
  })
})

describe('cross-site posts', () => {
  it('are refused on every route, even for an owner, and change nothing', async () => {
    const a = await world('Cross', 1)
    const { v } = await signedInMember(server, a.p.id, 'owner')
    const values = { number: String(a.numbers[0]), key: a.hook.key, id: a.delivery }
    await v.get('/admin/payouts')
    const _csrf = v.csrf() as string
    const before = await picture()
    for (const r of areaRoutes(server.app).filter((x) => x.method === 'POST')) {
      const forged = await v.post(fill(r.url, values), { ...FIELDS, _csrf }, { origin: 'https://evil.example', 'sec-fetch-site': 'cross-site' })
      expect(forged.status, r.url).toBe(403)
      const tokenless = await v.post(fill(r.url, values), { ...FIELDS, _csrf: '' })
      expect(tokenless.status, r.url).toBe(403)
    }
    expect(await picture()).toEqual(before)
  })
})

describe('a user of program A', () => {
  it('gets 404 for B\'s payout requests and webhooks on every route, and never sees B\'s data', async () => {
    const a = await world('Alpha', 1)
    const b = await world('Bravo', 3)
    const { v } = await signedInMember(server, a.p.id, 'owner')
    // B's numbers A does not have (A has request 1 of its own), B's webhook key and delivery.
    const values = { number: String(b.numbers[2]), key: b.hook.key, id: b.delivery }
    const secrets = ['Bravo-Partner-Distinct', 'Bravo-Hook-Distinct', b.hook.signature, b.delivery, ...b.emails]
    const routes = areaRoutes(server.app)
    for (const r of routes.filter((x) => x.method === 'GET')) {
      for (const query of ['', '?status=requested', '?page=2', '?status=requested&format=csv']) {
        const answer = await v.get(`${fill(r.url, values)}${query}`)
        if (r.url.includes(':')) expect(answer.status, r.url).toBe(404)
        else expect(answer.status, `${r.url}${query}`).toBe(200)
        for (const secret of secrets) expect(answer.text, `${r.url}${query}`).not.toContain(secret)
      }
    }
    // A's own request 1 is A's: B's request 1 does not show through it.
    const own = await v.get(`/admin/payouts/${a.numbers[0]}`)
    expect(own.text).toContain('Alpha-Partner-Distinct')
    for (const secret of secrets) expect(own.text).not.toContain(secret)

    await v.get('/admin/payouts')
    // The token of the list page: an error page carries none.
    const _csrf = v.csrf() as string
    const before = await picture()
    for (const r of routes.filter((x) => x.method === 'POST' && x.url.includes(':'))) {
      const answer = await v.post(fill(r.url, values), { ...FIELDS, _csrf })
      expect(answer.status, r.url).toBe(404)
      for (const secret of secrets) expect(answer.text).not.toContain(secret)
    }
    expect(await picture()).toEqual(before)
  })
})

describe('hostile names', () => {
  const HOSTILE = ['<script>alert(1)</script>', '"><img src=x onerror=alert(1)>', '\'"`']

  it('of partners and webhooks render as text on every page', async () => {
    const p = await server.program()
    const { v } = await signedInMember(server, p.id, 'admin')
    const numbers: number[] = []
    for (const name of HOSTILE) {
      const partner = await earningPartner(server, p.key, [100], { name, surname: name })
      numbers.push((await requestPayout(server, p.key, { partner: { key: partner.key } })).id)
      await server.post('/v1/webhooks', { key: p.key, body: { name, url: receiver.url, events: ['partner.created'] } })
    }
    const hooks = (await server.get('/v1/webhooks', { key: p.key })).json.data as Array<{ key: string; name: string }>
    // As preact writes text: & < and " escaped, nothing else needed.
    const text = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/"/g, '&quot;')
    const pages: Array<[string, string[]]> = [
      ['/admin/payouts', HOSTILE], ['/admin/webhooks', HOSTILE],
      ...numbers.map((n, i): [string, string[]] => [`/admin/payouts/${n}`, [HOSTILE[i]!]]),
      ...hooks.map((h): [string, string[]] => [`/admin/webhooks/${h.key}`, [h.name]]),
    ]
    for (const [path, names] of pages) {
      const page = await v.get(path)
      expect(page.status, path).toBe(200)
      expect(page.text, path).not.toContain('<script>alert')
      expect(page.text, path).not.toContain('<img src=x')
      for (const name of names) expect(page.text, path).toContain(text(name))
    }
    expect((await v.get('/admin/payouts')).text).toContain('&lt;script>alert(1)&lt;/script>')
    // A hostile name typed into the form comes back as text too.
    const refused = await v.post('/admin/webhooks', { name: HOSTILE[1]!, url: 'ftp://nope.example' })
    expect(refused.status).toBe(422)
    expect(refused.text).not.toContain('<img src=x')
  })
})
