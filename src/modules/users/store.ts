// The users module's tables: users, memberships, their sessions and one-time links, the audit log.
// Queries only; the rules are in service.ts, sign-in.ts and audit.ts.
import { sql, type Insertable, type Selectable } from 'kysely'
import type { AuditLogTable, Db, Role, UserTable, UserTokenPurpose, UserTokenTable } from '../../store/schema.js'
import { dialectOf, readRow } from '../../store/prepared.js'

export type UserRow = Selectable<UserTable>
export type TokenRow = Selectable<UserTokenTable>

// ---- users

export function findUserByEmail(db: Db, emailLower: string) {
  return db.selectFrom('users').selectAll().where('email_lower', '=', emailLower).executeTakeFirst()
}

export function findUserById(db: Db, id: number) {
  return db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst()
}

/** Inserts the user unless its address is taken (by a concurrent request too); either way, the row. */
export async function insertUserOnce(db: Db, row: Insertable<UserTable>): Promise<{ user: UserRow; created: boolean }> {
  const made = await db.insertInto('users').values(row).onConflict((oc) => oc.column('email_lower').doNothing()).returningAll().executeTakeFirst()
  if (made) return { user: made, created: true }
  return { user: await db.selectFrom('users').selectAll().where('email_lower', '=', row.email_lower).executeTakeFirstOrThrow(), created: false }
}

export async function setPasswordHash(db: Db, id: number, hash: string, now: number) {
  await db.updateTable('users').set({ password_hash: hash, updated_at: now }).where('id', '=', id).execute()
}

// ---- memberships

export function findMembership(db: Db, userId: number, programId: number) {
  return db.selectFrom('memberships').selectAll().where('user_id', '=', userId).where('program_id', '=', programId).executeTakeFirst()
}

/** True when the membership was made; false when the user was a member already. */
export async function insertMembership(db: Db, row: { user_id: number; program_id: number; role: Role; created_at: number }): Promise<boolean> {
  const made = await db.insertInto('memberships').values(row).onConflict((oc) => oc.columns(['user_id', 'program_id']).doNothing())
    .returning('user_id').executeTakeFirst()
  return made !== undefined
}

export async function setRole(db: Db, userId: number, programId: number, role: Role) {
  await db.updateTable('memberships').set({ role }).where('user_id', '=', userId).where('program_id', '=', programId).execute()
}

export async function deleteMembership(db: Db, userId: number, programId: number) {
  await db.deleteFrom('memberships').where('user_id', '=', userId).where('program_id', '=', programId).execute()
}

export async function countOwners(db: Db, programId: number): Promise<number> {
  const row = await db.selectFrom('memberships').select((eb) => eb.fn.countAll<number>().as('n'))
    .where('program_id', '=', programId).where('role', '=', 'owner').executeTakeFirstOrThrow()
  return Number(row.n)
}

/**
 * Holds the program's team until the transaction ends, so that two owners removing each other at
 * once cannot both pass the "another owner remains" check (each would see the other still there
 * under PostgreSQL's read committed). SQLite runs one write transaction at a time and needs none.
 */
export async function lockTeam(db: Db, programId: number): Promise<void> {
  if (dialectOf(db) !== 'postgres') return
  await sql`select pg_advisory_xact_lock(hashtextextended(${`memberships/${programId}`}, 0))`.execute(db)
}

/** A program's users with their roles, in the order they joined. */
export function membersOfProgram(db: Db, programId: number) {
  return db.selectFrom('memberships as m').innerJoin('users as u', 'u.id', 'm.user_id')
    .selectAll('u').select(['m.role', 'm.created_at as joined_at'])
    .where('m.program_id', '=', programId).orderBy('m.created_at').orderBy('u.id').execute()
}

/** The programs a user belongs to, with its role in each, by name. */
export function programsOfUser(db: Db, userId: number) {
  return db.selectFrom('memberships as m').innerJoin('programs as p', 'p.id', 'm.program_id')
    .select(['p.id', 'p.public_id', 'p.name', 'm.role']).where('m.user_id', '=', userId).orderBy('p.name').orderBy('p.id').execute()
}

// ---- sessions

export async function insertSession(db: Db, row: { id: string; user_id: number; program_id: number; csrf: string; created_at: number; expires_at: number }) {
  await db.insertInto('user_sessions').values(row).execute()
}

/** A live session with its user and the user's role in the session's program, in one prepared statement: every admin page reads it. */
export function findSessionUser(db: Db, id: string, now: number) {
  return readRow<UserRow & { session_program_id: number; session_csrf: string; session_role: Role }>(db, 'admin_session_user', `
    select u.*, s.program_id as session_program_id, s.csrf as session_csrf, m.role as session_role
    from user_sessions s join users u on u.id = s.user_id join memberships m on m.user_id = s.user_id and m.program_id = s.program_id
    where s.id = ? and s.expires_at > ?`, [id, now])
}

export async function setSessionProgram(db: Db, id: string, programId: number) {
  await db.updateTable('user_sessions').set({ program_id: programId }).where('id', '=', id).execute()
}

export async function deleteSession(db: Db, id: string) {
  await db.deleteFrom('user_sessions').where('id', '=', id).execute()
}

/** Every session of the user; or only those working on one program (the user left it). */
export async function deleteSessionsOf(db: Db, userId: number, programId?: number) {
  let query = db.deleteFrom('user_sessions').where('user_id', '=', userId)
  if (programId !== undefined) query = query.where('program_id', '=', programId)
  await query.execute()
}

/** Sessions that ran out are removed now and then, not on every read. */
export async function deleteExpiredSessions(db: Db, now: number) {
  await db.deleteFrom('user_sessions').where('expires_at', '<=', now).execute()
}

// ---- one-time links

/** A new link of `purpose` ends the user's earlier ones of the same purpose. */
export async function insertToken(db: Db, row: Insertable<UserTokenTable>) {
  await db.updateTable('user_tokens').set({ ended: 'replaced' })
    .where('user_id', '=', row.user_id).where('purpose', '=', row.purpose).where('ended', 'is', null).execute()
  await db.insertInto('user_tokens').values(row).execute()
}

export function findToken(db: Db, purpose: UserTokenPurpose, tokenHash: string) {
  return db.selectFrom('user_tokens').selectAll().where('token_hash', '=', tokenHash).where('purpose', '=', purpose).executeTakeFirst()
}

/** Ends a live link; false when another request ended it first (it is used once). */
export async function endToken(db: Db, id: number): Promise<boolean> {
  const result = await db.updateTable('user_tokens').set({ ended: 'used' }).where('id', '=', id).where('ended', 'is', null).executeTakeFirst()
  return Number(result.numUpdatedRows) === 1
}

// ---- audit log

export async function insertAudit(db: Db, row: Insertable<AuditLogTable>) {
  await db.insertInto('audit_log').values(row).execute()
}

/** A program's audit entries older than `beforeId` (all when undefined), newest first, with who did each. */
export function auditPage(db: Db, programId: number, beforeId: number | undefined, limit: number) {
  let query = db.selectFrom('audit_log as a').leftJoin('users as u', 'u.id', 'a.user_id')
    .selectAll('a').select(['u.email as user_email']).where('a.program_id', '=', programId)
  if (beforeId !== undefined) query = query.where('a.id', '<', beforeId)
  return query.orderBy('a.id', 'desc').limit(limit).execute()
}
