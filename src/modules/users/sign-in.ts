// Signing merchant users in to the admin: one-time links, passwords, sessions. As for partners
// (modules/sign-in), every secret handed out is random and only its SHA-256 is stored; a link is
// used once, a newer one of the same purpose replaces it, and it runs out. A session works on one
// program at a time, among the user's memberships, and lasts only while that membership does.
import { createHash } from 'node:crypto'
import type { Kysely } from 'kysely'
import type { Database, Db, UserTokenPurpose } from '../../store/schema.js'
import { inTransaction } from '../../store/transaction.js'
import { gone, invalidField, notFound, unauthorized } from '../../domain-errors.js'
import { randomToken } from '../../tokens.js'
import { DECOY_HASH, hashPassword, isStrongEnough, verifyPassword } from '../../passwords.js'
import { programById, type Program } from '../programs/service.js'
import type { Role } from './roles.js'
import { programsOf, toUser, type User } from './service.js'
import { recordInProgramsOf } from './audit.js'
import {
  deleteExpiredSessions, deleteSession, deleteSessionsOf, endToken, findSessionUser, findToken, findUserByEmail, findUserById, insertSession,
  insertToken, setPasswordHash, setSessionProgram,
} from './store.js'

/** A merchant's session is shorter than a partner's: it can change a whole program. */
export const SESSION_MS = 7 * 24 * 3600_000
/** How long each kind of link works, unless its minter says otherwise. */
export const LINK_MS: Record<UserTokenPurpose, number> = { link: 15 * 60_000, reset: 60 * 60_000 }

const sha256 = (value: string) => createHash('sha256').update(value).digest('hex')

const WRONG = 'The email or password is not right.'

/** The path a sign-in link opens (web/admin serves it); one place, so the CLI and the first start print what the admin answers. */
export function signInUrl(base: string, token: string): string {
  return `${base}/admin/sign-in/${token}`
}

export interface Minted {
  token: string
  expiresAt: number
}

/** A one-time link for the user; its earlier links of the same purpose stop working. `programId`: where the session it opens works first. */
export async function mintLink(db: Db, userId: number, purpose: UserTokenPurpose, options: { programId?: number; ttlMs?: number } = {}, now = Date.now()): Promise<Minted> {
  const token = randomToken(43)
  const expiresAt = now + (options.ttlMs ?? LINK_MS[purpose])
  await insertToken(db, {
    user_id: userId, purpose, token_hash: sha256(token), program_id: options.programId ?? null, created_at: now, expires_at: expiresAt, ended: null,
  })
  return { token, expiresAt }
}

/** mintLink for signing in, as the URL to open. */
export async function mintSignInUrl(db: Db, userId: number, programId: number, base: string, ttlMs = LINK_MS.link, now = Date.now()) {
  const { token, expiresAt } = await mintLink(db, userId, 'link', { programId, ttlMs }, now)
  return { url: signInUrl(base, token), expiresAt }
}

export interface Redeemed {
  user: User
  /** Where the session opens: the link's program while the user belongs to it, else the user's first. */
  programId: number
}

/** The link while it still works. Used, replaced or run out: `gone`, saying which; never issued: `not_found`. */
async function liveLink(db: Db, purpose: UserTokenPurpose, token: string, now: number) {
  const row = await findToken(db, purpose, sha256(token))
  if (!row) throw notFound('This link is not one of ours. Check that it was copied whole.')
  if (row.ended === 'used') throw gone('This link was used already. Ask for a new one.', 'link_used')
  if (row.ended === 'replaced') throw gone('A newer link replaced this one. Use the newest one.', 'link_replaced')
  if (row.expires_at <= now) throw gone('This link ran out. Ask for a new one.', 'link_expired')
  return row
}

/** Whether a link still works, without using it (a page shows its form only while it does); throws as redeemLink. */
export async function checkLink(db: Db, purpose: UserTokenPurpose, token: string, now = Date.now()): Promise<void> {
  await liveLink(db, purpose, token, now)
}

/** Uses a link once. Used, replaced or run out: `gone`, saying which; never issued: `not_found`. */
export async function redeemLink(db: Db, purpose: UserTokenPurpose, token: string, now = Date.now()): Promise<Redeemed> {
  const row = await liveLink(db, purpose, token, now)
  const userRow = await findUserById(db, Number(row.user_id))
  if (!userRow) throw notFound('This link is not one of ours. Check that it was copied whole.')
  const programId = await entryProgram(db, Number(userRow.id), row.program_id === null ? undefined : Number(row.program_id))
  if (!await endToken(db, Number(row.id))) throw gone('This link was used already. Ask for a new one.', 'link_used')
  return { user: toUser(userRow), programId }
}

export async function signInWithPassword(db: Db, email: string, password: string): Promise<Redeemed> {
  const row = await findUserByEmail(db, email.trim().toLowerCase())
  // The same answer (and the same work: a hash is checked either way) whether or not the address is known.
  const matches = await verifyPassword(password, row?.password_hash ?? DECOY_HASH)
  if (!row || row.password_hash === null || !matches) throw unauthorized(WRONG, 'sign_in_failed')
  return { user: toUser(row), programId: await entryProgram(db, Number(row.id)) }
}

/** What the password rule asks, as the forms and the refusals say it. */
export const PASSWORD_RULE = 'The password must be at least 8 characters with a lower-case letter, an upper-case letter and a digit.'

/** The refusal of a password too weak to keep, before anything else is done (a reset link is not used up by it). */
function requireStrongPassword(password: string): void {
  if (!isStrongEnough(password)) throw invalidField('password', PASSWORD_RULE)
}

/** A reset link's new password: checked, saved, and every other session of the user ends; audited in each of its programs. */
export async function choosePassword(db: Kysely<Database>, token: string, password: string, now = Date.now()): Promise<Redeemed> {
  requireStrongPassword(password)
  const hash = await hashPassword(password)
  return inTransaction(db, async (tx) => {
    const redeemed = await redeemLink(tx, 'reset', token, now)
    await setPasswordHash(tx, redeemed.user.id, hash, now)
    await deleteSessionsOf(tx, redeemed.user.id)
    await recordInProgramsOf(tx, redeemed.user.id, { action: 'user.password_changed', detail: { how: 'reset link' } }, now)
    return { ...redeemed, user: { ...redeemed.user, hasPassword: true } }
  })
}

/** The program a new session works on: `wanted` when the user belongs to it, else its first program. None: it may not sign in. */
async function entryProgram(db: Db, userId: number, wanted?: number): Promise<number> {
  const programs = await programsOf(db, userId)
  const chosen = programs.find((p) => p.programId === wanted) ?? programs[0]
  if (!chosen) throw unauthorized('You belong to no program any more. Ask an owner to add you again.', 'no_program')
  return chosen.programId
}

export interface AdminSession {
  user: User
  /** The program being worked on. */
  program: Program
  /** The user's role in that program, read with the session: a changed role counts at the next page. */
  role: Role
  /** The token every form of this session carries. */
  csrf: string
}

/** A new session for the user in the program; the cookie's value is returned once and stored hashed. */
export async function openSession(db: Db, userId: number, programId: number, now = Date.now()): Promise<{ cookie: string; csrf: string }> {
  const cookie = randomToken(43)
  const csrf = randomToken(32)
  await insertSession(db, { id: sha256(cookie), user_id: userId, program_id: programId, csrf, created_at: now, expires_at: now + SESSION_MS })
  if (Math.random() < 0.01) await deleteExpiredSessions(db, now)
  return { cookie, csrf }
}

/** The user a session cookie signs in, with its program and role there; undefined once it ran out or the user left that program. */
export async function sessionOf(db: Db, cookie: string, now = Date.now()): Promise<AdminSession | undefined> {
  const row = await findSessionUser(db, sha256(cookie), now)
  if (!row) return undefined
  const { session_program_id: programId, session_csrf: csrf, session_role: role, ...user } = row
  const program = await programById(db, Number(programId))
  return program && { user: toUser(user), program, role, csrf }
}

/** Moves the session to another of the user's programs. A program it does not belong to is, to it, no program at all. */
export async function switchProgram(db: Db, cookie: string, publicId: string, now = Date.now()): Promise<AdminSession> {
  const session = await sessionOf(db, cookie, now)
  if (!session) throw unauthorized('Your session ran out. Sign in again.', 'signed_out')
  const target = (await programsOf(db, session.user.id)).find((p) => p.publicId === publicId.trim().toUpperCase())
  if (!target) throw notFound('There is no such program among yours.')
  await setSessionProgram(db, sha256(cookie), target.programId)
  const program = await programById(db, target.programId)
  if (!program) throw notFound('There is no such program among yours.')
  return { ...session, program, role: target.role }
}

export async function closeSession(db: Db, cookie: string): Promise<void> {
  await deleteSession(db, sha256(cookie))
}

export async function closeEverySession(db: Db, userId: number): Promise<void> {
  await deleteSessionsOf(db, userId)
}

/** Sets the user's password (from the admin's own profile page); its other sessions are left alone. */
export async function setPassword(db: Db, userId: number, password: string, now = Date.now()): Promise<void> {
  requireStrongPassword(password)
  await setPasswordHash(db, userId, await hashPassword(password), now)
}
