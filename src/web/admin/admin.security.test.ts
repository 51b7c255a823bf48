// What the admin refuses: a session id planted before sign-in, posts from another site or without
// the session's token, a user reaching a program it is not a member of, a session of a user who
// left the program.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startServer, type TestServer } from '../../../test/support/server.js'
import { visitor, type Visitor } from '../../../test/support/portal.js'
import { addMember, removeMember } from '../../modules/users/service.js'
import { mintSignInUrl } from '../../modules/users/sign-in.js'

let server: TestServer
beforeAll(async () => {
  server = await startServer()
})
afterAll(() => server.close())

let n = 0
const address = (who: string) => `${who}.${++n}@example.com`

async function member(programId: number, email: string, role?: string) {
  return (await addMember(server.store.db, programId, { email, role }, null)).user
}

async function signIn(v: Visitor, userId: number, programId: number) {
  const { url } = await mintSignInUrl(server.store.db, userId, programId, server.url)
  const answer = await v.get(new URL(url).pathname)
  expect(answer.status, answer.text).toBe(303)
  return v.follow(answer)
}

describe('session fixation', () => {
  it('gives a new session id at sign-in and ends the one the browser had', async () => {
    const p = await server.program()
    const [mallory, victim] = [await member(p.id, address('mallory')), await member(p.id, address('victim'))]
    const attacker = visitor(server)
    await signIn(attacker, mallory.id, p.id)
    const planted = attacker.cookies.get('pk_admin') as string

    const browser = visitor(server)
    browser.cookies.set('pk_admin', planted)
    const home = await signIn(browser, victim.id, p.id)
    expect(home.text).toContain(victim.email)
    expect(browser.cookies.get('pk_admin')).not.toBe(planted)
    // The planted id signs nobody in any more.
    expect((await attacker.get('/admin')).status).toBe(303)
  })

  it('ignores a made-up session id', async () => {
    const v = visitor(server)
    v.cookies.set('pk_admin', 'A'.repeat(43))
    const answer = await v.get('/admin')
    expect(answer.status).toBe(303)
    expect(answer.headers.location).toMatch(/^\/admin\/sign-in/)
  })
})

describe('cross-site posts', () => {
  it('are refused, and so is a post without the session token; nothing changes', async () => {
    const [a, b] = [await server.program({ name: 'Home Shop' }), await server.program({ name: 'Other Shop' })]
    const email = address('csrf')
    const user = await member(a.id, email)
    await member(b.id, email)
    const v = visitor(server)
    await signIn(v, user.id, a.id)
    const token = v.csrf() as string
    const refusals: Array<[Record<string, string>, Record<string, string>]> = [
      [{ program: b.publicId, _csrf: token }, { origin: 'https://evil.example', 'sec-fetch-site': 'cross-site' }],
      // A sibling subdomain is another site here.
      [{ program: b.publicId, _csrf: token }, { 'sec-fetch-site': 'same-site' }],
      [{ program: b.publicId, _csrf: token }, { origin: 'http://evil.example' }],
      [{ program: b.publicId, _csrf: '' }, {}],
      [{ program: b.publicId, _csrf: 'x'.repeat(token.length) }, {}],
    ]
    for (const [fields, headers] of refusals) {
      const answer = await v.post('/admin/switch', fields, headers)
      expect(answer.status, JSON.stringify(headers)).toBe(403)
    }
    expect((await v.get('/admin')).text).toContain('<h1>Home Shop</h1>')
    const signOut = await v.post('/admin/sign-out', {}, { origin: 'https://evil.example' })
    expect(signOut.status).toBe(403)
    expect((await v.get('/admin')).status).toBe(200)
  })

  it('cannot sign a browser in from another site', async () => {
    const v = visitor(server)
    const answer = await v.post('/admin/sign-in', { email: 'a@example.com', password: 'Secret123' }, { origin: 'https://evil.example', 'sec-fetch-site': 'cross-site' })
    expect(answer.status).toBe(403)
    expect(answer.headers['set-cookie']).toBeUndefined()
  })
})

describe('programs the user is not a member of', () => {
  it('cannot be switched to: 404, as if it did not exist, and the session stays where it was', async () => {
    const [a, b] = [await server.program({ name: 'Mine' }), await server.program({ name: 'Theirs' })]
    const user = await member(a.id, address('a-only'))
    await member(b.id, address('b-owner'))
    const v = visitor(server)
    const home = await signIn(v, user.id, a.id)
    expect(home.text).not.toContain('Theirs')
    // The token of the page the form was on (an error page carries none).
    const _csrf = v.csrf() as string
    for (const program of [b.publicId, b.publicId.toLowerCase(), String(b.id), 'NOPE0000']) {
      const answer = await v.post('/admin/switch', { program, _csrf })
      expect(answer.status, program).toBe(404)
      expect(answer.text).not.toContain('Theirs')
    }
    expect((await v.get('/admin')).text).toContain('<h1>Mine</h1>')
  })

  it('include one the user was removed from: its session there ends', async () => {
    const p = await server.program()
    await member(p.id, address('stays'))
    const leaver = await member(p.id, address('leaves'), 'admin')
    const v = visitor(server)
    await signIn(v, leaver.id, p.id)
    await removeMember(server.store.db, p.id, leaver.id, null)
    const answer = await v.get('/admin')
    expect(answer.status).toBe(303)
    expect(answer.headers.location).toMatch(/^\/admin\/sign-in/)
  })
})

describe('pages', () => {
  it('carry the pages\' security headers and render names as text', async () => {
    const p = await server.program({ name: '<script>alert(1)</script>' })
    const user = await member(p.id, address('headers'), 'viewer')
    const v = visitor(server)
    const home = await signIn(v, user.id, p.id)
    expect(home.headers['content-security-policy']).toContain("script-src 'self'")
    expect(home.headers['cache-control']).toBe('no-store')
    expect(home.text).not.toContain('<script>alert(1)</script>')
    expect(home.text).toContain('&lt;script>alert(1)&lt;/script>')
  })
})
