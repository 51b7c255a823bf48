// A program's team: merchant users and their roles. One person (one address, any case) may belong
// to several programs with a role in each. Every change is written to the audit log in its own
// transaction, and a program always keeps an owner: the last one can be neither removed nor demoted.
// Signing in (links, passwords, sessions) is in sign-in.ts; what a role may do, in roles.ts.
import type { Kysely } from 'kysely'
import type { Database, Db } from '../../store/schema.js'
import { inTransaction } from '../../store/transaction.js'
import { badRequest, invalidField, notFound } from '../../domain-errors.js'
import { record } from './audit.js'
import { isRole, requireMay, type Role } from './roles.js'
import {
  countOwners, deleteMembership, deleteSessionsOf, findMembership, findUserByEmail, findUserById, insertMembership, insertUserOnce, lockTeam,
  membersOfProgram, programsOfUser, setRole, type UserRow,
} from './store.js'

export interface User {
  id: number
  email: string
  /** '' until the person gives one. */
  name: string
  /** False: signs in by one-time links only. */
  hasPassword: boolean
  createdAt: number
}

export interface Member {
  user: User
  role: Role
  /** When the user joined this program. */
  since: number
}

/** Who makes a change: a signed-in user and its role in the program, or null for the command line (trusted: it holds the store). */
export type Actor = { userId: number; role: Role } | null

export function toUser(row: UserRow): User {
  return { id: Number(row.id), email: row.email, name: row.name, hasPassword: row.password_hash !== null, createdAt: Number(row.created_at) }
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/

/** The address as given (trimmed), or the field error the API would answer. */
export function checkedEmail(email: string): string {
  const trimmed = email.trim()
  if (trimmed.length > 255 || !EMAIL.test(trimmed)) throw invalidField('email', 'The email format is invalid.')
  return trimmed
}

function checkedRole(role: unknown): Role {
  if (!isRole(role)) throw invalidField('role', 'The role must be owner, admin or viewer.')
  return role
}

export async function userByEmail(db: Db, email: string): Promise<User | undefined> {
  const row = await findUserByEmail(db, email.trim().toLowerCase())
  return row && toUser(row)
}

export async function userById(db: Db, id: number): Promise<User | undefined> {
  const row = await findUserById(db, id)
  return row && toUser(row)
}

export interface Added extends Member {
  /** False when the user was a member already (its role then changes only when one was asked for). */
  added: boolean
}

/**
 * Makes the address a member of the program: a new user, or an existing one (any case of its
 * address) joining one more program. New members get `role` (owner when none is given); an
 * existing member keeps its role unless one is given, which then changes as changeRole would.
 */
export async function addMember(db: Kysely<Database>, programId: number, input: { email: string; role?: string; name?: string }, by: Actor, now = Date.now()): Promise<Added> {
  if (by) requireMay(by.role, 'manage-users')
  const email = checkedEmail(input.email)
  const asked = input.role === undefined ? undefined : checkedRole(input.role)
  return inTransaction(db, async (tx) => {
    await lockTeam(tx, programId)
    const { user } = await insertUserOnce(tx, { email, email_lower: email.toLowerCase(), name: input.name?.trim() ?? '', password_hash: null, created_at: now, updated_at: now })
    const userId = Number(user.id)
    const role = asked ?? 'owner'
    if (await insertMembership(tx, { user_id: userId, program_id: programId, role, created_at: now })) {
      await record(tx, { programId, userId: by?.userId ?? null, action: 'user.added', objectType: 'user', objectId: userId, detail: { email: user.email, role } }, now)
      return { user: toUser(user), role, since: now, added: true }
    }
    const membership = (await findMembership(tx, userId, programId))!
    const kept = asked === undefined || asked === membership.role ? membership.role : await roleChange(tx, programId, user, membership.role, asked, by, now)
    return { user: toUser(user), role: kept, since: Number(membership.created_at), added: false }
  })
}

/** The program's users with their roles, in the order they joined. */
export async function membersOf(db: Db, programId: number): Promise<Member[]> {
  const rows = await membersOfProgram(db, programId)
  return rows.map(({ role, joined_at, ...user }) => ({ user: toUser(user), role, since: Number(joined_at) }))
}

/** A user's role in the program, or undefined when it is no member. */
export async function roleIn(db: Db, programId: number, userId: number): Promise<Role | undefined> {
  return (await findMembership(db, userId, programId))?.role
}

export interface ProgramMembership {
  programId: number
  publicId: string
  name: string
  role: Role
}

/** Every program the user belongs to, by name: what the admin's program switcher offers. */
export async function programsOf(db: Db, userId: number): Promise<ProgramMembership[]> {
  const rows = await programsOfUser(db, userId)
  return rows.map((r) => ({ programId: Number(r.id), publicId: r.public_id, name: r.name, role: r.role }))
}

export async function changeRole(db: Kysely<Database>, programId: number, userId: number, role: string, by: Actor, now = Date.now()): Promise<Member> {
  if (by) requireMay(by.role, 'manage-users')
  const wanted = checkedRole(role)
  return inTransaction(db, async (tx) => {
    await lockTeam(tx, programId)
    const { user, membership } = await memberRows(tx, programId, userId)
    if (membership.role !== wanted) await roleChange(tx, programId, user, membership.role, wanted, by, now)
    return { user: toUser(user), role: wanted, since: Number(membership.created_at) }
  })
}

/** Takes the user out of the program and ends its sessions there. The user itself stays (it may belong to other programs). */
export async function removeMember(db: Kysely<Database>, programId: number, userId: number, by: Actor, now = Date.now()): Promise<void> {
  if (by) requireMay(by.role, 'manage-users')
  await inTransaction(db, async (tx) => {
    await lockTeam(tx, programId)
    const { user, membership } = await memberRows(tx, programId, userId)
    if (membership.role === 'owner') await keepAnOwner(tx, programId, 'remove')
    await deleteMembership(tx, userId, programId)
    await deleteSessionsOf(tx, userId, programId)
    await record(tx, { programId, userId: by?.userId ?? null, action: 'user.removed', objectType: 'user', objectId: userId, detail: { email: user.email, role: membership.role } }, now)
  })
}

async function memberRows(tx: Db, programId: number, userId: number) {
  const membership = await findMembership(tx, userId, programId)
  const user = membership && await findUserById(tx, userId)
  if (!membership || !user) throw notFound('There is no such user in this program.')
  return { user, membership }
}

async function roleChange(tx: Db, programId: number, user: UserRow, from: Role, to: Role, by: Actor, now: number): Promise<Role> {
  if (from === 'owner') await keepAnOwner(tx, programId, 'demote')
  await setRole(tx, Number(user.id), programId, to)
  await record(tx, { programId, userId: by?.userId ?? null, action: 'user.role_changed', objectType: 'user', objectId: Number(user.id), detail: { email: user.email, from, to } }, now)
  return to
}

/** Call with the team locked, before an owner stops being one. */
async function keepAnOwner(tx: Db, programId: number, verb: 'remove' | 'demote'): Promise<void> {
  if (await countOwners(tx, programId) <= 1) {
    throw badRequest(`A program needs an owner: make another user an owner before you ${verb} this one.`, 'last_owner')
  }
}
