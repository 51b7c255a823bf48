// What the program's settings pages refuse, over every route they register (read from the router,
// so a new page is covered without touching this file): a viewer sees every page and may preview
// commission rules but changes nothing; a cross-site or tokenless post is refused everywhere; a
// member of program A changes A only; names and questions that are markup stay text.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startServer, type TestServer } from '../../../test/support/server.js'
import { adminRoutes, adminPicture } from '../../../test/support/admin-routes.js'
import { signedInMember } from '../../../test/support/admin-sign-in.js'

let server: TestServer
beforeAll(async () => {
  server = await startServer()
})
afterAll(() => server.close())

const PAGES = ['program', 'commission', 'tracking', 'portal', 'stripe']
const routes = () => PAGES.flatMap((page) => adminRoutes(server.app, `/admin/settings/${page}`))
/** Posts that only show something: allowed to anyone who may read. */
const SHOWS_ONLY = ['/admin/settings/commission/preview']
/** What any of these forms might post: enough for each to change something if it were let. */
const FIELDS = {
  name: 'Taken Over', website: 'https://evil.example', currency: 'EUR', cookie_lifetime: '999', referral_param: 'evil', referral_link_style: 'path',
  additional_domains: 'evil.example', terms_url: 'https://evil.example/terms', brand_color: '#000000', portal_domain: 'evil.example',
  type: 'static', value: '99', period: 'lifetime', review_days: '0', webhook_secret: 'whsec_evilevilevil1234',
}
const TABLES = ['programs', 'program_domains', 'program_logos', 'stripe_settings', 'outbox', 'audit_log'] as const

const picture = () => adminPicture(server, TABLES)

describe('the routes', () => {
  it('are read from the router: every settings page and its form', () => {
    const list = routes().map((r) => `${r.method} ${r.path}`)
    for (const page of PAGES) expect(list).toEqual(expect.arrayContaining([`GET /admin/settings/${page}`, `POST /admin/settings/${page}`]))
    expect(list).toContain('POST /admin/settings/commission/preview')
  })
})

describe('a viewer', () => {
  it('sees every settings page, may preview, and gets 403 for every change, which changes nothing', async () => {
    const p = await server.program({ name: 'Viewed Shop' })
    const { v } = await signedInMember(server, p.id, 'viewer')
    for (const r of routes().filter((x) => x.method === 'GET')) {
      const page = await v.get(r.path)
      expect(page.status, r.path).toBe(200)
      expect(page.text, r.path).toContain('may see these settings but not change them')
    }
    const _csrf = v.csrf() as string
    const before = await picture()
    for (const r of routes().filter((x) => x.method === 'POST')) {
      const answer = await v.post(r.path, { ...FIELDS, _csrf })
      if (SHOWS_ONLY.includes(r.path)) expect(answer.status, r.path).toBe(200)
      else expect(answer.status, r.path).toBe(403)
    }
    expect(await picture()).toEqual(before)
  })
})

describe('cross-site and tokenless posts', () => {
  it('are refused on every route, even for an owner, and change nothing', async () => {
    const p = await server.program()
    const { v } = await signedInMember(server, p.id, 'owner')
    await v.get('/admin/settings/program')
    const _csrf = v.csrf() as string
    const before = await picture()
    for (const r of routes().filter((x) => x.method === 'POST')) {
      const forged = await v.post(r.path, { ...FIELDS, _csrf }, { origin: 'https://evil.example', 'sec-fetch-site': 'cross-site' })
      expect(forged.status, r.path).toBe(403)
      const tokenless = await v.post(r.path, { ...FIELDS, _csrf: '' })
      expect(tokenless.status, r.path).toBe(403)
    }
    expect(await picture()).toEqual(before)
  })
})

describe('two programs', () => {
  it('a member of A changes A\'s settings only; B\'s stay as they were', async () => {
    const a = await server.program({ name: 'A Shop' })
    const b = await server.program({ name: 'B Shop' })
    const bBefore = (await server.get('/v1/program', { key: b.key })).json.data
    const { v } = await signedInMember(server, a.id, 'owner')
    await v.get('/admin/settings/program')
    const _csrf = v.csrf() as string
    for (const r of routes().filter((x) => x.method === 'POST' && !SHOWS_ONLY.includes(x.path))) {
      // Ids of B posted beside the fields are nobody's business: the session's program is the one changed.
      const answer = await v.post(r.path, { ...FIELDS, portal_domain: 'a-shop.example.com', _csrf, program: b.publicId, program_id: String(b.id) })
      expect(answer.status, `${r.path}: ${answer.text.slice(0, 200)}`).toBeLessThan(500)
    }
    expect((await server.get('/v1/program', { key: b.key })).json.data).toEqual(bBefore)
    expect((await server.get('/v1/program', { key: a.key })).json.data.program.name).toBe('Taken Over')
  })
})

describe('a body that is no form', () => {
  it('(JSON with numbers, lists and objects where text goes) never makes a post fail with a 5xx, and saves none of it', async () => {
    const p = await server.program()
    const { v } = await signedInMember(server, p.id, 'owner')
    await v.get('/admin/settings/program')
    const cookie = [...v.cookies].map(([name, value]) => `${name}=${value}`).join('; ')
    const body = JSON.stringify({
      _csrf: v.csrf(), name: 5, website: { url: 'x' }, currency: ['EUR'], tier_from: [1, null], tier_value: [{}], question_key: [7],
      preview_amount: true, referral_param: null, webhook_secret: 12, additional_domains: ['a', 'b'],
    })
    for (const r of routes().filter((x) => x.method === 'POST')) {
      const answer = await fetch(`${server.url}${r.path}`, { method: 'POST', body, headers: { 'content-type': 'application/json', cookie, origin: server.url } })
      expect(answer.status, r.path).toBeLessThan(500)
    }
    expect((await server.get('/v1/program', { key: p.key })).json.data.program.name).not.toBe('5')
  })
})

describe('markup in names and questions', () => {
  it('is shown as text on every settings page', async () => {
    const p = await server.program({ name: '<script>alert("name")</script>' })
    const hostile = '<img src=x onerror=alert(1)>'
    expect((await server.put('/v1/program', { key: p.key, body: { portal_settings: { signup_fields: [{ key: 'q', label: hostile }] } } })).status).toBe(200)
    const { v } = await signedInMember(server, p.id, 'owner')
    for (const r of routes().filter((x) => x.method === 'GET')) {
      const page = await v.get(r.path)
      expect(page.text, r.path).not.toContain('<script>alert("name")</script>')
      expect(page.text, r.path).not.toContain(hostile)
    }
    expect((await v.get('/admin/settings/portal')).text).toContain('value="&lt;img src=x onerror=alert(1)>"')
  })
})
