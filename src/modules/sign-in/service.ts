// Signing partners in to the portal: password, one-time links and codes, sessions. Every secret
// handed out is random and only its SHA-256 is stored; a link is used once, a newer one of the same
// purpose replaces it, and it runs out. The portal pages turn the errors here into form messages.
import { createHash, timingSafeEqual } from 'node:crypto'
import type { Kysely } from 'kysely'
import type { Database, Db, SignInPurpose } from '../../store/schema.js'
import { gone, notFound, unauthorized } from '../../domain-errors.js'
import { randomToken } from '../../tokens.js'
import type { Program } from '../programs/service.js'
import { portalUrl } from '../programs/representation.js'
import { findPartnerByRowId, partnerByIdentity, requireAffiliate, type PartnerRow } from '../partners/service.js'
import { isVerified, passwordMatches } from '../partners/account.js'
import type { PartnerRef } from '../partners/schemas.js'
import { referralCustomerByRef, requireReferralProgram, type ReferralCustomerRef } from '../customers/service.js'
import {
  deleteExpiredSessions, deleteSession, deleteSessionsOf, endToken, findSessionPartner, findToken, insertSession, insertToken,
  liveToken, takeCodeAttempt,
} from './store.js'

const SESSION_MS = 14 * 24 * 3600_000
/** How long each kind of link works. A sign-in URL's own lifetime comes with its request. */
export const LINK_MS: Record<Exclude<SignInPurpose, 'url'>, number> = { link: 15 * 60_000, reset: 60 * 60_000, verify: 7 * 24 * 3600_000 }
const CODE_ATTEMPTS = 5
const DIGITS = '0123456789'

const sha256 = (value: string) => createHash('sha256').update(value).digest('hex')

export interface Session {
  partner: PartnerRow
  csrf: string
}

/** Partners who may sign in: approved or still waiting for approval (they see their application's state). */
function mayEnter(row: PartnerRow): boolean {
  return row.status === 'active' || row.status === 'pending'
}

const WRONG = 'The email or password is not right.'

export async function signInWithPassword(db: Db, program: Program, email: string, password: string): Promise<PartnerRow> {
  requireAffiliate(program)
  const row = await partnerByIdentity(db, program, { email })
  // The same answer (and the same work: a hash is checked either way) whether or not the address is known.
  const matches = await passwordMatches(row ?? DECOY, password)
  if (!row || !matches) throw unauthorized(WRONG, 'sign_in_failed')
  if (!mayEnter(row)) throw unauthorized(WRONG, 'sign_in_failed')
  if (!isVerified(row)) throw unauthorized('Confirm your email address first: follow the link in the mail we sent.', 'email_not_verified')
  return row
}

// A hash of a password nobody knows, checked when the address is unknown so both answers take as long.
const DECOY = { password_hash: 'scrypt$16384$8$1$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=' } as PartnerRow

/** A new session for the partner; the cookie's value is returned once and stored hashed. */
export async function openSession(db: Db, partner: PartnerRow, now = Date.now()): Promise<{ cookie: string; csrf: string }> {
  const cookie = randomToken(43)
  const csrf = randomToken(32)
  await insertSession(db, { id: sha256(cookie), partner_id: partner.id, program_id: partner.program_id, csrf, created_at: now, expires_at: now + SESSION_MS })
  if (Math.random() < 0.01) await deleteExpiredSessions(db, now)
  return { cookie, csrf }
}

/** The partner a session cookie signs in to this program, while the session lasts and the partner may enter. */
export async function sessionOf(db: Db, program: Program, cookie: string, now = Date.now()): Promise<Session | undefined> {
  const row = await findSessionPartner(db, sha256(cookie), program.id, now)
  if (!row) return undefined
  const { session_csrf: csrf, ...partner } = row
  return mayEnter(partner) ? { partner, csrf } : undefined
}

export async function closeSession(db: Db, cookie: string): Promise<void> {
  await deleteSession(db, sha256(cookie))
}

export async function closeEverySession(db: Db, partner: PartnerRow): Promise<void> {
  await deleteSessionsOf(db, partner.id)
}

export interface Minted {
  token: string
  /** Six digits to type instead of following the link (passwordless sign-in only). */
  code?: string
  expiresAt: number
}

/** A one-time link for the partner; the partner's earlier links of the same purpose stop working. */
export async function mintToken(db: Db, partner: PartnerRow, purpose: SignInPurpose, ttlMs: number, options: { code?: boolean; email?: string } = {}, now = Date.now()): Promise<Minted> {
  const token = randomToken(43)
  const code = options.code ? randomToken(6, DIGITS) : undefined
  const expiresAt = now + ttlMs
  await insertToken(db, {
    program_id: partner.program_id, partner_id: partner.id, purpose, token_hash: sha256(token), code_hash: code ? sha256(code) : null,
    email: options.email ?? null, created_at: now, expires_at: expiresAt, ended: null,
  })
  return { token, code, expiresAt }
}

/** POST /v1/partners:sign-in-url: a link that signs the partner in once, within `expiresIn` seconds. */
export async function mintSignInUrl(db: Kysely<Database>, program: Program, ref: PartnerRef, expiresIn: number, base: string, now = Date.now()) {
  requireAffiliate(program)
  const partner = await partnerByIdentity(db, program, ref)
  if (!partner) throw notFound('Partner not found')
  const { token, expiresAt } = await mintToken(db, partner, 'url', expiresIn * 1000, {}, now)
  return { url: `${portalUrl(program, base)}/sign-in/${token}`, expires_at: new Date(expiresAt).toISOString() }
}

/** POST /v1/customers:sign-in-url: a link that signs a refer-a-friend customer in to its page once. */
export async function mintCustomerSignInUrl(db: Kysely<Database>, program: Program, ref: ReferralCustomerRef, expiresIn: number, base: string, now = Date.now()) {
  requireReferralProgram(program)
  const customer = await referralCustomerByRef(db, program, ref)
  const earner = customer?.earner_id == null ? undefined : await findPartnerByRowId(db, program.id, Number(customer.earner_id))
  if (!earner) throw notFound('Customer not found')
  const { token, expiresAt } = await mintToken(db, earner, 'url', expiresIn * 1000, {}, now)
  return { url: `${base}/refer/${program.publicId}/sign-in/${token}`, expires_at: new Date(expiresAt).toISOString() }
}

export interface Redeemed {
  partner: PartnerRow
  /** The address a verification link confirms. */
  email: string | null
}

/** Uses a link once. Used, replaced or run out: 410 with which; never issued here: 404. */
export async function redeemToken(db: Db, program: Program, purposes: SignInPurpose[], token: string, now = Date.now()): Promise<Redeemed> {
  const hash = sha256(token)
  for (const purpose of purposes) {
    const row = await findToken(db, program.id, purpose, hash)
    if (!row) continue
    if (row.ended === 'used') throw gone('This link was used already. Ask for a new one.', 'link_used')
    if (row.ended === 'replaced') throw gone('A newer link replaced this one. Use the newest mail.', 'link_replaced')
    if (row.expires_at <= now) throw gone('This link ran out. Ask for a new one.', 'link_expired')
    const partner = await findPartnerByRowId(db, program.id, Number(row.partner_id))
    if (!partner) break
    if (purpose !== 'verify' && purpose !== 'reset' && !mayEnter(partner)) throw unauthorized(WRONG, 'sign_in_failed')
    if (!await endToken(db, Number(row.id))) throw gone('This link was used already. Ask for a new one.', 'link_used')
    return { partner, email: row.email }
  }
  throw notFound('This link is not one of ours. Check that it was copied whole.')
}

/** A typed sign-in code: the partner's newest one, five tries. */
export async function redeemCode(db: Db, program: Program, email: string, code: string, now = Date.now()): Promise<PartnerRow> {
  return redeemCodeOf(db, await partnerByIdentity(db, program, { email }), code, now)
}

/** A typed code for the partner (or earner) the form's address named, if any: the same answer when it named none. */
export async function redeemCodeOf(db: Db, partner: PartnerRow | undefined, code: string, now = Date.now()): Promise<PartnerRow> {
  const row = partner && await liveToken(db, partner.id, 'link', now)
  const wrong = unauthorized('That code is not right, or it ran out. Ask for a new one.', 'code_failed')
  if (!partner || !row || row.code_hash === null || !await takeCodeAttempt(db, Number(row.id), CODE_ATTEMPTS)) throw wrong
  const given = Buffer.from(sha256(code.trim()))
  if (!timingSafeEqual(given, Buffer.from(row.code_hash))) {
    // The last wrong try ends the code and the link mailed with it: a new mail is needed.
    if (row.code_attempts + 1 >= CODE_ATTEMPTS) await endToken(db, Number(row.id))
    throw wrong
  }
  if (!mayEnter(partner) || !await endToken(db, Number(row.id))) throw wrong
  return partner
}
