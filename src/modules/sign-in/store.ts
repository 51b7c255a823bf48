// The sign-in module's two tables: partner sessions and one-time tokens. Both keep hashes only.
import type { Insertable, Selectable } from 'kysely'
import type { Db, PartnerTable, SignInPurpose, SignInTokenTable } from '../../store/schema.js'
import { readRow } from '../../store/prepared.js'

type PartnerRow = Selectable<PartnerTable>

export type TokenRow = Selectable<SignInTokenTable>

export async function insertSession(db: Db, row: { id: string; partner_id: number; program_id: number; csrf: string; created_at: number; expires_at: number }) {
  await db.insertInto('partner_sessions').values(row).execute()
}

/** A live session with its partner, in one prepared statement: every portal page reads it. */
export function findSessionPartner(db: Db, id: string, programId: number, now: number) {
  return readRow<PartnerRow & { session_csrf: string }>(db, 'session_partner', `
    select p.*, s.csrf as session_csrf from partner_sessions s join partners p on p.id = s.partner_id
    where s.id = ? and s.program_id = ? and s.expires_at > ? and p.deleted_at is null`, [id, programId, now])
}

export async function deleteSession(db: Db, id: string) {
  await db.deleteFrom('partner_sessions').where('id', '=', id).execute()
}

export async function deleteSessionsOf(db: Db, partnerId: number) {
  await db.deleteFrom('partner_sessions').where('partner_id', '=', partnerId).execute()
}

/** Sessions that ran out are removed now and then, not on every read. */
export async function deleteExpiredSessions(db: Db, now: number) {
  await db.deleteFrom('partner_sessions').where('expires_at', '<=', now).execute()
}

/** A new token of `purpose` ends the partner's earlier ones of the same purpose. */
export async function insertToken(db: Db, row: Insertable<SignInTokenTable>) {
  await db.updateTable('sign_in_tokens').set({ ended: 'replaced' })
    .where('partner_id', '=', row.partner_id).where('purpose', '=', row.purpose).where('ended', 'is', null).execute()
  await db.insertInto('sign_in_tokens').values(row).execute()
}

export function findToken(db: Db, programId: number, purpose: SignInPurpose, tokenHash: string) {
  return db.selectFrom('sign_in_tokens').selectAll()
    .where('token_hash', '=', tokenHash).where('program_id', '=', programId).where('purpose', '=', purpose).executeTakeFirst()
}

/** The partner's live passwordless token, the one a typed code is checked against. */
export function liveToken(db: Db, partnerId: number, purpose: SignInPurpose, now: number) {
  return db.selectFrom('sign_in_tokens').selectAll()
    .where('partner_id', '=', partnerId).where('purpose', '=', purpose).where('ended', 'is', null).where('expires_at', '>', now)
    .orderBy('id', 'desc').executeTakeFirst()
}

/** Ends a live token; false when another request ended it first (it is used once). */
export async function endToken(db: Db, id: number): Promise<boolean> {
  const result = await db.updateTable('sign_in_tokens').set({ ended: 'used' }).where('id', '=', id).where('ended', 'is', null).executeTakeFirst()
  return Number(result.numUpdatedRows) === 1
}

/**
 * Takes one of a code's tries before it is compared, in one conditional UPDATE, so guesses sent
 * at once cannot together take more than `limit`. False when none is left.
 */
export async function takeCodeAttempt(db: Db, id: number, limit: number): Promise<boolean> {
  const result = await db.updateTable('sign_in_tokens').set((eb) => ({ code_attempts: eb('code_attempts', '+', 1) }))
    .where('id', '=', id).where('code_attempts', '<', limit).where('ended', 'is', null).executeTakeFirst()
  return Number(result.numUpdatedRows) === 1
}
