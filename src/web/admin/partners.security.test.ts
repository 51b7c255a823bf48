// What the dashboard and partners pages refuse, over every route they register (read from the
// router, so a new form is covered without touching this file): a viewer's change, a cross-site
// post, a user of program A reaching program B's partners, and names that try to be HTML.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startServer, type TestServer } from '../../../test/support/server.js'
import { visitor, type Visitor } from '../../../test/support/portal.js'
import { adminPicture, adminRoutes, filled, type AdminRoute } from '../../../test/support/admin-routes.js'
import { makePartner } from '../../../test/support/partners.js'
import { makeCustomer, makeSale } from '../../../test/support/sales.js'
import { addMember } from '../../modules/users/service.js'
import { mintSignInUrl } from '../../modules/users/sign-in.js'

let server: TestServer
let routes: AdminRoute[]
let posts: AdminRoute[]
let gets: AdminRoute[]
type Program = { id: number; publicId: string; key: string }
let a: Program
let b: Program

beforeAll(async () => {
  server = await startServer()
  routes = [...adminRoutes(server.app, '/admin/partners'), { method: 'GET', path: '/admin' }]
  posts = routes.filter((r) => r.method === 'POST')
  gets = routes.filter((r) => r.method === 'GET')
  a = await server.program({ name: 'Alpha Shop' })
  b = await server.program({ name: 'Bravo Secret Shop' })
  await makePartner(server, a.key, { id: 'alpha-ann', email: 'ann@alpha.example', name: 'Ann Alpha' })
  await makePartner(server, b.key, { id: 'bravo-bea', email: 'bea@bravo-secret.example', name: 'Bea Bravosecret', key: 'bravokey' })
  await makeCustomer(server, b.key, { key: 'bravo-cus', email: 'buyer@bravo-secret.example', partner: { id: 'bravo-bea' } })
  await makeSale(server, b.key, { key: 'bravo-order', amount: 777, customer: { key: 'bravo-cus' } })
})
afterAll(() => server.close())

let n = 0
const address = (who: string) => `${who}.${++n}@example.com`

async function signedIn(p: Program, role: string): Promise<Visitor> {
  const user = (await addMember(server.store.db, p.id, { email: address(role), role }, null)).user
  const v = visitor(server)
  const { url } = await mintSignInUrl(server.store.db, user.id, p.id, server.url)
  const answer = await v.get(new URL(url).pathname)
  expect(answer.status, answer.text).toBe(303)
  await v.follow(answer)
  return v
}

/** What each form would send to do its change: every field any of them reads. */
const FORM = { action: 'archive', 'ids[]': ['alpha-ann'], type: 'percent', value: '10', amount: '5', description: 'x', back: 'partner' }

describe('the routes under test', () => {
  it('are every page and form of the area', () => {
    expect(posts.map((r) => r.path).sort()).toEqual([
      '/admin/partners/:id/approve', '/admin/partners/:id/archive', '/admin/partners/:id/bonus', '/admin/partners/:id/commission',
      '/admin/partners/:id/commission/remove', '/admin/partners/:id/impersonate', '/admin/partners/:id/reject', '/admin/partners/:id/restore',
      '/admin/partners/bulk',
    ])
    expect(gets.map((r) => r.path).sort()).toEqual(['/admin', '/admin/partners', '/admin/partners/:id'])
  })
})

describe('a viewer', () => {
  it('reads every page but gets 403 for every change, and nothing changes', async () => {
    const v = await signedIn(a, 'viewer')
    for (const route of gets) expect((await v.get(filled(route.path, { id: 'alpha-ann' }))).status, route.path).toBe(200)
    await v.get('/admin/partners/alpha-ann')
    const before = await adminPicture(server)
    for (const route of posts) {
      const answer = await v.post(filled(route.path, { id: 'alpha-ann' }), FORM)
      expect(answer.status, route.path).toBe(403)
      expect(answer.headers.location, route.path).toBeUndefined()
    }
    expect(await adminPicture(server)).toEqual(before)
  })
})

describe('cross-site posts', () => {
  it('are refused on every form, even an admin\'s, and nothing changes', async () => {
    const v = await signedIn(a, 'admin')
    await v.get('/admin/partners/alpha-ann')
    const before = await adminPicture(server)
    for (const route of posts) {
      const path = filled(route.path, { id: 'alpha-ann' })
      expect((await v.post(path, FORM, { origin: 'https://evil.example', 'sec-fetch-site': 'cross-site' })).status, route.path).toBe(403)
      expect((await v.post(path, { ...FORM, _csrf: 'x'.repeat(32) })).status, route.path).toBe(403)
    }
    expect(await adminPicture(server)).toEqual(before)
  })
})

describe('a user of program A', () => {
  const bravo = ['bravo-bea', 'bravokey', 'bea@bravo-secret.example', 'Bravosecret', 'Bravo Secret Shop', 'buyer@bravo-secret.example', '$777.00']

  it('gets 404 or its own data for every page filled with program B\'s partners, never B\'s data', async () => {
    const v = await signedIn(a, 'owner')
    for (const route of gets) {
      for (const id of ['bravo-bea', 'bravokey']) {
        const answer = await v.get(filled(route.path, { id }))
        expect([200, 404], `${route.path} ${id}`).toContain(answer.status)
        if (route.path.includes(':id')) expect(answer.status, route.path).toBe(404)
        for (const secret of bravo) expect(answer.text, `${route.path} ${id}`).not.toContain(secret)
      }
    }
    for (const [by, q] of [['id', 'bravo'], ['key', 'bravokey'], ['email', 'bravo-secret'], ['name', 'Bravosecret']]) {
      const found = await v.get(`/admin/partners?by=${by}&q=${encodeURIComponent(q as string)}`)
      expect(found.text).toContain('No partner matches.')
      // The search field shows what was searched for; nothing else of B's.
      for (const secret of bravo.filter((s) => !s.includes(q as string))) expect(found.text, q).not.toContain(secret)
    }
  })

  it('changes none of program B\'s partners from any form', async () => {
    const v = await signedIn(a, 'owner')
    await v.get('/admin/partners')
    // The token of the page the forms are on (a 404 page carries none).
    const _csrf = v.csrf() as string
    const before = await adminPicture(server)
    for (const route of posts) {
      const answer = await v.post(filled(route.path, { id: 'bravo-bea' }), { ...FORM, 'ids[]': ['bravo-bea', 'bravokey'], _csrf })
      if (route.path === '/admin/partners/bulk') {
        expect(answer.status).toBe(200)
        expect(answer.text).toContain('0 changed, 2 refused.')
      } else {
        expect(answer.status, route.path).toBe(404)
      }
      expect(answer.headers.location ?? '', route.path).not.toContain('/portal/')
      for (const secret of bravo.slice(2)) expect(answer.text, route.path).not.toContain(secret)
    }
    expect(await adminPicture(server)).toEqual(before)
  })
})

describe('hostile names', () => {
  it('render as text on the dashboard, the list, the partner page and the bulk answer', async () => {
    const p = await server.program({ name: '<script>alert("shop")</script>' })
    const script = '<script>alert(1)</script>'
    const img = '"><img src=x onerror=alert(2)>'
    await makePartner(server, p.key, { id: 'evil', name: script, surname: img })
    await makeCustomer(server, p.key, { key: 'evil-cus', name: script, email: 'evil.cus@example.com', partner: { id: 'evil' } })
    const v = await signedIn(p, 'admin')
    await v.get('/admin/partners/evil')
    const granted = await v.post('/admin/partners/evil/bonus', { amount: '3', description: `${script}${img}` })
    expect(granted.status).toBe(303)
    const pages = [
      await v.get('/admin'),
      await v.get('/admin/partners'),
      await v.get(`/admin/partners?q=${encodeURIComponent(img)}&by=name`),
      await v.get('/admin/partners/evil'),
      await v.post('/admin/partners/bulk', { action: 'approve', 'ids[]': [script, img] }),
    ]
    for (const page of pages) {
      expect(page.status).toBe(200)
      expect(page.text).not.toContain(script)
      expect(page.text).not.toContain('<img src=x')
      expect(page.text).not.toContain('<script>alert')
      expect(page.text).toContain('&lt;script>alert(')
    }
    expect(pages[2]!.text).toContain('value="&quot;>&lt;img src=x onerror=alert(2)>"')
    expect(pages[3]!.text).toContain('&quot;>&lt;img src=x onerror=alert(2)>')
  })
})
