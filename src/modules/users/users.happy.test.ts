// Merchant users through the module's own functions, on a real store (both dialects): the team of
// a program, one-time links, passwords, sessions and the audit log they leave.
import { describe, expect, it } from 'vitest'
import { storeForThisFile } from '../../../test/support/store.js'
import { createProgram } from '../api-keys/service.js'
import { auditTrail } from './audit.js'
import { may, ROLES, type Action } from './roles.js'
import { addMember, changeRole, membersOf, programsOf, removeMember, userByEmail } from './service.js'
import {
  choosePassword, closeEverySession, closeSession, mintLink, mintSignInUrl, openSession, redeemLink, sessionOf, signInWithPassword, switchProgram,
} from './sign-in.js'

const store = storeForThisFile()
const db = () => store().db
let n = 0
const program = async (name = 'Acme') => (await createProgram(db(), { name: `${name} ${++n}`, type: 'affiliate' })).program
const address = (who: string) => `${who}.${++n}@example.com`

describe('the roles table', () => {
  it('lets a viewer read, an admin change all but users and keys, an owner everything', () => {
    const actions: Action[] = ['read', 'change', 'manage-users', 'manage-keys']
    const table = Object.fromEntries(ROLES.map((role) => [role, actions.filter((a) => may(role, a))]))
    expect(table).toEqual({
      owner: ['read', 'change', 'manage-users', 'manage-keys'],
      admin: ['read', 'change'],
      viewer: ['read'],
    })
  })
})

describe('a program team', () => {
  it('adds a new user as owner by default, and the same person (any case of its address) to another program', async () => {
    const [a, b] = [await program(), await program()]
    const email = address('Olivia')
    const first = await addMember(db(), a.id, { email }, null)
    expect(first).toMatchObject({ added: true, role: 'owner', user: { email, name: '', hasPassword: false } })
    const second = await addMember(db(), b.id, { email: `  ${email.toUpperCase()} `, role: 'viewer' }, null)
    expect(second).toMatchObject({ added: true, role: 'viewer' })
    expect(second.user.id).toBe(first.user.id)
    expect(second.user.email).toBe(email)
    expect((await userByEmail(db(), email.toUpperCase()))?.id).toBe(first.user.id)
    expect(await programsOf(db(), first.user.id)).toEqual(expect.arrayContaining([
      { programId: a.id, publicId: a.publicId, name: a.name, role: 'owner' },
      { programId: b.id, publicId: b.publicId, name: b.name, role: 'viewer' },
    ]))
  })

  it('lists the users of a program with their roles, in the order they joined', async () => {
    const p = await program()
    const [owner, admin, viewer] = [address('owner'), address('admin'), address('viewer')]
    await addMember(db(), p.id, { email: owner }, null, 1000)
    await addMember(db(), p.id, { email: admin, role: 'admin' }, null, 2000)
    await addMember(db(), p.id, { email: viewer, role: 'viewer' }, null, 3000)
    const members = await membersOf(db(), p.id)
    expect(members.map((m) => [m.user.email, m.role, m.since])).toEqual([[owner, 'owner', 1000], [admin, 'admin', 2000], [viewer, 'viewer', 3000]])
    expect(await membersOf(db(), (await program()).id)).toEqual([])
  })

  it('keeps an existing member\'s role when added again without one, and changes it when one is given', async () => {
    const p = await program()
    const email = address('again')
    await addMember(db(), p.id, { email }, null)
    await addMember(db(), p.id, { email: address('other-owner') }, null)
    expect(await addMember(db(), p.id, { email }, null)).toMatchObject({ added: false, role: 'owner' })
    expect(await addMember(db(), p.id, { email, role: 'admin' }, null)).toMatchObject({ added: false, role: 'admin' })
    expect((await membersOf(db(), p.id)).find((m) => m.user.email === email)?.role).toBe('admin')
  })

  it('changes a role and removes a user, each recorded in the audit log with who did it', async () => {
    const p = await program()
    const boss = await addMember(db(), p.id, { email: address('boss') }, null)
    const by = { userId: boss.user.id, role: 'owner' as const }
    const pat = await addMember(db(), p.id, { email: address('pat'), role: 'viewer' }, by)
    expect((await changeRole(db(), p.id, pat.user.id, 'admin', by)).role).toBe('admin')
    await removeMember(db(), p.id, pat.user.id, by)
    expect((await membersOf(db(), p.id)).map((m) => m.user.id)).toEqual([boss.user.id])

    const { entries } = await auditTrail(db(), p.id)
    expect(entries.map((e) => [e.action, e.userId, e.userEmail, e.objectType, e.objectId, e.detail])).toEqual([
      ['user.removed', boss.user.id, boss.user.email, 'user', String(pat.user.id), { email: pat.user.email, role: 'admin' }],
      ['user.role_changed', boss.user.id, boss.user.email, 'user', String(pat.user.id), { email: pat.user.email, from: 'viewer', to: 'admin' }],
      ['user.added', boss.user.id, boss.user.email, 'user', String(pat.user.id), { email: pat.user.email, role: 'viewer' }],
      ['user.added', null, null, 'user', String(boss.user.id), { email: boss.user.email, role: 'owner' }],
    ])
  })

  it('pages through the audit log newest first', async () => {
    const p = await program()
    for (let i = 0; i < 5; i++) await addMember(db(), p.id, { email: address(`page${i}`), role: 'viewer' }, null)
    const first = await auditTrail(db(), p.id, { limit: 2 })
    const second = await auditTrail(db(), p.id, { limit: 2, before: first.next })
    const third = await auditTrail(db(), p.id, { limit: 2, before: second.next })
    const ids = [...first.entries, ...second.entries, ...third.entries].map((e) => e.id)
    expect(ids).toHaveLength(5)
    expect([...ids].sort((x, y) => y - x)).toEqual(ids)
    expect(third.next).toBeUndefined()
    expect((await auditTrail(db(), (await program()).id)).entries).toEqual([])
  })
})

describe('one-time sign-in links', () => {
  it('sign the user in once, in the program the link was made for', async () => {
    const [a, b] = [await program(), await program()]
    const email = address('linked')
    const { user } = await addMember(db(), a.id, { email }, null)
    await addMember(db(), b.id, { email, role: 'admin' }, null)
    const before = Date.now()
    const { url, expiresAt } = await mintSignInUrl(db(), user.id, b.id, 'http://admin.example')
    expect(url).toMatch(/^http:\/\/admin\.example\/admin\/sign-in\/[A-Za-z0-9]{43}$/)
    expect(expiresAt - before).toBeGreaterThanOrEqual(15 * 60_000)
    expect(expiresAt - before).toBeLessThan(15 * 60_000 + 5_000)
    const token = url.split('/').pop() as string
    expect(await redeemLink(db(), 'link', token)).toMatchObject({ user: { id: user.id, email }, programId: b.id })
    await expect(redeemLink(db(), 'link', token)).rejects.toMatchObject({ kind: 'gone', code: 'link_used' })
  })

  it('are replaced by a newer link, run out, and are never someone else\'s', async () => {
    const p = await program()
    const { user } = await addMember(db(), p.id, { email: address('replaced') }, null)
    const older = await mintLink(db(), user.id, 'link', { programId: p.id })
    const newer = await mintLink(db(), user.id, 'link', { programId: p.id })
    await expect(redeemLink(db(), 'link', older.token)).rejects.toMatchObject({ kind: 'gone', code: 'link_replaced' })
    const short = await mintLink(db(), user.id, 'link', { ttlMs: 1000 }, 1_000)
    await expect(redeemLink(db(), 'link', short.token, 2_000)).rejects.toMatchObject({ kind: 'gone', code: 'link_expired' })
    await expect(redeemLink(db(), 'link', newer.token)).rejects.toMatchObject({ kind: 'gone', code: 'link_replaced' })
    await expect(redeemLink(db(), 'link', 'x'.repeat(43))).rejects.toMatchObject({ kind: 'not_found' })
    // A reset link is no sign-in link.
    const reset = await mintLink(db(), user.id, 'reset')
    await expect(redeemLink(db(), 'link', reset.token)).rejects.toMatchObject({ kind: 'not_found' })
  })
})

describe('passwords', () => {
  it('are chosen through a reset link, and sign in by any case of the address', async () => {
    const p = await program()
    const email = address('Pw')
    const { user } = await addMember(db(), p.id, { email }, null)
    await expect(signInWithPassword(db(), email, 'Secret123')).rejects.toMatchObject({ kind: 'unauthorized', code: 'sign_in_failed' })
    const session = await openSession(db(), user.id, p.id)
    const { token } = await mintLink(db(), user.id, 'reset')
    await expect(choosePassword(db(), token, 'weak')).rejects.toMatchObject({ kind: 'invalid', errors: { password: [expect.any(String)] } })
    expect((await choosePassword(db(), token, 'Secret123')).user.hasPassword).toBe(true)
    // Choosing a password ends the sessions that were open.
    expect(await sessionOf(db(), session.cookie)).toBeUndefined()
    expect(await signInWithPassword(db(), email.toUpperCase(), 'Secret123')).toMatchObject({ user: { id: user.id }, programId: p.id })
    await expect(signInWithPassword(db(), email, 'Secret1234')).rejects.toMatchObject({ kind: 'unauthorized', code: 'sign_in_failed' })
    await expect(signInWithPassword(db(), address('nobody'), 'Secret123')).rejects.toMatchObject({ kind: 'unauthorized', code: 'sign_in_failed' })
  })
})

describe('sessions', () => {
  it('read the user with its program and role, switch among its programs, and close', async () => {
    const [a, b, stranger] = [await program('A'), await program('B'), await program('C')]
    const email = address('sessions')
    const { user } = await addMember(db(), a.id, { email, role: 'viewer' }, null)
    await addMember(db(), b.id, { email, role: 'admin' }, null)
    const { cookie, csrf } = await openSession(db(), user.id, a.id)
    expect(await sessionOf(db(), cookie)).toMatchObject({ user: { id: user.id, email }, program: { id: a.id, name: a.name }, role: 'viewer', csrf })
    expect(await switchProgram(db(), cookie, b.publicId.toLowerCase())).toMatchObject({ program: { id: b.id }, role: 'admin', csrf })
    expect(await sessionOf(db(), cookie)).toMatchObject({ program: { id: b.id }, role: 'admin' })
    await expect(switchProgram(db(), cookie, stranger.publicId)).rejects.toMatchObject({ kind: 'not_found' })
    expect((await sessionOf(db(), cookie))?.program.id).toBe(b.id)
    await closeSession(db(), cookie)
    expect(await sessionOf(db(), cookie)).toBeUndefined()
    await expect(switchProgram(db(), cookie, a.publicId)).rejects.toMatchObject({ kind: 'unauthorized' })
  })

  it('end when they run out, when the user leaves the program, or all at once', async () => {
    const p = await program()
    await addMember(db(), p.id, { email: address('keeper') }, null)
    const { user } = await addMember(db(), p.id, { email: address('leaver'), role: 'admin' }, null)
    const old = await openSession(db(), user.id, p.id, 1_000)
    expect(await sessionOf(db(), old.cookie)).toBeUndefined()
    const [one, two] = [await openSession(db(), user.id, p.id), await openSession(db(), user.id, p.id)]
    await closeEverySession(db(), user.id)
    expect(await sessionOf(db(), one.cookie)).toBeUndefined()
    expect(await sessionOf(db(), two.cookie)).toBeUndefined()
    const three = await openSession(db(), user.id, p.id)
    await removeMember(db(), p.id, user.id, null)
    expect(await sessionOf(db(), three.cookie)).toBeUndefined()
    // With no program left, a link no longer signs it in.
    const { token } = await mintLink(db(), user.id, 'link', { programId: p.id })
    await expect(redeemLink(db(), 'link', token)).rejects.toMatchObject({ kind: 'unauthorized', code: 'no_program' })
  })
})
