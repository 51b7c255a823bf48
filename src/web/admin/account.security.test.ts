// What the password and account pages refuse: a reset link used twice, run out, replaced or made
// up; telling whose address is known (the same answer and page either way); too many asks per
// address and per client (429); posts from another site or without the session's token; a
// password change without the current password, or guessing at it; a viewer reaching any user's
// password but its own. Every route of both areas is read from the router, so a new one is covered.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startServer, type TestServer } from '../../../test/support/server.js'
import { visitor, type Visitor, type VisitorOptions } from '../../../test/support/portal.js'
import { adminRoutes, filled } from '../../../test/support/admin-routes.js'
import { signedInMember } from '../../../test/support/admin-sign-in.js'
import { addMember } from '../../modules/users/service.js'
import { mintLink } from '../../modules/users/sign-in.js'

let server: TestServer
beforeAll(async () => {
  // Behind a trusted proxy each browser here has an address of its own, so one test's asks do not spend another's.
  server = await startServer({ trustProxy: true })
})
afterAll(() => server.close())

let n = 0
const address = (who: string) => `${who}.${++n}.${Date.now()}@example.com`
const browser = (options: VisitorOptions = {}): Visitor => visitor(server, { ...options, headers: { 'x-forwarded-for': `203.0.113.${++n % 250}`, ...options.headers } })

async function member(programId: number, role: 'owner' | 'admin' | 'viewer' = 'admin') {
  return (await addMember(server.store.db, programId, { email: address(role), role }, null)).user
}

const hashOf = async (userId: number) =>
  (await server.store.db.selectFrom('users').select('password_hash').where('id', '=', userId).executeTakeFirstOrThrow()).password_hash
const mailsTo = (email: string) => server.store.db.selectFrom('mails').select('id').where('to_address', '=', email).execute()

/** The page a guest gets for asking a reset link for `email`, after its redirect. */
async function asking(v: Visitor, email: string) {
  await v.get('/admin/password/forgot')
  const asked = await v.post('/admin/password/forgot', { email })
  const page = asked.status === 303 ? await v.follow(asked) : asked
  return { status: asked.status, location: asked.headers.location, page: page.text }
}

describe('the routes', () => {
  it('are read from the router, and none of them names a user: each acts on the link\'s or the session\'s own', () => {
    const list = [...adminRoutes(server.app, '/admin/password'), ...adminRoutes(server.app, '/admin/account')].map((r) => `${r.method} ${r.path}`)
    expect(list.sort()).toEqual([
      'GET /admin/account', 'GET /admin/password/:token', 'GET /admin/password/forgot', 'POST /admin/account/password',
      'POST /admin/account/sign-out-everywhere', 'POST /admin/password/:token', 'POST /admin/password/forgot',
    ])
  })
})

describe('a reset link', () => {
  it('works once: used, it answers 410 saying so, and the password stays the one chosen', async () => {
    const p = await server.program()
    const user = await member(p.id)
    const { token } = await mintLink(server.store.db, user.id, 'reset')
    const v = browser()
    expect((await v.post(`/admin/password/${token}`, { password: 'Secret123', repeat: 'Secret123' })).status).toBe(303)
    const chosen = await hashOf(user.id)
    for (const answer of [await browser().get(`/admin/password/${token}`), await browser().post(`/admin/password/${token}`, { password: 'Other1234', repeat: 'Other1234' })]) {
      expect(answer.status).toBe(410)
      expect(answer.text).toContain('This link was used already.')
      expect(answer.text).toContain('href="/admin/password/forgot"')
      expect(answer.text).not.toContain('name="password"')
    }
    expect(await hashOf(user.id)).toBe(chosen)
  })

  it('run out or replaced by a newer one answers 410; a made-up one 404; none sets a password or signs anyone in', async () => {
    const p = await server.program()
    const [user, other] = [await member(p.id), await member(p.id)]
    const ranOut = await mintLink(server.store.db, user.id, 'reset', { ttlMs: 60_000 }, Date.now() - 120_000)
    const cases: Array<[string, number, string]> = [[ranOut.token, 410, 'This link ran out.']]
    const older = await mintLink(server.store.db, other.id, 'reset')
    await mintLink(server.store.db, other.id, 'reset')
    cases.push([older.token, 410, 'A newer link replaced this one.'], ['x'.repeat(43), 404, 'This link is not one of ours.'], ['%3Cscript%3E', 404, 'not one of ours'])
    for (const [token, status, says] of cases) {
      const v = browser()
      const page = await v.get(`/admin/password/${token}`)
      expect(page.status, token).toBe(status)
      expect(page.text, token).toContain(says)
      const post = await v.post(`/admin/password/${token}`, { password: 'Secret123', repeat: 'Secret123' })
      expect(post.status, token).toBe(status)
      expect(post.headers['set-cookie'], token).toBeUndefined()
    }
    expect(await hashOf(user.id)).toBeNull()
    expect(await hashOf(other.id)).toBeNull()
  })
})

describe('asking for a reset link', () => {
  it('answers an unknown, a malformed and a known address alike; only the known one gets a mail', async () => {
    const p = await server.program()
    const known = await member(p.id)
    const unknown = address('nobody')
    const answers = [await asking(browser(), known.email), await asking(browser(), unknown), await asking(browser(), 'not an address')]
    for (const answer of answers) expect(answer).toEqual(answers[0])
    expect(answers[0]!.status).toBe(303)
    expect(await mailsTo(known.email)).toHaveLength(1)
    expect(await mailsTo(unknown)).toHaveLength(0)
  })

  it('is limited per address, from any client, known or not: the sixth ask in an hour gets the 429 page', async () => {
    const p = await server.program()
    for (const email of [(await member(p.id)).email, address('stranger')]) {
      for (let i = 0; i < 5; i++) expect((await asking(browser(), email)).status, `${email} ${i}`).toBe(303)
      const refused = await asking(browser(), email.toUpperCase())
      expect(refused.status).toBe(429)
      expect(refused.page).toContain('Too many attempts')
    }
    expect((await mailsTo((await member(p.id)).email))).toHaveLength(0)
  })

  it('is limited per client address: the 21st ask in an hour from one address gets 429, another client still asks', async () => {
    const ip = { 'x-forwarded-for': '198.51.100.7' }
    for (let i = 0; i < 20; i++) expect((await asking(browser({ headers: ip }), address('many'))).status, String(i)).toBe(303)
    expect((await asking(browser({ headers: ip }), address('many'))).status).toBe(429)
    expect((await asking(browser(), address('many'))).status).toBe(303)
  })
})

describe('posts from another site, and without the session\'s token', () => {
  it('are refused on every password and account form, and change nothing', async () => {
    const p = await server.program()
    const user = await member(p.id, 'viewer')
    const { token } = await mintLink(server.store.db, user.id, 'reset')
    const forged = { origin: 'https://evil.example', 'sec-fetch-site': 'cross-site' }
    const guest = browser()
    expect((await guest.post('/admin/password/forgot', { email: user.email }, forged)).status).toBe(403)
    expect(await mailsTo(user.email)).toHaveLength(0)
    expect((await guest.post(`/admin/password/${token}`, { password: 'Secret123', repeat: 'Secret123' }, forged)).status).toBe(403)
    expect(await hashOf(user.id)).toBeNull()
    // The link still works after the forged post.
    expect((await guest.get(`/admin/password/${token}`)).status).toBe(200)

    const { v, userId } = await signedInMember(server, p.id, 'viewer')
    await v.get('/admin/account')
    const _csrf = v.csrf() as string
    for (const path of ['/admin/account/password', '/admin/account/sign-out-everywhere']) {
      const fields = { password: 'Secret123', repeat: 'Secret123' }
      expect((await v.post(path, { ...fields, _csrf }, forged)).status, path).toBe(403)
      expect((await v.post(path, { ...fields, _csrf: '' })).status, path).toBe(403)
      expect((await v.post(path, { ...fields, _csrf: 'x'.repeat(_csrf.length) })).status, path).toBe(403)
    }
    expect(await hashOf(userId)).toBeNull()
    expect((await v.get('/admin/account')).status).toBe(200)
  })
})

describe('changing a password', () => {
  it('needs the current one once there is one: missing or wrong, nothing changes; the 11th try in 15 minutes is refused', async () => {
    const p = await server.program()
    const { v, userId } = await signedInMember(server, p.id, 'admin')
    await v.get('/admin/account')
    expect((await v.post('/admin/account/password', { password: 'First123', repeat: 'First123' })).status).toBe(303)
    const first = await hashOf(userId)
    await v.get('/admin/account')
    const missing = await v.post('/admin/account/password', { password: 'Second123', repeat: 'Second123' })
    expect(missing.status).toBe(422)
    expect(missing.text).toContain('The current password is not right.')
    // Setting it, the missing one and 8 guesses: 10 tries.
    for (let i = 0; i < 8; i++) expect((await v.post('/admin/account/password', { current: `Guess${i}xx1`, password: 'Second123', repeat: 'Second123' })).status).toBe(422)
    const limited = await v.post('/admin/account/password', { current: 'First123', password: 'Second123', repeat: 'Second123' })
    expect(limited.status).toBe(429)
    expect(limited.text).toContain('Too many attempts')
    expect(await hashOf(userId)).toBe(first)
  })

  it('a viewer may post every account form, and reaches only its own password, whatever user it names', async () => {
    const p = await server.program()
    const owner = await member(p.id, 'owner')
    const { v, userId } = await signedInMember(server, p.id, 'viewer')
    const routes = adminRoutes(server.app, '/admin/account')
    for (const r of routes.filter((x) => x.method === 'GET')) expect((await v.get(filled(r.path, {}))).status, r.path).toBe(200)
    // The account's forms are the viewer's own: posted with another user named, they change the viewer's.
    const fields = { password: 'Viewer123', repeat: 'Viewer123', userId: String(owner.id), id: String(owner.id), email: owner.email }
    const changed = await v.post('/admin/account/password', fields)
    expect(changed.status, changed.text).toBe(303)
    expect(await hashOf(userId)).not.toBeNull()
    expect(await hashOf(owner.id)).toBeNull()
    await v.follow(changed)
    const posts = routes.filter((x) => x.method === 'POST').map((r) => r.path)
    expect(posts.sort()).toEqual(['/admin/account/password', '/admin/account/sign-out-everywhere'])
    const out = await v.post('/admin/account/sign-out-everywhere', { userId: String(owner.id) })
    expect(out.status).toBe(303)
    expect(await hashOf(owner.id)).toBeNull()
  })
})
