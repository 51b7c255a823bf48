// API keys: random, prefixed, shown once, stored only as a SHA-256 hash (the keys carry 190 bits
// of randomness, so a fast hash is enough: there is nothing to brute-force). Each key belongs to
// one program. Writes look the key up in the store every time; reads may reuse an owner looked up
// less than a second ago (recent-owners.ts), so a revoked key stops within a second in every process.
import { createHash } from 'node:crypto'
import type { Kysely } from 'kysely'
import type { Database } from '../../store/schema.js'
import { claimFact } from '../../store/facts.js'
import { inTransaction } from '../../store/transaction.js'
import { randomToken } from '../../tokens.js'
import { notFound } from '../../domain-errors.js'
import { addProgram, listPrograms, type NewProgramInput } from '../programs/service.js'
import type { Db } from '../../store/schema.js'
import type { Store } from '../../store/store.js'
import { findKeyOwner, insertKey, keysMatching, listKeys, markRevoked, type KeyOwner } from './store.js'
import type { RecentOwners } from './recent-owners.js'

const KEY_PREFIX = 'pk_live_'
const SECRET_CHARS = 32
/** How much of a key `keys list` shows: the prefix and the first 8 secret characters. */
const DISPLAY_LENGTH = KEY_PREFIX.length + 8

/** A new program and its first API key, together: a program nobody can call would be of no use. */
export async function createProgram(db: Kysely<Database>, input: NewProgramInput, now = Date.now()) {
  return inTransaction(db, async (tx) => {
    const program = await addProgram(tx, input, now)
    return { program, apiKey: await issueKey(tx, program.id, now) }
  })
}

/**
 * On a store's first start, one demo affiliate program and its key. Claimed through a store-wide
 * fact, so later starts (and other processes starting at the same moment) make no second one; a
 * store that already has programs (made with the CLI) gets none.
 */
export async function createDemoProgramOnce(db: Kysely<Database>, now = Date.now()) {
  const claimed = await claimFact(db, 'demo_program', String(now))
  if (!claimed) return undefined
  if ((await listPrograms(db)).length > 0) return undefined
  return createProgram(db, { name: 'Demo Affiliate Program', type: 'affiliate', website: 'https://example.com', currency: 'USD' }, now)
}

export function hashKey(key: string): string {
  return createHash('sha256').update(key).digest('hex')
}

export function displayPrefix(key: string): string {
  return `${key.slice(0, DISPLAY_LENGTH)}…`
}

export async function issueKey(db: Db, programId: number, now = Date.now()): Promise<string> {
  const key = KEY_PREFIX + randomToken(SECRET_CHARS)
  await insertKey(db, programId, key.slice(0, DISPLAY_LENGTH), hashKey(key), now)
  return key
}

export function authenticate(store: Store, presented: string): Promise<KeyOwner | undefined> {
  if (!isWellFormed(presented)) return Promise.resolve(undefined)
  return findKeyOwner(store, hashKey(presented))
}

/** authenticate() for a read: an owner this process looked up moments ago is good enough. */
export async function authenticateRead(store: Store, recent: RecentOwners, presented: string): Promise<KeyOwner | undefined> {
  if (!isWellFormed(presented)) return undefined
  const keyHash = hashKey(presented)
  const known = recent.get(keyHash)
  if (known) return known
  const lookup = recent.lookupStarts()
  const owner = await findKeyOwner(store, keyHash)
  if (owner) recent.remember(keyHash, owner, lookup)
  return owner
}

function isWellFormed(presented: string): boolean {
  return presented.startsWith(KEY_PREFIX) && presented.length === KEY_PREFIX.length + SECRET_CHARS
}

export interface KeyListing {
  /** The key's row id: what the admin's revoke button names (never the secret). */
  id: number
  prefix: string
  created_at: number
  revoked_at: number | null
}

export async function keysOf(db: Db, programId: number): Promise<KeyListing[]> {
  const rows = await listKeys(db, programId)
  return rows.map((r) => ({ id: Number(r.id), prefix: `${r.prefix}…`, created_at: Number(r.created_at), revoked_at: r.revoked_at === null ? null : Number(r.revoked_at) }))
}

export type RevokeOutcome =
  | { outcome: 'revoked'; prefix: string; program: string }
  | { outcome: 'already_revoked'; prefix: string }
  | { outcome: 'not_found' }
  | { outcome: 'ambiguous'; count: number }

/** Revokes by the full key, or by the display prefix `keys list` shows (with or without the "…"). */
export async function revokeKey(db: Db, keyOrPrefix: string, now = Date.now()): Promise<RevokeOutcome> {
  const text = keyOrPrefix.trim().replace(/…$|\.\.\.$/, '')
  const matches = text.length === KEY_PREFIX.length + SECRET_CHARS
    ? await keysMatching(db, { keyHash: hashKey(text) })
    : await keysMatching(db, { prefix: text })
  if (matches.length === 0) return { outcome: 'not_found' }
  const active = matches.filter((m) => m.revoked_at === null)
  if (active.length > 1) return { outcome: 'ambiguous', count: active.length }
  const target = active[0]
  if (!target) return { outcome: 'already_revoked', prefix: `${matches[0]?.prefix}…` }
  await markRevoked(db, Number(target.id), now)
  return { outcome: 'revoked', prefix: `${target.prefix}…`, program: target.public_id }
}

/**
 * Revokes one of the program's own keys by its id (the admin's button): a key of another program
 * is not found. Revoking a revoked key changes nothing; the answer says whether this call did it.
 */
export async function revokeProgramKey(db: Db, programId: number, keyId: number, now = Date.now()): Promise<{ prefix: string; revoked: boolean }> {
  const key = (await listKeys(db, programId)).find((k) => Number(k.id) === keyId)
  if (!key) throw notFound('There is no such API key in this program.')
  if (key.revoked_at !== null) return { prefix: `${key.prefix}…`, revoked: false }
  await markRevoked(db, keyId, now)
  return { prefix: `${key.prefix}…`, revoked: true }
}
