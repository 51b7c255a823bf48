// Signing in to the admin over HTTP, as a browser without script would: the one-time link, the
// password form, the first page, switching programs, signing out.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startServer, type TestServer } from '../../../test/support/server.js'
import { visitor, type Visitor } from '../../../test/support/portal.js'
import { addMember } from '../../modules/users/service.js'
import { mintLink, mintSignInUrl } from '../../modules/users/sign-in.js'
import { choosePassword } from '../../modules/users/sign-in.js'

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

async function linkFor(userId: number, programId: number) {
  return new URL((await mintSignInUrl(server.store.db, userId, programId, server.url)).url).pathname
}

async function signedIn(v: Visitor, userId: number, programId: number) {
  const answer = await v.get(await linkFor(userId, programId))
  expect(answer.status, answer.text).toBe(303)
  return v.follow(answer)
}

describe('the one-time link', () => {
  it('signs the user in once, to the program it was made for, with an HttpOnly cookie', async () => {
    const p = await server.program({ name: 'Acme Shop' })
    const email = address('olivia')
    const user = await member(p.id, email)
    const path = await linkFor(user.id, p.id)
    const v = visitor(server)
    const first = await v.get(path)
    expect(first.status).toBe(303)
    expect(first.headers.location).toBe('/admin')
    expect(first.headers['set-cookie']?.[0]).toMatch(/^pk_admin=[A-Za-z0-9]{43}; Path=\/; HttpOnly; SameSite=Lax/)
    const home = await v.follow(first)
    expect(home.status).toBe(200)
    expect(home.text).toContain(`Signed in as <strong>${email}</strong>`)
    expect(home.text).toContain('Acme Shop')
    expect(home.text).toContain('your role here: <strong>owner</strong>')
    // Only one program: no switch offered.
    expect(home.text).not.toContain('action="/admin/switch"')

    const again = await visitor(server).get(path)
    expect(again.status).toBe(410)
    expect(again.text).toContain('used already')
  })

  it('answers 410 for a replaced or run-out link, 404 for one never made', async () => {
    const p = await server.program()
    const user = await member(p.id, address('stale'))
    const older = await linkFor(user.id, p.id)
    await linkFor(user.id, p.id)
    const replaced = await visitor(server).get(older)
    expect(replaced.status).toBe(410)
    expect(replaced.text).toContain('newer link replaced')
    const short = await mintLink(server.store.db, user.id, 'link', { programId: p.id, ttlMs: 1 })
    await new Promise((resolve) => setTimeout(resolve, 5))
    const expired = await visitor(server).get(`/admin/sign-in/${short.token}`)
    expect(expired.status).toBe(410)
    expect(expired.text).toContain('ran out')
    expect((await visitor(server).get(`/admin/sign-in/${'x'.repeat(43)}`)).status).toBe(404)
  })
})

describe('the password form', () => {
  it('signs in by any case of the address, and says no to a wrong password on the form', async () => {
    const p = await server.program({ name: 'Password Shop' })
    const email = address('pw')
    const user = await member(p.id, email, 'admin')
    const reset = await mintLink(server.store.db, user.id, 'reset')
    await choosePassword(server.store.db, reset.token, 'Secret123')

    const v = visitor(server)
    expect((await v.get('/admin')).headers.location).toBe('/admin/sign-in?next=%2Fadmin')
    const form = await v.get('/admin/sign-in?next=%2Fadmin')
    expect(form.status).toBe(200)
    expect(form.text).toContain('name="next" value="/admin"')
    const wrong = await v.post('/admin/sign-in', { email, password: 'Secret124' })
    expect(wrong.status).toBe(401)
    expect(wrong.text).toContain('The email or password is not right.')
    expect(wrong.text).toContain(`value="${email}"`)
    const right = await v.post('/admin/sign-in', { email: email.toUpperCase(), password: 'Secret123', next: '/admin' })
    expect(right.status).toBe(303)
    expect(right.headers.location).toBe('/admin')
    const home = await v.follow(right)
    expect(home.text).toContain('your role here: <strong>admin</strong>')
    // Signed in, the sign-in page leads to the admin.
    expect((await v.get('/admin/sign-in')).headers.location).toBe('/admin')
  })

  it('never sends the browser to another site after signing in', async () => {
    const p = await server.program()
    const email = address('next')
    const user = await member(p.id, email)
    await choosePassword(server.store.db, (await mintLink(server.store.db, user.id, 'reset')).token, 'Secret123')
    for (const next of ['//evil.example', 'https://evil.example/admin', '/admin/../portal', '/admin?x=//evil.example']) {
      const v = visitor(server)
      await v.get('/admin/sign-in')
      const answer = await v.post('/admin/sign-in', { email, password: 'Secret123', next })
      expect(answer.headers.location, next).toBe('/admin')
    }
  })
})

describe('a user of several programs', () => {
  it('switches among them and the page follows', async () => {
    const [a, b] = [await server.program({ name: 'First Shop' }), await server.program({ name: 'Second Shop' })]
    const email = address('many')
    const user = await member(a.id, email)
    await member(b.id, email, 'viewer')
    const v = visitor(server)
    const home = await signedIn(v, user.id, a.id)
    expect(home.text).toContain('action="/admin/switch"')
    expect(home.text).toContain(`Second Shop (${b.publicId}), viewer`)
    const switched = await v.post('/admin/switch', { program: b.publicId })
    expect(switched.status).toBe(303)
    const there = await v.follow(switched)
    expect(there.text).toContain('You are now working on this program.')
    expect(there.text).toContain('<h1>Second Shop</h1>')
    expect(there.text).toContain('your role here: <strong>viewer</strong>')
  })
})

describe('signing out', () => {
  it('ends the session: the old cookie opens nothing', async () => {
    const p = await server.program()
    const user = await member(p.id, address('out'))
    const v = visitor(server)
    await signedIn(v, user.id, p.id)
    const cookie = v.cookies.get('pk_admin') as string
    const out = await v.post('/admin/sign-out')
    expect(out.status).toBe(303)
    expect(out.headers.location).toBe('/admin/sign-in?notice=signed-out')
    expect(out.headers['set-cookie']?.[0]).toMatch(/^pk_admin=; .*Max-Age=0/)
    expect((await v.follow(out)).text).toContain('You are signed out.')
    const replay = visitor(server)
    replay.cookies.set('pk_admin', cookie)
    expect((await replay.get('/admin')).status).toBe(303)
  })
})
