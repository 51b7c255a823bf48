// Admin tests: a member of a program with a role, signed in over HTTP through its one-time link,
// and the program's audit entries.
import { expect } from 'vitest'
import { auditTrail } from '../../src/modules/users/audit.js'
import { addMember } from '../../src/modules/users/service.js'
import { mintSignInUrl } from '../../src/modules/users/sign-in.js'
import { visitor, type Visitor } from './portal.js'
import type { TestServer } from './server.js'

let n = 0

/** A new member of the program (owner, admin or viewer), signed in: the visitor is on the admin's first page. */
export async function signedInMember(server: TestServer, programId: number, role: 'owner' | 'admin' | 'viewer' = 'admin'): Promise<{ v: Visitor; userId: number }> {
  n += 1
  const { user } = await addMember(server.store.db, programId, { email: `member${n}.${Date.now()}@example.com`, role }, null)
  const v = visitor(server)
  const { url } = await mintSignInUrl(server.store.db, user.id, programId, server.url)
  const answer = await v.get(new URL(url).pathname)
  expect(answer.status, answer.text).toBe(303)
  expect((await v.follow(answer)).status).toBe(200)
  return { v, userId: user.id }
}

export async function auditOf(server: TestServer, programId: number) {
  return (await auditTrail(server.store.db, programId, { limit: 500 })).entries
}
