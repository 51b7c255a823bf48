// The partner portal's defences, through its HTTP interface against a real store: posts from other
// sites, session ids (fixation, sign-out, storage), sign-in limits, cookies, the page policy and
// redirects, password reset and one-time codes. The forms and pages are read from the app's own
// routes, so a page or form added later is checked without touching this file.
import { createHash } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startServer, type TestServer } from '../../../test/support/server.js'
import { partnerWithPassword, signIn, visitor, type Visitor, type VisitorOptions } from '../../../test/support/portal.js'
import { addressOf, portalRoutes, storePicture, type PortalRoute } from '../../../test/support/portal-routes.js'
import { earn, requestPayout } from '../../../test/support/payouts.js'
import type { Answer } from '../../../test/support/client.js'

let server: TestServer
let program: { id: number; publicId: string; key: string }
let routes: PortalRoute[]
let base: string

/** The forms a signed-out visitor sends (they carry no session token: there is no session yet). */
const GUEST_FORMS = ['/sign-in', '/sign-in/code', '/sign-in/code/check', '/apply', '/verify', '/forgot-password']
/** How many forms and pages the portal has today: the routes found must be at least these. */
const FORMS_TODAY = 16
const PAGES_TODAY = 15

beforeAll(async () => {
  // Behind a trusted proxy, so each browser here comes from an address of its own (X-Forwarded-For:
  // the per-address sign-in limits of one test do not spill into the next) and a request can say
  // the browser used https (X-Forwarded-Proto), as a TLS proxy does.
  server = await startServer({ trustProxy: true })
  routes = portalRoutes(server.app)
  program = await server.program({ name: 'Safe Partners' })
  const res = await server.put('/v1/program', { key: program.key, body: { portal_settings: { passwordless_login_enabled: true } } })
  expect(res.status, res.text).toBe(200)
  base = `/portal/${program.publicId}`
})
afterAll(() => server.close())

let addresses = 0
/** A browser of its own, from an address of its own. */
function browser(options: VisitorOptions = {}): Visitor {
  addresses += 1
  const ip = `10.20.${Math.floor(addresses / 250)}.${(addresses % 250) + 1}`
  return visitor(server, { ...options, headers: { 'x-forwarded-for': ip, ...options.headers } })
}

let made = 0
/** A partner with a password (and a key), signed in in a browser of its own. */
async function member(fields: Record<string, unknown> = {}) {
  made += 1
  const key = `sec_${made}`
  const partner = await partnerWithPassword(server, program.key, { key, ...fields })
  const v = browser()
  await signIn(v, program.publicId, partner.email, partner.password)
  return { ...partner, key, v }
}

const cookieName = () => `pk_${program.publicId}`
const cookieOf = (v: Visitor) => v.cookies.get(cookieName()) as string
const sha256 = (value: string) => createHash('sha256').update(value).digest('hex')

/** Whether a browser that holds only this session cookie gets into the portal. */
async function opens(cookie: string): Promise<boolean> {
  const v = browser()
  v.cookies.set(cookieName(), cookie)
  const res = await v.get(base)
  if (res.status === 200) return true
  expect(res.status).toBe(303)
  expect(res.headers.location).toMatch(new RegExp(`^${base}/sign-in`))
  return false
}

/** The newest mail of `kind` queued to `to`, as the mail job would send it. */
async function lastMail(to: string, kind: 'sign-in' | 'password-reset' | 'verify-email') {
  const row = await server.store.db.selectFrom('mails').selectAll().where('to_address', '=', to).where('kind', '=', kind)
    .orderBy('id', 'desc').executeTakeFirst()
  if (!row) throw new Error(`no ${kind} mail to ${to}`)
  return row
}

/** The path of the portal link in a mail (`/portal/PID/reset-password/TOKEN`). */
function linkIn(text: string, page: string): string {
  const found = new RegExp(`https?://[^\\s/]+(${base}/${page}/[A-Za-z0-9_-]+)`).exec(text)
  if (!found) throw new Error(`no ${page} link in: ${text}`)
  return found[1] as string
}

/** The code and link of the newest sign-in mail to `email`. */
async function signInMail(email: string) {
  const mail = await lastMail(email, 'sign-in')
  const code = /^(\d{6}) is your sign-in code/.exec(mail.subject)?.[1]
  if (!code) throw new Error(`no code in: ${mail.subject}`)
  return { code, link: linkIn(mail.text, 'sign-in') }
}

/** Another six digits than `code`. */
const otherCode = (code: string, by = 1) => String((Number(code) + by) % 1_000_000).padStart(6, '0')

/** The POST forms on a page: their action and the hidden fields a browser would send with them. */
function postForms(html: string): Array<{ action: string; hidden: Record<string, string> }> {
  const forms = []
  for (const [, attrs, body] of html.matchAll(/<form\b([^>]*)>([\s\S]*?)<\/form>/g)) {
    if (!/\bmethod="post"/i.test(attrs as string)) continue
    const hidden: Record<string, string> = {}
    for (const [input] of (body as string).matchAll(/<input\b[^>]*>/g)) {
      if (!/\btype="hidden"/.test(input)) continue
      const name = /\bname="([^"]*)"/.exec(input)?.[1]
      if (name) hidden[name] = /\bvalue="([^"]*)"/.exec(input)?.[1] ?? ''
    }
    forms.push({ action: /\baction="([^"]*)"/.exec(attrs as string)?.[1] ?? '', hidden })
  }
  return forms
}

/** Follows redirects (within the portal) to the page they end on. */
async function landing(v: Visitor, res: Answer): Promise<Answer> {
  for (let hops = 0; res.status === 303 && hops < 4; hops++) res = await v.follow(res)
  return res
}

const posts = () => routes.filter((r) => r.method === 'POST')
const gets = () => routes.filter((r) => r.method === 'GET')

/**
 * A signed-in partner S with something each form could change: a payable balance and a saved
 * payout method, a live sign-in code, a reset link, and an applicant who has not confirmed yet.
 * `fields` are what each form would need to change something; `csrf` is S's session token.
 */
async function formWorld() {
  const s = await member()
  await earn(server, program.key, s.key, 100)
  await s.v.get(`${base}/payouts`)
  expect((await s.v.post(`${base}/payouts/method`, { gateway: 'paypal', paypal_email: `paid-${s.key}@example.com` })).status).toBe(303)
  const g = browser()
  expect((await g.post(`${base}/sign-in/code`, { email: s.email })).status).toBe(303)
  const { code } = await signInMail(s.email)
  expect((await g.post(`${base}/forgot-password`, { email: s.email })).status).toBe(303)
  const reset = linkIn((await lastMail(s.email, 'password-reset')).text, 'reset-password').split('/').pop() as string
  const applicant = `applicant-${s.key}@example.com`
  expect((await g.post(`${base}/apply`, { name: 'Una Applicant', email: applicant, password: 'Secret123' })).status).toBe(303)
  await s.v.get(`${base}/profile`)
  const csrf = s.v.csrf() as string
  const fields: Record<string, Record<string, string | string[]>> = {
    '/sign-in': { email: s.email, password: s.password },
    '/sign-in/code': { email: s.email },
    '/sign-in/code/check': { email: s.email, code: otherCode(code) },
    '/sign-out': {},
    '/sign-out-everywhere': {},
    '/apply': { name: 'Eve Applicant', email: `eve-${s.key}@example.com`, password: 'Secret123' },
    '/verify': { email: applicant },
    '/forgot-password': { email: s.email },
    '/reset-password/:token': { password: 'Another123' },
    '/links': { key: `xsite_${s.key}` },
    '/payouts/method': { gateway: 'paypal', paypal_email: `mallory-${s.key}@example.com` },
    '/payouts/request': {},
    '/profile': { name: 'Mallory', surname: 'Intruder' },
    '/profile/email': { email: `mallory-${s.key}@example.com` },
    '/profile/password': { current_password: s.password, password: 'Mallory123' },
    '/profile/preferences': { language: 'en' },
  }
  return { s, csrf, params: { token: reset } as Record<string, string>, fields }
}

describe('a post from another site', () => {
  it('the app has every form the portal has today', () => {
    expect(posts().length).toBeGreaterThanOrEqual(FORMS_TODAY)
    for (const form of [...GUEST_FORMS, '/links', '/payouts/request', '/profile/password', '/sign-out-everywhere', '/reset-password/:token']) {
      expect(posts().map((r) => r.path)).toContain(form)
    }
  })

  it('to any form, signed in or not: 403, and nothing in the store changes', async () => {
    const world = await formWorld()
    const guest = browser()
    const port = new URL(server.url).port
    const sibling = { host: `partners.acme.example:${port}`, origin: `http://blog.acme.example:${port}` }
    const ways: Array<[string, Record<string, string | undefined>]> = [
      ['Sec-Fetch-Site: cross-site', { 'sec-fetch-site': 'cross-site' }],
      ['Sec-Fetch-Site: cross-site without Origin', { 'sec-fetch-site': 'cross-site', origin: undefined }],
      ['a foreign Origin (no Sec-Fetch-Site)', { origin: 'https://evil.example', 'sec-fetch-site': undefined }],
      ['Origin: null (no Sec-Fetch-Site)', { origin: 'null', 'sec-fetch-site': undefined }],
      ['this host over the other scheme', { origin: server.url.replace(/^http:/, 'https:'), 'sec-fetch-site': undefined }],
      ['a sibling subdomain (Sec-Fetch-Site: same-site)', { ...sibling, 'sec-fetch-site': 'same-site' }],
      ['a sibling subdomain (Origin only)', { ...sibling, 'sec-fetch-site': undefined }],
    ]
    expect(posts().length).toBeGreaterThanOrEqual(FORMS_TODAY)
    const before = await storePicture(server)
    for (const route of posts()) {
      const path = addressOf(program.publicId, route.path, world.params, 'x')
      // The signed-in browser sends its valid token: only the origin check stands in the way.
      const fields = { _csrf: world.csrf, ...world.fields[route.path] }
      for (const [who, v] of [['signed in', world.s.v], ['signed out', guest]] as const) {
        for (const [how, headers] of ways) {
          const what = `POST ${route.path}, ${who}, ${how}`
          const res = await v.post(path, fields, headers)
          expect(res.status, `${what}: ${res.text.slice(0, 300)}`).toBe(403)
          expect(res.headers['set-cookie'], what).toBeUndefined()
          expect(await storePicture(server), what).toEqual(before)
        }
      }
    }
    expect(await opens(cookieOf(world.s.v))).toBe(true)
  })

  it('a signed-in form without its session token, or with a wrong one: 403, and nothing changes', async () => {
    const world = await formWorld()
    const other = await member()
    await other.v.get(`${base}/profile`)
    const othersToken = other.v.csrf() as string
    const flipped = `${world.csrf.slice(0, -1)}${world.csrf.endsWith('A') ? 'B' : 'A'}`
    const tokens: Array<[string, string | string[]]> = [
      ['no token', []], ['an empty token', ''], ['a made-up token', 'x'.repeat(world.csrf.length)], ['the token with one character changed', flipped],
      ['the token of another session', othersToken], ['a wrong token, then the right one', ['wrong', world.csrf]],
    ]
    const forms = posts().filter((r) => !GUEST_FORMS.includes(r.path))
    expect(forms.length).toBeGreaterThanOrEqual(FORMS_TODAY - GUEST_FORMS.length)
    const before = await storePicture(server)
    for (const route of forms) {
      for (const [how, token] of tokens) {
        const what = `POST ${route.path} with ${how}`
        const res = await world.s.v.post(addressOf(program.publicId, route.path, world.params, 'x'), { ...world.fields[route.path], _csrf: token })
        expect(res.status, `${what}: ${res.text.slice(0, 300)}`).toBe(403)
        expect(await storePicture(server), what).toEqual(before)
      }
    }
    expect(await opens(cookieOf(world.s.v))).toBe(true)
  })

  it('each of those forms, sent from the portal itself, does change something (so the refusals above are the checks\' doing)', async () => {
    const world = await formWorld()
    const g = browser()
    const h = browser()
    // An order in which no form undoes the next one's precondition: sign-ins before the password
    // change (which ends every other session), g's sign-out before it, sign-out-everywhere after it
    // (from the new session it gives S), the reset link before a newer reset mail replaces it.
    const order = ['/apply', '/verify', '/sign-in/code', '/sign-in/code/check', '/sign-in', '/links', '/payouts/method', '/payouts/request', '/profile',
      '/profile/email', '/profile/preferences', '/sign-out', '/profile/password', '/sign-out-everywhere', '/reset-password/:token', '/forgot-password']
    for (const path of order) {
      // The guest forms from a signed-out browser (g, which the sign-in signs in); the partner's forms
      // from S's browser, sign-out from g's new session; the reset link from a third.
      const v = path.startsWith('/reset-password') || path === '/forgot-password' ? h : GUEST_FORMS.includes(path) || path === '/sign-out' ? g : world.s.v
      if (!GUEST_FORMS.includes(path) && v !== h) await v.get(`${base}/profile`)
      const before = await storePicture(server)
      const res = await v.post(addressOf(program.publicId, path, world.params), world.fields[path] as Record<string, string>)
      expect(res.status, `POST ${path}: ${res.text.slice(0, 300)}`).not.toBe(403)
      expect(res.status, `POST ${path}: ${res.text.slice(0, 300)}`).toBeLessThan(500)
      expect(await storePicture(server), `POST ${path} changed nothing`).not.toEqual(before)
    }
  })

  it('every post form on a signed-in page carries the session token (a browser sends only that form\'s fields)', async () => {
    const s = await member()
    await earn(server, program.key, s.key, 50)
    const payout = await requestPayout(server, program.key, { partner: { key: s.key } })
    expect(gets().length).toBeGreaterThanOrEqual(PAGES_TODAY)
    await s.v.get(`${base}/profile`)
    const token = s.v.csrf() as string
    let checked = 0
    for (const route of gets()) {
      const res = await s.v.get(addressOf(program.publicId, route.path, { number: String(payout.id), token: 'T'.repeat(43) }))
      if (!String(res.headers['content-type']).startsWith('text/html')) continue
      for (const form of postForms(res.text)) {
        const path = form.action.slice(base.length).replace(/\/[A-Za-z0-9]{43}$/, '/:token')
        if (GUEST_FORMS.includes(path)) continue
        checked += 1
        expect(form.hidden._csrf, `the form to ${form.action} on ${route.path || '/'}`).toBe(token)
      }
    }
    expect(checked).toBeGreaterThanOrEqual(10)
  })
})

describe('session ids', () => {
  it('a sign-in by password, code or one-use link makes a new id; the cookie the browser had before is worth nothing after', async () => {
    const ways: Record<string, (v: Visitor, p: { email: string; password: string; partner: { id: string } }) => Promise<Answer>> = {
      async password(v, p) {
        return v.post(`${base}/sign-in`, { email: p.email, password: p.password })
      },
      async code(v, p) {
        expect((await v.post(`${base}/sign-in/code`, { email: p.email })).status).toBe(303)
        return v.post(`${base}/sign-in/code/check`, { email: p.email, code: (await signInMail(p.email)).code })
      },
      async link(v, p) {
        const minted = await server.post('/v1/partners:sign-in-url', { key: program.key, body: { id: p.partner.id } })
        expect(minted.status, minted.text).toBe(200)
        return v.get(new URL(minted.json.data.url).pathname)
      },
    }
    for (const [way, signInBy] of Object.entries(ways)) {
      // An attacker's own live session, planted in the victim's browser (a cookie a sibling site set).
      const attacker = await member()
      const planted = cookieOf(attacker.v)
      const victim = await partnerWithPassword(server, program.key, { name: `Victim by ${way}` })
      const v = browser()
      v.cookies.set(cookieName(), planted)
      const res = await signInBy(v, victim)
      expect(res.status, `${way}: ${res.text.slice(0, 300)}`).toBe(303)
      expect(res.headers['set-cookie']?.[0], way).toMatch(new RegExp(`^${cookieName()}=`))
      const now = cookieOf(v)
      expect(now, way).not.toBe(planted)
      expect(await opens(planted), `${way}: the planted cookie still opens the portal`).toBe(false)
      expect((await v.get(base)).text, way).toContain(`Welcome, Victim by ${way}`)
    }
    // A value the server never issued is not adopted either.
    const v = browser()
    const invented = 'A'.repeat(43)
    v.cookies.set(cookieName(), invented)
    const victim = await partnerWithPassword(server, program.key)
    expect((await v.post(`${base}/sign-in`, { email: victim.email, password: victim.password })).status).toBe(303)
    expect(cookieOf(v)).not.toBe(invented)
    expect(await opens(invented)).toBe(false)
  })

  it('sign-out ends the session on the server: the old cookie no longer opens a page', async () => {
    const s = await member()
    const cookie = cookieOf(s.v)
    await s.v.get(`${base}/links`)
    const out = await s.v.post(`${base}/sign-out`)
    expect(out.status).toBe(303)
    expect(out.headers.location).toBe(`${base}/sign-in?notice=signed-out`)
    expect(out.headers['set-cookie']?.[0]).toMatch(new RegExp(`^${cookieName()}=; .*Max-Age=0`))
    expect(await opens(cookie)).toBe(false)
    expect(await server.store.db.selectFrom('partner_sessions').select('id').where('id', '=', sha256(cookie)).executeTakeFirst()).toBeUndefined()
    for (const page of ['/links', '/payouts', '/profile']) expect((await s.v.get(`${base}${page}`)).status).toBe(303)
  })

  it('sign-out everywhere ends the partner\'s sessions in its other browsers too, and no one else\'s', async () => {
    const s = await member()
    const second = browser()
    const third = browser()
    await signIn(second, program.publicId, s.email, s.password)
    await signIn(third, program.publicId, s.email, s.password)
    const bystander = await member()
    const cookies = [cookieOf(s.v), cookieOf(second), cookieOf(third)]
    for (const cookie of cookies) expect(await opens(cookie)).toBe(true)
    await second.get(`${base}/profile`)
    const res = await second.post(`${base}/sign-out-everywhere`)
    expect(res.status).toBe(303)
    expect(res.headers.location).toBe(`${base}/sign-in?notice=signed-out-everywhere`)
    for (const cookie of cookies) expect(await opens(cookie)).toBe(false)
    expect(await opens(cookieOf(bystander.v))).toBe(true)
  })

  it('end when the merchant archives the partner, and when they run out', async () => {
    const archived = await member()
    expect(await opens(cookieOf(archived.v))).toBe(true)
    const res = await server.post(`/v1/partners/${archived.partner.id}/archive`, { key: program.key })
    expect(res.status, res.text).toBe(200)
    expect(await opens(cookieOf(archived.v))).toBe(false)

    const old = await member()
    await server.store.db.updateTable('partner_sessions').set({ expires_at: Date.now() - 1 }).where('id', '=', sha256(cookieOf(old.v))).execute()
    expect(await opens(cookieOf(old.v))).toBe(false)
  })

  it('are stored hashed: no cookie value, and no one-use link, is in the store as it was handed out', async () => {
    const s = await member()
    const cookie = cookieOf(s.v)
    const sessions = JSON.stringify(await server.store.db.selectFrom('partner_sessions').selectAll().execute())
    expect(sessions).toContain(sha256(cookie))
    expect(sessions).not.toContain(cookie)
    expect(sessions).not.toContain(cookie.slice(0, 20))

    // A link the merchant's app minted and that leaked (a log, a shared screen): what the store
    // keeps of it cannot be used as a link.
    const minted = await server.post('/v1/partners:sign-in-url', { key: program.key, body: { id: s.partner.id } })
    const token = (minted.json.data.url as string).split('/').pop() as string
    // And the links of the mails: a sign-in code and link, a reset link, a verification link.
    const g = browser()
    await g.post(`${base}/sign-in/code`, { email: s.email })
    await g.post(`${base}/forgot-password`, { email: s.email })
    await s.v.get(`${base}/profile`)
    expect((await s.v.post(`${base}/profile/email`, { email: `hashed-${s.key}@example.com` })).status).toBe(303)
    const { code, link } = await signInMail(s.email)
    const secrets = [
      token, link.split('/').pop() as string,
      linkIn((await lastMail(s.email, 'password-reset')).text, 'reset-password').split('/').pop() as string,
      linkIn((await lastMail(`hashed-${s.key}@example.com`, 'verify-email')).text, 'verify').split('/').pop() as string,
    ]
    const rows = await server.store.db.selectFrom('sign_in_tokens').selectAll().where('partner_id', '=', await rowIdOf(s.email)).execute()
    expect(rows.length).toBeGreaterThanOrEqual(4)
    const stored = JSON.stringify(rows)
    for (const secret of secrets) {
      expect(secret).toMatch(/^[A-Za-z0-9]{43}$/)
      expect(stored).not.toContain(secret)
      expect(stored).toContain(sha256(secret))
    }
    expect(rows.some((r) => r.code_hash === sha256(code))).toBe(true)
    expect(rows.every((r) => r.code_hash !== code)).toBe(true)
    // The stolen link still works once, for whoever has it: hashing protects what the store holds.
    expect((await browser().get(`${base}/sign-in/${token}`)).status).toBe(303)
  })
})

async function rowIdOf(email: string): Promise<number> {
  const row = await server.store.db.selectFrom('partners').select('id').where('program_id', '=', program.id).where('email_lower', '=', email.toLowerCase()).executeTakeFirstOrThrow()
  return Number(row.id)
}

describe('sign-in attempts', () => {
  it('after 10 wrong passwords for one account, the 11th attempt is refused (429) even with the right password, from any address; other accounts still sign in', async () => {
    const target = await partnerWithPassword(server, program.key)
    const other = await partnerWithPassword(server, program.key)
    let last: Visitor = browser()
    for (let i = 0; i < 10; i++) {
      // Each from another address, and the address written in other cases: it is one account.
      last = browser()
      const email = i % 2 ? target.email.toUpperCase() : ` ${target.email}`
      const res = await last.post(`${base}/sign-in`, { email, password: `Wrong${i}234` })
      expect(res.status, `attempt ${i + 1}`).toBe(401)
    }
    const fresh = browser()
    const refused = await fresh.post(`${base}/sign-in`, { email: target.email, password: target.password })
    expect(refused.status).toBe(429)
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0)
    expect(refused.headers['set-cookie']).toBeUndefined()
    expect(refused.headers['content-security-policy']).toContain("frame-ancestors 'none'")
    // The typed code is the same account's attempt too.
    expect((await browser().post(`${base}/sign-in/code/check`, { email: target.email, code: '123456' })).status).toBe(429)
    // The other account signs in, from the very address the attempts came from.
    const ok = await last.post(`${base}/sign-in`, { email: other.email, password: other.password })
    expect(ok.status).toBe(303)
    expect((await last.follow(ok)).status).toBe(200)
  })
})

describe('the session cookie', () => {
  const attributes = (line: string) => line.split(';').slice(1).map((a) => a.trim().toLowerCase())

  it('is HttpOnly, SameSite=Lax, Path=/, for no other domain; not Secure over plain http', async () => {
    const s = await partnerWithPassword(server, program.key)
    const v = browser()
    const res = await v.post(`${base}/sign-in`, { email: s.email, password: s.password })
    expect(res.status).toBe(303)
    const [line, ...more] = res.headers['set-cookie'] ?? []
    expect(more).toEqual([])
    expect(line).toMatch(new RegExp(`^pk_${program.publicId}=[A-Za-z0-9]{43};`))
    const attrs = attributes(line as string)
    expect(attrs).toEqual(expect.arrayContaining(['httponly', 'samesite=lax', 'path=/']))
    expect(attrs.some((a) => a.startsWith('domain='))).toBe(false)
    expect(attrs).not.toContain('secure')
  })

  it('over https is named __Host- and Secure; a cookie of the plain name does not count there', async () => {
    const https = { headers: { 'x-forwarded-proto': 'https' }, origin: server.url.replace(/^http:/, 'https:') }
    const s = await partnerWithPassword(server, program.key, { name: 'Tls Partner' })
    const v = browser(https)
    const res = await v.post(`${base}/sign-in`, { email: s.email, password: s.password })
    expect(res.status, res.text).toBe(303)
    const line = res.headers['set-cookie']?.[0] as string
    expect(line).toMatch(new RegExp(`^__Host-pk_${program.publicId}=[A-Za-z0-9]{43};`))
    const attrs = attributes(line)
    expect(attrs).toEqual(expect.arrayContaining(['httponly', 'samesite=lax', 'path=/', 'secure']))
    expect(attrs.some((a) => a.startsWith('domain='))).toBe(false)
    expect((await v.follow(res)).text).toContain('Welcome, Tls Partner')

    // The same value under the name a sibling subdomain (or plain http) could set: not a session here.
    const value = v.cookies.get(`__Host-pk_${program.publicId}`) as string
    const plain = browser(https)
    plain.cookies.set(cookieName(), value)
    expect((await plain.get(base)).status).toBe(303)

    await v.get(`${base}/profile`)
    const out = await v.post(`${base}/sign-out`)
    expect(out.status).toBe(303)
    const cleared = out.headers['set-cookie']?.[0] as string
    expect(cleared).toMatch(new RegExp(`^__Host-pk_${program.publicId}=;`))
    expect(attributes(cleared)).toEqual(expect.arrayContaining(['httponly', 'samesite=lax', 'path=/', 'secure', 'max-age=0']))
  })
})

describe('pages and redirects', () => {
  it('every portal page answers with a policy that allows no inline code and no framing, and has no inline code to allow', async () => {
    const s = await member()
    await earn(server, program.key, s.key, 80)
    await s.v.get(`${base}/links`)
    expect((await s.v.post(`${base}/links`, { key: `qr_${s.key}` })).status).toBe(303)
    const payout = await requestPayout(server, program.key, { partner: { key: s.key } })
    expect(gets().length).toBeGreaterThanOrEqual(PAGES_TODAY)
    const params = { number: String(payout.id), token: 'T'.repeat(43) }
    const addresses = gets().map((r) => addressOf(program.publicId, r.path, params))
    addresses.push(`${base}/links?page=https://shop.example.com/pricing`, `/portal/NOPE0000/sign-in`, `${base}/payouts/999999/statement`)
    let pages = 0
    for (const [who, v] of [['signed in', s.v], ['signed out', browser()]] as const) {
      for (const address of addresses) {
        const res = await landing(v, await v.get(address))
        if (!String(res.headers['content-type']).startsWith('text/html')) continue
        pages += 1
        const what = `${address} (${who}): ${res.status}`
        const policy = String(res.headers['content-security-policy'])
        expect(policy, what).toContain("frame-ancestors 'none'")
        expect(policy, what).toMatch(/(^|;\s*)default-src 'none'/)
        expect(policy, what).not.toMatch(/unsafe-inline|unsafe-eval|unsafe-hashes|\*/)
        expect(res.headers['x-content-type-options'], what).toBe('nosniff')
        // What the policy would block must not be needed: no inline script, style or handler.
        expect(res.text, what).not.toMatch(/<script(?![^>]*\ssrc=)[^>]*>/)
        expect(res.text, what).not.toMatch(/<style\b|\sstyle=/)
        expect(res.text, what).not.toMatch(/\son[a-z]+=/i)
      }
    }
    expect(pages).toBeGreaterThanOrEqual(PAGES_TODAY)
  })

  it('the sign-in\'s `next` leads only to a page of this portal, never to another site', async () => {
    const hostile = ['//evil.example', 'https://evil.example', '/\\evil.example', '\\\\evil.example', '/\\/evil.example', '///evil.example',
      '//evil', '/%2F%2Fevil.example', 'https:evil.example', 'javascript:alert(1)', '/.%2e/.%2e/evil', ' //evil.example']
    const origin = new URL(server.url).origin
    const cases: Array<[string, string]> = [...hostile.map((n): [string, string] => [n, `${base}/`]), ['/links', `${base}/links`], ['/payouts/7/statement', `${base}/payouts/7/statement`]]
    let partner = await partnerWithPassword(server, program.key)
    let used = 0
    for (const [next, expected] of cases) {
      // Two sign-ins per value; a partner signs in at most 8 times here (the limit is 10 an account).
      if (used >= 8) [partner, used] = [await partnerWithPassword(server, program.key), 0]
      used += 2
      const v = browser()
      const page = await v.get(`${base}/sign-in?next=${encodeURIComponent(next)}`)
      expect(page.status).toBe(200)
      // As the page's form sends it (a hidden field), and in the query of the post.
      const byField = await v.post(`${base}/sign-in`, { email: partner.email, password: partner.password, next })
      const byQuery = await browser().post(`${base}/sign-in?next=${encodeURIComponent(next)}`, { email: partner.email, password: partner.password })
      for (const res of [byField, byQuery]) {
        expect(res.status, next).toBe(303)
        expect(res.headers.location, `next=${next}`).toBe(expected)
        expect(new URL(res.headers.location as string, server.url).origin).toBe(origin)
      }
    }
    // A one-use link takes `next` too.
    const minted = await server.post('/v1/partners:sign-in-url', { key: program.key, body: { id: partner.partner.id } })
    const viaLink = await browser().get(`${new URL(minted.json.data.url).pathname}?next=${encodeURIComponent('//evil.example')}`)
    expect(viaLink.status).toBe(303)
    expect(viaLink.headers.location).toBe(`${base}/`)
  })
})

describe('password reset', () => {
  it('the link works once, and ends every other session of the partner', async () => {
    const s = await member({ name: 'Reset Partner' })
    const second = browser()
    await signIn(second, program.publicId, s.email, s.password)
    const g = browser()
    const asked = await g.post(`${base}/forgot-password`, { email: s.email })
    expect(asked.status).toBe(303)
    expect(asked.headers.location).toBe(`${base}/sign-in?notice=reset-sent`)
    const link = linkIn((await lastMail(s.email, 'password-reset')).text, 'reset-password')

    const h = browser()
    expect((await h.get(link)).status).toBe(200)
    // A password the rule refuses does not use the link up.
    expect((await h.post(link, { password: 'short' })).status).toBe(422)
    const done = await h.post(link, { password: 'Renewed123' })
    expect(done.status, done.text).toBe(303)
    expect((await h.follow(done)).text).toContain('Welcome, Reset Partner')
    for (const other of [s.v, second]) expect(await opens(cookieOf(other))).toBe(false)
    expect(await opens(cookieOf(h))).toBe(true)

    const again = await browser().post(link, { password: 'Another123' })
    expect(again.status).toBe(410)
    expect(again.text).toContain('used already')
    expect((await browser().post(`${base}/sign-in`, { email: s.email, password: s.password })).status).toBe(401)
    expect((await browser().post(`${base}/sign-in`, { email: s.email, password: 'Renewed123' })).status).toBe(303)
    expect((await browser().post(`${base}/sign-in`, { email: s.email, password: 'Another123' })).status).toBe(401)
  })

  it('a partner still signed in in the browser the link opens in can use it too (its form carries the session token)', async () => {
    const s = await member({ name: 'Signed In Resetter' })
    await s.v.post(`${base}/forgot-password`, { email: s.email })
    const link = linkIn((await lastMail(s.email, 'password-reset')).text, 'reset-password')
    const page = await s.v.get(link)
    expect(page.status).toBe(200)
    const form = postForms(page.text).find((f) => f.action === link)
    expect(form, 'the reset form').toBeDefined()
    // What the browser sends: that form's own fields, not the sign-out form's token.
    const done = await s.v.post(link, { ...form!.hidden, _csrf: form!.hidden._csrf ?? [], password: 'Renewed123' })
    expect(done.status, done.text.slice(0, 300)).toBe(303)
    expect((await browser().post(`${base}/sign-in`, { email: s.email, password: 'Renewed123' })).status).toBe(303)
  })

  it('an unknown address gets the very same answer as a partner\'s, on forgot-password and on asking for a sign-in code', async () => {
    const s = await partnerWithPassword(server, program.key)
    const unknown = `nobody-${Date.now()}@example.com`
    const mailsTo = async (to: string) => (await server.store.db.selectFrom('mails').select('id').where('to_address', '=', to).execute()).length
    for (const form of ['/forgot-password', '/sign-in/code']) {
      const known = await browser().post(`${base}${form}`, { email: s.email })
      const nobody = await browser().post(`${base}${form}`, { email: unknown })
      const shape = (res: Answer, email: string) => ({
        status: res.status, location: res.headers.location?.replace(encodeURIComponent(email), 'EMAIL'), body: res.text,
        cookie: res.headers['set-cookie'], type: res.headers['content-type'],
      })
      expect(shape(nobody, unknown), form).toEqual(shape(known, s.email))
      expect(known.status).toBe(303)
      // Only the partner's address got a mail.
      expect(await mailsTo(unknown)).toBe(0)
    }
    expect(await mailsTo(s.email)).toBe(2)
  })
})

describe('one-time codes', () => {
  it('five wrong codes end the code: the right one then fails too', async () => {
    const s = await partnerWithPassword(server, program.key)
    const v = browser()
    expect((await v.post(`${base}/sign-in/code`, { email: s.email })).status).toBe(303)
    const { code } = await signInMail(s.email)
    for (let i = 1; i <= 5; i++) {
      const res = await v.post(`${base}/sign-in/code/check`, { email: s.email, code: otherCode(code, i) })
      expect(res.status, `wrong code ${i}`).toBe(401)
      expect(res.headers['set-cookie']).toBeUndefined()
    }
    const right = await v.post(`${base}/sign-in/code/check`, { email: s.email, code })
    expect(right.status).toBe(401)
    expect(right.text).toContain('That code is not right, or it ran out')
    expect(right.headers['set-cookie']).toBeUndefined()
    expect((await v.get(base)).status).toBe(303)

    // A new code works (the limit was on that code, not on the partner).
    expect((await v.post(`${base}/sign-in/code`, { email: s.email })).status).toBe(303)
    const fresh = await signInMail(s.email)
    expect((await v.post(`${base}/sign-in/code/check`, { email: s.email, code: fresh.code })).status).toBe(303)
  })
})
