// A merchant user's own password and sessions over HTTP: a forgotten password mailed as a one-time
// link whose new password signs the user in and ends its other sessions; the account page, where a
// user sets, then changes, its password (the current one asked) and signs out everywhere; each
// password change audited as user.password_changed in every program the user belongs to.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startServer, type TestServer } from '../../../test/support/server.js'
import { visitor, type Visitor } from '../../../test/support/portal.js'
import { auditOf, signedInMember } from '../../../test/support/admin-sign-in.js'
import { addMember } from '../../modules/users/service.js'
import { mintSignInUrl } from '../../modules/users/sign-in.js'

let server: TestServer
beforeAll(async () => {
  server = await startServer()
})
afterAll(() => server.close())

let n = 0
const address = (who: string) => `${who}.${++n}.${Date.now()}@example.com`

/** Another browser signed in as the user, through a one-time link. */
async function browserOf(userId: number, programId: number): Promise<Visitor> {
  const v = visitor(server)
  const { url } = await mintSignInUrl(server.store.db, userId, programId, server.url)
  expect((await v.get(new URL(url).pathname)).status).toBe(303)
  return v
}

async function resetMailTo(email: string) {
  return server.store.db.selectFrom('mails').selectAll().where('to_address', '=', email).where('kind', '=', 'admin-password-reset').execute()
}

async function signsIn(email: string, password: string): Promise<boolean> {
  const v = visitor(server)
  await v.get('/admin/sign-in')
  return (await v.post('/admin/sign-in', { email, password })).status === 303
}

const passwordEntries = async (programId: number, userId: number) =>
  (await auditOf(server, programId)).filter((a) => a.action === 'user.password_changed' && a.objectId === String(userId))

describe('a forgotten password', () => {
  it('is mailed as a one-hour link; the new password signs the user in, ends its other sessions and is audited in each of its programs', async () => {
    const [a, b] = [await server.program({ name: 'First Shop' }), await server.program({ name: 'Second Shop' })]
    const email = address('forgot')
    const { user } = await addMember(server.store.db, a.id, { email, role: 'admin' }, null)
    await addMember(server.store.db, b.id, { email, role: 'viewer' }, null)
    const elsewhere = await browserOf(user.id, a.id)

    const guest = visitor(server)
    expect((await guest.get('/admin/sign-in')).text).toContain('href="/admin/password/forgot"')
    const form = await guest.get('/admin/password/forgot')
    expect(form.status).toBe(200)
    expect(form.text).toContain('Forgot your password?')
    const asked = await guest.post('/admin/password/forgot', { email: email.toUpperCase() })
    expect(asked.status, asked.text).toBe(303)
    expect(asked.headers.location).toBe('/admin/sign-in?notice=reset-sent')
    expect((await guest.follow(asked)).text).toContain('a link to choose a new password is on its way')

    const [mail] = await resetMailTo(email)
    expect(mail).toMatchObject({ kind: 'admin-password-reset', program_id: null })
    expect(mail!.text).toContain('First Shop, Second Shop')
    expect(mail!.text).toContain('60 minutes')
    const link = /(http\S+\/admin\/password\/[A-Za-z0-9_-]{43})/.exec(mail!.text)?.[1] as string
    expect(link).toBeTruthy()
    expect(mail!.html).toContain(link)

    const path = new URL(link).pathname
    const page = await guest.get(path)
    expect(page.status, page.text).toBe(200)
    expect(page.text).toContain(`action="${path}"`)
    const differ = await guest.post(path, { password: 'Secret123', repeat: 'Secret124' })
    expect(differ.status).toBe(422)
    expect(differ.text).toContain('The two passwords are not the same.')
    const weak = await guest.post(path, { password: 'secret', repeat: 'secret' })
    expect(weak.status).toBe(422)
    expect(weak.text).toContain('at least 8 characters')
    // Neither used the link up.
    const chosen = await guest.post(path, { password: 'Secret123', repeat: 'Secret123' })
    expect(chosen.status, chosen.text).toBe(303)
    expect(chosen.headers.location).toBe('/admin?notice=password-chosen')
    const home = await guest.follow(chosen)
    expect(home.status).toBe(200)
    expect(home.text).toContain('Your new password is saved, and you are signed in.')
    expect(home.text).toContain('<h1>First Shop</h1>')

    expect((await elsewhere.get('/admin')).status).toBe(303)
    expect(await signsIn(email, 'Secret123')).toBe(true)
    for (const p of [a, b]) {
      const entries = await passwordEntries(p.id, user.id)
      expect(entries.map((e) => [e.userId, e.detail]), `program ${p.id}`).toEqual([[user.id, { how: 'reset link' }]])
    }
  })
})

describe('the account page', () => {
  it('shows the user, its programs and roles, and is linked from every page\'s header', async () => {
    const [a, b] = [await server.program({ name: 'Shop One' }), await server.program({ name: 'Shop Two' })]
    const { v, userId } = await signedInMember(server, a.id, 'admin')
    const { email } = (await server.store.db.selectFrom('users').select('email').where('id', '=', userId).executeTakeFirstOrThrow())
    await addMember(server.store.db, b.id, { email, role: 'viewer' }, null)
    for (const path of ['/admin', '/admin/partners', '/admin/settings/users']) {
      expect((await v.get(path)).text, path).toContain('<a class="account" href="/admin/account">Account</a>')
    }
    const page = await v.get('/admin/account')
    expect(page.status, page.text).toBe(200)
    expect(page.text).toContain(email)
    expect(page.text).toContain(`Shop One (${a.publicId})`)
    expect(page.text).toContain(`Shop Two (${b.publicId})`)
    expect(page.text).toMatch(/<td>admin<\/td>[\s\S]*<td>viewer<\/td>|<td>viewer<\/td>[\s\S]*<td>admin<\/td>/)
    expect(page.text).toContain('aria-current="page"')
    // No password yet: setting one asks for no current one.
    expect(page.text).toContain('Set a password')
    expect(page.text).not.toContain('name="current"')
  })

  it('sets a password, then changes it with the current one; other sessions end, this one goes on; each audited', async () => {
    const p = await server.program()
    const { v, userId } = await signedInMember(server, p.id, 'viewer')
    const { email } = (await server.store.db.selectFrom('users').select('email').where('id', '=', userId).executeTakeFirstOrThrow())
    const other = await browserOf(userId, p.id)
    await v.get('/admin/account')

    const set = await v.post('/admin/account/password', { password: 'First123', repeat: 'First123' })
    expect(set.status, set.text).toBe(303)
    expect(set.headers.location).toBe('/admin/account?notice=password-set')
    const after = await v.follow(set)
    expect(after.status).toBe(200)
    expect(after.text).toContain('Your password is set')
    expect(after.text).toContain('Change your password')
    expect(after.text).toContain('name="current"')
    expect((await other.get('/admin')).status).toBe(303)
    expect(await signsIn(email, 'First123')).toBe(true)

    const wrong = await v.post('/admin/account/password', { current: 'Wrong123', password: 'Second123', repeat: 'Second123' })
    expect(wrong.status).toBe(422)
    expect(wrong.text).toContain('The current password is not right.')
    const changed = await v.post('/admin/account/password', { current: 'First123', password: 'Second123', repeat: 'Second123' })
    expect(changed.status, changed.text).toBe(303)
    expect(changed.headers.location).toBe('/admin/account?notice=password-changed')
    expect((await v.follow(changed)).text).toContain('Your password is changed.')
    expect(await signsIn(email, 'First123')).toBe(false)
    expect(await signsIn(email, 'Second123')).toBe(true)

    const entries = await passwordEntries(p.id, userId)
    expect(entries.map((e) => [e.userId, e.detail]).reverse()).toEqual([[userId, { how: 'set' }], [userId, { how: 'changed' }]])
  })

  it('signs the user out everywhere: every session of its ends, nobody else\'s', async () => {
    const p = await server.program()
    const { v, userId } = await signedInMember(server, p.id, 'viewer')
    const other = await browserOf(userId, p.id)
    const colleague = await signedInMember(server, p.id, 'owner')
    await v.get('/admin/account')
    const out = await v.post('/admin/account/sign-out-everywhere')
    expect(out.status, out.text).toBe(303)
    expect(out.headers.location).toBe('/admin/sign-in?notice=signed-out-everywhere')
    expect((await v.follow(out)).text).toContain('You are signed out everywhere')
    expect((await v.get('/admin')).status).toBe(303)
    expect((await other.get('/admin')).status).toBe(303)
    expect((await colleague.v.get('/admin')).status).toBe(200)
  })
})
