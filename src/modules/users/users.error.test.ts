// What the users module refuses: a program without an owner, bad addresses and roles, a team
// changed by a role that may not, users that are not in the program. Nothing refused is changed
// or recorded.
import { describe, expect, it } from 'vitest'
import { storeForThisFile } from '../../../test/support/store.js'
import { createProgram } from '../api-keys/service.js'
import { auditTrail } from './audit.js'
import { addMember, changeRole, membersOf, removeMember } from './service.js'

const store = storeForThisFile()
const db = () => store().db
let n = 0
const program = async () => (await createProgram(db(), { name: `Acme ${++n}`, type: 'affiliate' })).program
const address = (who: string) => `${who}.${++n}@example.com`

describe('the last owner', () => {
  it('can be neither removed nor made admin or viewer; with a second owner, either can go', async () => {
    const p = await program()
    const first = await addMember(db(), p.id, { email: address('first') }, null)
    const logged = (await auditTrail(db(), p.id)).entries.length
    await expect(removeMember(db(), p.id, first.user.id, null)).rejects.toMatchObject({ kind: 'refused', code: 'last_owner' })
    for (const role of ['admin', 'viewer']) {
      await expect(changeRole(db(), p.id, first.user.id, role, null)).rejects.toMatchObject({ kind: 'refused', code: 'last_owner' })
    }
    await expect(addMember(db(), p.id, { email: first.user.email, role: 'viewer' }, null)).rejects.toMatchObject({ code: 'last_owner' })
    expect((await membersOf(db(), p.id)).map((m) => m.role)).toEqual(['owner'])
    expect((await auditTrail(db(), p.id)).entries).toHaveLength(logged)

    const second = await addMember(db(), p.id, { email: address('second') }, null)
    await removeMember(db(), p.id, first.user.id, null)
    expect((await membersOf(db(), p.id)).map((m) => m.user.id)).toEqual([second.user.id])
  })

  it('stays when two owners try to remove each other at the same moment', async () => {
    // Without the team lock PostgreSQL lets both through now and then: a few rounds catch it.
    for (let round = 0; round < 20; round++) {
      const p = await program()
      const [a, b] = [await addMember(db(), p.id, { email: address('a') }, null), await addMember(db(), p.id, { email: address('b') }, null)]
      const results = await Promise.allSettled([
        removeMember(db(), p.id, a.user.id, { userId: b.user.id, role: 'owner' }),
        removeMember(db(), p.id, b.user.id, { userId: a.user.id, role: 'owner' }),
      ])
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1)
      expect((await membersOf(db(), p.id)).filter((m) => m.role === 'owner')).toHaveLength(1)
    }
  })
})

describe('input', () => {
  it('refuses a malformed address and an unknown role, naming the field', async () => {
    const p = await program()
    for (const email of ['', 'nope', 'a@b', 'two words@example.com', `${'x'.repeat(250)}@example.com`]) {
      await expect(addMember(db(), p.id, { email }, null)).rejects.toMatchObject({ kind: 'invalid', errors: { email: [expect.any(String)] } })
    }
    await expect(addMember(db(), p.id, { email: address('role'), role: 'superuser' }, null)).rejects.toMatchObject({ kind: 'invalid', errors: { role: [expect.any(String)] } })
    const { user } = await addMember(db(), p.id, { email: address('ok') }, null)
    await expect(changeRole(db(), p.id, user.id, 'Owner', null)).rejects.toMatchObject({ kind: 'invalid' })
    expect(await membersOf(db(), p.id)).toHaveLength(1)
  })

  it('answers not found for a user who is not in the program', async () => {
    const [p, other] = [await program(), await program()]
    const { user } = await addMember(db(), other.id, { email: address('elsewhere') }, null)
    await expect(changeRole(db(), p.id, user.id, 'viewer', null)).rejects.toMatchObject({ kind: 'not_found' })
    await expect(removeMember(db(), p.id, user.id, null)).rejects.toMatchObject({ kind: 'not_found' })
    await expect(removeMember(db(), p.id, 999_999, null)).rejects.toMatchObject({ kind: 'not_found' })
  })
})

describe('who may change the team', () => {
  it('is an owner only: an admin or a viewer is refused and nothing changes', async () => {
    const p = await program()
    const owner = await addMember(db(), p.id, { email: address('owner') }, null)
    const admin = await addMember(db(), p.id, { email: address('admin'), role: 'admin' }, null)
    const viewer = await addMember(db(), p.id, { email: address('viewer'), role: 'viewer' }, null)
    for (const by of [{ userId: admin.user.id, role: 'admin' as const }, { userId: viewer.user.id, role: 'viewer' as const }]) {
      await expect(addMember(db(), p.id, { email: address('invited') }, by)).rejects.toMatchObject({ kind: 'forbidden' })
      await expect(changeRole(db(), p.id, viewer.user.id, 'owner', by)).rejects.toMatchObject({ kind: 'forbidden' })
      await expect(removeMember(db(), p.id, owner.user.id, by)).rejects.toMatchObject({ kind: 'forbidden' })
    }
    expect((await membersOf(db(), p.id)).map((m) => m.role)).toEqual(['owner', 'admin', 'viewer'])
    await changeRole(db(), p.id, viewer.user.id, 'admin', { userId: owner.user.id, role: 'owner' })
  })
})
