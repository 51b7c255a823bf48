// A referring customer's page keeps to its customer (issue 22, web.md §3): forms from other sites
// and forms without the session's token change nothing, a session opens its own program's page
// and its own customer's data only, and sign-in links work once. The routes are read from the
// router, so a page or form added later is covered without touching this file.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startServer, type TestServer } from '../../../test/support/server.js'
import { visitor, type Visitor } from '../../../test/support/portal.js'
import { routesUnder } from '../../../test/support/router-routes.js'
import { storePicture } from '../../../test/support/portal-routes.js'

const PREFIX = '/refer/:program'
let server: TestServer
let a: { id: number; publicId: string; key: string }
let b: { id: number; publicId: string; key: string }

beforeAll(async () => {
  server = await startServer()
  a = await server.program({ type: 'referral' })
  b = await server.program({ type: 'referral' })
  for (const p of [a, b]) {
    await server.post('/v1/customers', { key: p.key, body: { id: 'ann', key: `ann_${p.id}`, email: 'ann@example.com' } })
    await server.post('/v1/customers', { key: p.key, body: { id: 'zed', key: `zed_${p.id}`, email: 'zed@example.com' } })
    await server.post('/v1/customers', { key: p.key, body: { id: `friend-of-zed-${p.id}`, email: `secret-friend-${p.id}@example.com`, referring_customer: { id: 'zed' } } })
  }
})
afterAll(() => server.close())

async function signedIn(p: { publicId: string; key: string }, id: string): Promise<Visitor> {
  const v = visitor(server)
  const minted = await server.post('/v1/customers:sign-in-url', { key: p.key, body: { id } })
  const landed = await v.get(new URL(minted.json.data.url).pathname)
  expect(landed.status).toBe(303)
  return v
}

const routes = () => routesUnder(server.app, [PREFIX]).map((r) => ({ method: r.method, path: r.url.slice(PREFIX.length) }))
const fill = (path: string) => path.replace(/:[A-Za-z_]+/g, 'x')

describe('the refer pages', () => {
  it('are found in the router: sign-in, code, link, home, invite, sign-out', () => {
    const found = routes().map((r) => `${r.method} ${r.path}`)
    for (const expected of ['GET /sign-in', 'POST /sign-in', 'GET /sign-in/code', 'POST /sign-in/code', 'GET /sign-in/:token', 'GET ', 'POST /invite', 'POST /sign-out']) {
      expect(found, expected).toContain(expected)
    }
  })

  it('refuse every form sent from another site, or without the session\'s token, and change nothing', async () => {
    const v = await signedIn(a, 'ann')
    await v.get(`/refer/${a.publicId}`)
    const before = await storePicture(server)
    for (const { path } of routes().filter((r) => r.method === 'POST')) {
      const url = `/refer/${a.publicId}${fill(path)}`
      const crossSite = await v.post(url, { emails: 'x@example.com', email: 'ann@example.com' }, { origin: 'https://evil.example', 'sec-fetch-site': 'cross-site' })
      expect(crossSite.status, `cross-site ${url}`).toBe(403)
    }
    for (const path of ['/invite', '/sign-out']) {
      const tokenless = await v.post(`/refer/${a.publicId}${path}`, { emails: 'x@example.com', _csrf: 'forged' })
      expect(tokenless.status, `tokenless ${path}`).toBe(403)
    }
    expect(await storePicture(server)).toEqual(before)
  })

  it('open with a session of their own program only, and show its customer\'s own data only', async () => {
    const v = await signedIn(a, 'ann')
    const own = await v.get(`/refer/${a.publicId}`)
    expect(own.status).toBe(200)
    expect(own.text).toContain(`ref=ann_${a.id}`)
    expect(own.text).not.toMatch(/zed_|secret-friend|earner_|customers\.invalid/)
    const other = await v.get(`/refer/${b.publicId}`)
    expect(other.status).toBe(303)
    expect(other.headers.location).toMatch(new RegExp(`^/refer/${b.publicId}/sign-in`))
  })

  it('take a sign-in link once: a second use is a 410 and signs nobody in', async () => {
    const minted = await server.post('/v1/customers:sign-in-url', { key: a.key, body: { id: 'ann' } })
    const path = new URL(minted.json.data.url).pathname
    expect((await visitor(server).get(path)).status).toBe(303)
    const again = visitor(server)
    expect((await again.get(path)).status).toBe(410)
    expect((await again.get(`/refer/${a.publicId}`)).status).toBe(303)
    // Another program's link is not this program's.
    const foreign = path.replace(a.publicId, b.publicId)
    expect((await visitor(server).get(foreign)).status).toBe(404)
  })
})
