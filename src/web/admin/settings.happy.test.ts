// The settings pages over HTTP: the index, API keys (made and shown once, working on the API, then
// revoked and refused by it), the team (an invitation mail whose link signs the new member in with
// its role, a role changed, a member removed, the last owner kept) and the audit log, paged.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startServer, type TestServer } from '../../../test/support/server.js'
import { visitor } from '../../../test/support/portal.js'
import { auditOf, signedInMember } from '../../../test/support/admin-sign-in.js'
import { record } from '../../modules/users/audit.js'

let server: TestServer
beforeAll(async () => {
  server = await startServer()
})
afterAll(() => server.close())

const KEY = /<code>(pk_live_[A-Za-z0-9_-]{32})<\/code>/

async function mailsTo(to: string) {
  return server.store.db.selectFrom('mails').selectAll().where('to_address', '=', to).execute()
}


describe('the settings index', () => {
  it('links an owner to the team, the keys and the audit log; tells an admin the keys are the owners\'', async () => {
    const p = await server.program()
    const owner = await signedInMember(server, p.id, 'owner')
    const page = await owner.v.get('/admin/settings')
    expect(page.status, page.text).toBe(200)
    for (const href of ['/admin/settings/users', '/admin/settings/api-keys', '/admin/settings/audit']) expect(page.text).toContain(`href="${href}"`)
    expect((await owner.v.get('/admin')).text).toContain('href="/admin/settings"')
    const admin = await signedInMember(server, p.id, 'admin')
    const theirs = await admin.v.get('/admin/settings')
    expect(theirs.status).toBe(200)
    expect(theirs.text).not.toContain('href="/admin/settings/api-keys"')
    expect(theirs.text).toContain('only an owner of this program sees and manages them')
  })
})

describe('API keys', () => {
  it('are created and shown once, work on the API, are revoked and then refused, each audited without the secret', async () => {
    const p = await server.program()
    const { v, userId } = await signedInMember(server, p.id, 'owner')
    const list = await v.get('/admin/settings/api-keys')
    expect(list.status, list.text).toBe(200)
    expect(list.text).toContain(p.key.slice(0, 16))
    expect(list.text).not.toContain(p.key)

    const made = await v.post('/admin/settings/api-keys')
    expect(made.status, made.text).toBe(200)
    expect(made.headers['cache-control']).toBe('no-store')
    const key = KEY.exec(made.text)?.[1] as string
    expect(key).toBeTruthy()
    expect(made.text).toContain('It is shown only now.')
    expect((await server.get('/v1/program', { key })).status).toBe(200)

    const again = await v.get('/admin/settings/api-keys')
    expect(again.text).not.toContain(key)
    expect(again.text).toContain(`${key.slice(0, 16)}…`)
    const row = again.text.split('<tr').find((r) => r.includes(`${key.slice(0, 16)}…`)) as string
    const action = /action="(\/admin\/settings\/api-keys\/\d+\/revoke)"/.exec(row)?.[1]
    expect(action).toBeTruthy()
    const revoked = await v.post(action as string)
    expect(revoked.status, revoked.text).toBe(303)
    expect(revoked.headers.location).toBe('/admin/settings/api-keys?notice=key-revoked')
    const after = await v.follow(revoked)
    expect(after.text).toContain('The API key is revoked')
    expect(after.text).toContain('Revoked ')
    // At once: this server forgets the key owners it remembered for reads.
    expect((await server.get('/v1/program', { key })).status).toBe(401)
    // The program's first key still works: only the one revoked stops.
    expect((await server.get('/v1/program', { key: p.key })).status).toBe(200)

    const audit = (await auditOf(server, p.id)).filter((a) => a.objectType === 'api_key').reverse()
    expect(audit.map((a) => [a.action, a.objectId, a.userId])).toEqual([
      ['api_key.created', `${key.slice(0, 16)}…`, userId], ['api_key.revoked', `${key.slice(0, 16)}…`, userId],
    ])
    expect(JSON.stringify(audit)).not.toContain(key)
    const log = await v.get('/admin/settings/audit')
    expect(log.text).toContain('api_key.revoked')
    expect(log.text).not.toContain(key)
  })
})

describe('the team', () => {
  it('lists the members; an invitation mails a link that signs the new member in with its role', async () => {
    const p = await server.program({ name: 'Invite Shop' })
    const { v, userId } = await signedInMember(server, p.id, 'owner')
    const team = await v.get('/admin/settings/users')
    expect(team.status, team.text).toBe(200)
    expect(team.text).toContain('(you)')
    expect(team.text).toContain('owner')

    const email = `new.${Date.now()}@example.com`
    const invited = await v.post('/admin/settings/users', { email, role: 'admin' })
    expect(invited.status, invited.text).toBe(303)
    expect(invited.headers.location).toBe('/admin/settings/users?notice=member-invited')
    const listed = await v.follow(invited)
    expect(listed.text).toContain('The invitation is sent')
    expect(listed.text).toContain(email)

    const [mail] = await mailsTo(email)
    expect(mail).toMatchObject({ kind: 'admin-invitation', program_id: p.id })
    expect(mail!.subject).toContain('Invite Shop')
    expect(mail!.text).toMatch(/invited you to Invite Shop's partner program admin as admin/)
    expect(mail!.text).toContain('7 days')
    const link = /(http\S+\/admin\/sign-in\/\S+)/.exec(mail!.text)?.[1] as string
    expect(mail!.html).toContain(link)

    const guest = visitor(server)
    const opened = await guest.get(new URL(link).pathname)
    expect(opened.status, opened.text).toBe(303)
    expect((await guest.follow(opened)).status).toBe(200)
    // Signed in as an admin: the team page, no invitation form, no keys.
    const theirTeam = await guest.get('/admin/settings/users')
    expect(theirTeam.status).toBe(200)
    expect(theirTeam.text).toContain(`${email} (you)`)
    expect(theirTeam.text).not.toContain('Send the invitation')
    expect((await guest.get('/admin/settings/api-keys')).status).toBe(403)

    const again = await v.post('/admin/settings/users', { email: email.toUpperCase(), role: 'owner' })
    expect(again.status).toBe(422)
    expect(again.text).toContain('a member of this program already')
    const bad = await v.post('/admin/settings/users', { email: 'not an address', role: 'admin' })
    expect(bad.status).toBe(422)
    expect(bad.text).toContain('The email format is invalid.')
    expect(bad.text).toContain('value="not an address"')
    const badRole = await v.post('/admin/settings/users', { email: `r.${Date.now()}@example.com`, role: 'god' })
    expect(badRole.status).toBe(422)
    expect(badRole.text).toContain('The role must be owner, admin or viewer.')

    const added = (await auditOf(server, p.id)).filter((a) => a.action === 'user.added' && a.userId === userId)
    expect(added).toHaveLength(1)
  })

  it('changes a role, removes a member, and keeps the last owner with the service\'s words', async () => {
    const p = await server.program()
    const owner = await signedInMember(server, p.id, 'owner')
    const other = await signedInMember(server, p.id, 'viewer')

    const changed = await owner.v.post(`/admin/settings/users/${other.userId}/role`, { role: 'admin' })
    expect(changed.status, changed.text).toBe(303)
    expect(changed.headers.location).toBe('/admin/settings/users?notice=member-role-changed')
    // The changed role counts at the member's next page.
    expect((await other.v.get('/admin/settings/users')).status).toBe(200)
    expect((await other.v.post('/admin/settings/users', { email: 'x@example.com', role: 'viewer' })).status).toBe(403)

    const lastDemote = await owner.v.post(`/admin/settings/users/${owner.userId}/role`, { role: 'viewer' })
    expect(lastDemote.status).toBe(422)
    expect(lastDemote.text).toContain('A program needs an owner: make another user an owner before you demote this one.')
    const lastRemove = await owner.v.post(`/admin/settings/users/${owner.userId}/remove`)
    expect(lastRemove.status).toBe(422)
    expect(lastRemove.text).toContain('A program needs an owner: make another user an owner before you remove this one.')

    const removed = await owner.v.post(`/admin/settings/users/${other.userId}/remove`)
    expect(removed.status, removed.text).toBe(303)
    expect(removed.headers.location).toBe('/admin/settings/users?notice=member-removed')
    // Its session here ended with its membership.
    expect((await other.v.get('/admin/settings/users')).status).toBe(303)

    const audit = (await auditOf(server, p.id)).filter((a) => a.objectId === String(other.userId)).map((a) => [a.action, a.userId]).reverse()
    expect(audit).toEqual([['user.added', null], ['user.role_changed', owner.userId], ['user.removed', owner.userId]])
  })
})

describe('sending an invitation again', () => {
  it('mails the member a fresh sign-in link (the earlier one stops working), audited; a fourth within the hour is refused', async () => {
    const p = await server.program({ name: 'Resend Shop' })
    const { v, userId } = await signedInMember(server, p.id, 'owner')
    const email = `again.${Date.now()}@example.com`
    await v.get('/admin/settings/users')
    expect((await v.post('/admin/settings/users', { email, role: 'viewer' })).status).toBe(303)
    const [first] = await mailsTo(email)
    const member = await server.store.db.selectFrom('users').select('id').where('email', '=', email).executeTakeFirstOrThrow()
    const team = await v.get('/admin/settings/users')
    expect(team.text).toContain(`action="/admin/settings/users/${member.id}/invitation"`)
    expect(team.text).toContain(`Resend the invitation to ${email}`)
    // None to oneself.
    expect(team.text).not.toContain(`action="/admin/settings/users/${userId}/invitation"`)

    const again = await v.post(`/admin/settings/users/${member.id}/invitation`)
    expect(again.status, again.text).toBe(303)
    expect(again.headers.location).toBe('/admin/settings/users?notice=invitation-resent')
    expect((await v.follow(again)).text).toContain('The invitation is sent again')
    const mails = await mailsTo(email)
    expect(mails).toHaveLength(2)
    const second = mails.find((m) => m.id !== first!.id)!
    expect(second).toMatchObject({ kind: 'admin-invitation', program_id: p.id })
    expect(second.text).toMatch(/invited you to Resend Shop's partner program admin as viewer/)
    const linkOf = (text: string) => new URL(/(http\S+\/admin\/sign-in\/\S+)/.exec(text)?.[1] as string).pathname
    expect(linkOf(second.text)).not.toBe(linkOf(first!.text))
    expect((await visitor(server).get(linkOf(first!.text))).status).toBe(410)
    const guest = visitor(server)
    const opened = await guest.get(linkOf(second.text))
    expect(opened.status, opened.text).toBe(303)
    expect((await guest.follow(opened)).text).toContain(email)

    const audit = (await auditOf(server, p.id)).filter((a) => a.action === 'user.invitation_resent')
    expect(audit.map((a) => [a.userId, a.objectId, a.detail])).toEqual([[userId, String(member.id), { email, role: 'viewer' }]])

    for (let i = 0; i < 2; i++) expect((await v.post(`/admin/settings/users/${member.id}/invitation`)).status).toBe(303)
    const spam = await v.post(`/admin/settings/users/${member.id}/invitation`)
    expect(spam.status).toBe(429)
    expect(spam.text).toContain('Too many attempts')
    expect(await mailsTo(email)).toHaveLength(4)
    expect((await auditOf(server, p.id)).filter((a) => a.action === 'user.invitation_resent')).toHaveLength(3)
  })
})

describe('the audit log', () => {
  it('lists the entries newest first with who did them, and pages with the cursor', async () => {
    const p = await server.program()
    const { v } = await signedInMember(server, p.id, 'viewer')
    for (let i = 0; i < 55; i++) await record(server.store.db, { programId: p.id, userId: null, action: 'partner.approved', objectType: 'partner', objectId: `prt_${i}` })
    const first = await v.get('/admin/settings/audit')
    expect(first.status, first.text).toBe(200)
    expect(first.text).toContain('command line')
    expect(first.text).toContain('partner prt_54')
    expect(first.text.indexOf('partner prt_54')).toBeLessThan(first.text.indexOf('partner prt_53'))
    expect(first.text).not.toContain('partner prt_4<')
    const older = /href="(\/admin\/settings\/audit\?before=\d+)"/.exec(first.text)?.[1] as string
    expect(older).toBeTruthy()
    const second = await v.get(older)
    expect(second.status).toBe(200)
    expect(second.text).toContain('partner prt_4<')
    expect(second.text).toContain('user.added')
    expect(second.text).not.toContain('partner prt_54')
    expect((await v.get('/admin/settings/audit?before=nonsense')).status).toBe(200)
  })
})
