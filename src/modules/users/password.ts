// A merchant user's own password: set or changed from its account page (the current one asked
// first when it has one), or forgotten: a reset link by mail, whose new password choosePassword
// (sign-in.ts) saves. A change ends every session of the user; the page opens a new one for itself.
import type { Kysely } from 'kysely'
import type { Database, Db } from '../../store/schema.js'
import { inTransaction } from '../../store/transaction.js'
import { invalid, notFound, type FieldErrors } from '../../domain-errors.js'
import { hashPassword, isStrongEnough, verifyPassword } from '../../passwords.js'
import { recordInProgramsOf } from './audit.js'
import { checkedEmail, programsOf, toUser, type ProgramMembership, type User } from './service.js'
import { LINK_MS, mintLink, PASSWORD_RULE } from './sign-in.js'
import { deleteSessionsOf, findUserByEmail, findUserById, setPasswordHash } from './store.js'

/** Sets the user's password; `current` must be its password when it has one. Audited in each of its programs. */
export async function changePassword(db: Kysely<Database>, userId: number, input: { current: string; password: string }, now = Date.now()): Promise<void> {
  const row = await findUserById(db, userId)
  if (!row) throw notFound('There is no such user.')
  const errors: FieldErrors = {}
  // Both checked, so one answer names every field to mend.
  if (!isStrongEnough(input.password)) errors.password = [PASSWORD_RULE]
  if (row.password_hash !== null && !await verifyPassword(input.current, row.password_hash)) errors.current = ['The current password is not right.']
  if (Object.keys(errors).length > 0) throw invalid(errors)
  const hash = await hashPassword(input.password)
  await inTransaction(db, async (tx) => {
    await setPasswordHash(tx, userId, hash, now)
    await deleteSessionsOf(tx, userId)
    await recordInProgramsOf(tx, userId, { action: 'user.password_changed', detail: { how: row.password_hash === null ? 'set' : 'changed' } }, now)
  })
}

export interface ResetLink {
  user: User
  programs: ProgramMembership[]
  token: string
  validMs: number
}

/**
 * A reset link (one hour) for the address's user, when it is one who may sign in (a member of a
 * program); undefined for any other address. The caller answers the same either way.
 */
export async function resetLinkFor(db: Db, email: string, now = Date.now()): Promise<ResetLink | undefined> {
  let address: string
  try {
    address = checkedEmail(email).toLowerCase()
  } catch {
    return undefined
  }
  const row = await findUserByEmail(db, address)
  const programs = row ? await programsOf(db, Number(row.id)) : []
  if (!row || programs.length === 0) return undefined
  const { token } = await mintLink(db, Number(row.id), 'reset', {}, now)
  return { user: toUser(row), programs, token, validMs: LINK_MS.reset }
}
