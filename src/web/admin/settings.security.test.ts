// What the settings pages refuse, over every route they register (read from the router, so a new
// one is covered without touching this file): a viewer's and an admin's post to each (the team and
// the keys are the owners'), a cross-site or tokenless post, an owner of program A reaching program
// B's keys and users; an API key's secret after its one answer; addresses and names that are markup.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startServer, type TestServer } from '../../../test/support/server.js'
import { adminRoutes, filled, adminPicture } from '../../../test/support/admin-routes.js'
import { signedInMember } from '../../../test/support/admin-sign-in.js'
import { addMember } from '../../modules/users/service.js'
import { keysOf } from '../../modules/api-keys/service.js'
import { record } from '../../modules/users/audit.js'

let server: TestServer
beforeAll(async () => {
  server = await startServer()
})
afterAll(() => server.close())

const AREA = '/admin/settings'
/** The index, the team, the keys and the log: the program's own settings have their own test (program-settings.security). */
const routes = () => adminRoutes(server.app, AREA).filter((r) => r.path === AREA || /^\/admin\/settings\/(users|api-keys|audit)(\/|$)/.test(r.path))
/** What any of these forms might post. */
const FIELDS = { email: 'intruder@example.com', role: 'owner' }
const TABLES = ['api_keys', 'users', 'memberships', 'user_tokens', 'mails', 'audit_log'] as const
/** The team and the keys are the owners' to change; the portal's look (its logo) anyone's who may change. */

const picture = () => adminPicture(server, TABLES)

/** A program with a second owner of a distinct address and its key's row id. */
async function world(label: string) {
  const p = await server.program({ name: `${label} Shop` })
  const email = `${label.toLowerCase()}.distinct.${Date.now()}@example.com`
  const { user } = await addMember(server.store.db, p.id, { email, role: 'owner', name: `${label}-Name-Distinct` }, null)
  const [key] = await keysOf(server.store.db, p.id)
  return { p, email, userId: String(user.id), keyId: String(key!.id), prefix: key!.prefix }
}

describe('the routes', () => {
  it('are read from the router: the index, the team, the keys, the audit log and every change', () => {
    const list = routes().map((r) => `${r.method} ${r.path}`)
    expect(list).toEqual(expect.arrayContaining([
      'GET /admin/settings', 'GET /admin/settings/api-keys', 'POST /admin/settings/api-keys', 'POST /admin/settings/api-keys/:id/revoke',
      'GET /admin/settings/users', 'POST /admin/settings/users', 'POST /admin/settings/users/:userId/role', 'POST /admin/settings/users/:userId/remove',
      'GET /admin/settings/audit',
    ]))
  })
})

describe('a viewer and an admin', () => {
  for (const role of ['viewer', 'admin'] as const) {
    it(`(${role}) read the team and the log, get 403 for the keys and for every change, and change nothing`, async () => {
      const a = await world(`Role${role}`)
      const { v } = await signedInMember(server, a.p.id, role)
      const values = { id: a.keyId, userId: a.userId }
      for (const r of routes().filter((x) => x.method === 'GET')) {
        const answer = await v.get(filled(r.path, values))
        expect(answer.status, r.path).toBe(r.path === '/admin/settings/api-keys' ? 403 : 200)
      }
      await v.get('/admin/settings/users')
      const _csrf = v.csrf() as string
      expect(_csrf).toBeTruthy()
      const before = await picture()
      const posts = routes().filter((x) => x.method === 'POST')
      expect(posts.length).toBeGreaterThanOrEqual(4)
      for (const r of posts) {
        const answer = await v.post(filled(r.path, values), { ...FIELDS, _csrf })
        expect(answer.status, r.path).toBe(403)
        expect(answer.text, r.path).toMatch(/Only an owner of this program manages its (users|API keys)\./)
        expect(answer.text).not.toContain('pk_live_')
      }
      expect(await picture()).toEqual(before)
      expect((await server.get('/v1/program', { key: a.p.key })).status).toBe(200)
    })
  }
})

describe('cross-site and tokenless posts', () => {
  it('are refused on every route, even for an owner, and change nothing', async () => {
    const a = await world('Cross')
    const { v } = await signedInMember(server, a.p.id, 'owner')
    const values = { id: a.keyId, userId: a.userId }
    await v.get('/admin/settings/users')
    const _csrf = v.csrf() as string
    const before = await picture()
    for (const r of routes().filter((x) => x.method === 'POST')) {
      const forged = await v.post(filled(r.path, values), { ...FIELDS, _csrf }, { origin: 'https://evil.example', 'sec-fetch-site': 'cross-site' })
      expect(forged.status, r.path).toBe(403)
      const tokenless = await v.post(filled(r.path, values), { ...FIELDS, _csrf: '' })
      expect(tokenless.status, r.path).toBe(403)
    }
    expect(await picture()).toEqual(before)
  })
})

describe('another program', () => {
  it('is out of reach: B\'s key and users answer 404 to A\'s owner, and B\'s data is on none of A\'s pages', async () => {
    const a = await world('Alpha')
    const b = await world('Beta')
    await record(server.store.db, { programId: b.p.id, userId: null, action: 'partner.approved', objectType: 'partner', objectId: 'prt_beta_distinct' })
    const { v } = await signedInMember(server, a.p.id, 'owner')
    const values = { id: b.keyId, userId: b.userId }
    for (const r of routes().filter((x) => x.method === 'GET')) {
      const answer = await v.get(filled(r.path, values))
      expect(answer.status, r.path).toBe(200)
      for (const distinct of [b.email, 'Beta-Name-Distinct', 'prt_beta_distinct', b.prefix, 'Beta Shop']) expect(answer.text, r.path).not.toContain(distinct)
    }
    await v.get('/admin/settings/users')
    // The session's own token on every post (an error page carries none).
    const _csrf = v.csrf() as string
    const before = await picture()
    for (const r of routes().filter((x) => x.method === 'POST' && x.path.includes(':'))) {
      const answer = await v.post(filled(r.path, values), { role: 'viewer', _csrf })
      expect(answer.status, r.path).toBe(404)
      expect(answer.text).not.toContain(b.email)
    }
    for (const odd of ['0', '-1', 'abc', '99999999999999999999']) {
      expect((await v.post(`/admin/settings/api-keys/${odd}/revoke`, { _csrf })).status, odd).toBe(404)
      expect((await v.post(`/admin/settings/users/${odd}/remove`, { _csrf })).status, odd).toBe(404)
    }
    expect(await picture()).toEqual(before)
    expect((await server.get('/v1/program', { key: b.p.key })).status).toBe(200)
  })
})

describe('secrets and markup', () => {
  it('a new key is on its answer only: not on the list, not in the log', async () => {
    const a = await world('Secret')
    const { v } = await signedInMember(server, a.p.id, 'owner')
    await v.get('/admin/settings/api-keys')
    const made = await v.post('/admin/settings/api-keys')
    const key = /pk_live_[A-Za-z0-9_-]{32}/.exec(made.text)?.[0] as string
    expect(key).toBeTruthy()
    expect(made.headers['cache-control']).toBe('no-store')
    for (const path of ['/admin/settings/api-keys', '/admin/settings/audit', '/admin/settings', '/admin/settings/users']) {
      expect((await v.get(path)).text, path).not.toContain(key)
    }
    const rows = await server.store.db.selectFrom('audit_log').select('detail').where('program_id', '=', a.p.id).execute()
    expect(JSON.stringify(rows)).not.toContain(key)
  })

  it('hostile addresses, names and program names render as text, in the pages and the invitation mail', async () => {
    const p = await server.program({ name: '<script>alert("shop")</script>' })
    const { v } = await signedInMember(server, p.id, 'owner')
    await addMember(server.store.db, p.id, { email: `"'><img/src=x/onerror=alert(1)>@evil.example`, role: 'viewer', name: '<img src=x onerror=alert(2)>' }, null)
    await record(server.store.db, { programId: p.id, userId: null, action: 'partner.approved', objectType: 'partner', objectId: '<script>alert(3)</script>' })
    const invitee = `<script>alert(4)</script>@evil.example`
    await v.get('/admin/settings/users')
    const invited = await v.post('/admin/settings/users', { email: invitee, role: 'viewer' })
    expect(invited.status, invited.text).toBe(303)
    for (const path of ['/admin/settings', '/admin/settings/users', '/admin/settings/audit']) {
      const page = await v.get(path)
      expect(page.status).toBe(200)
      expect(page.text, path).not.toMatch(/<script>alert|<img[ /]src=x/)
    }
    const team = await v.get('/admin/settings/users')
    // Text content: `<` escaped (`>` alone opens nothing).
    expect(team.text).toContain('&lt;img src=x onerror=alert(2)>')
    expect(team.text).toMatch(/&lt;script(&gt;|>)alert\(4\)&lt;\/script(&gt;|>)@evil\.example/)
    expect((await v.get('/admin/settings/audit')).text).toMatch(/&lt;script(&gt;|>)alert\(3\)&lt;\/script/)
    const [mail] = await server.store.db.selectFrom('mails').selectAll().where('to_address', '=', invitee).execute()
    expect(mail!.kind).toBe('admin-invitation')
    expect(mail!.html).not.toMatch(/<script>alert/)
    expect(mail!.html).toContain('&lt;script&gt;alert(&quot;shop&quot;)&lt;/script&gt;')
  })
})
