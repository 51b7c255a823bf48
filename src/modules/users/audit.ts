// The audit log: who did what in a program, and when. Written in the transaction of the change it
// tells about (an entry exists only if its change committed); read per program, newest first, a
// page at a time by id, so a long log costs no more to page through than a short one.
import type { Db } from '../../store/schema.js'
import { readJson, writeJson } from '../../store/json.js'
import { auditPage, insertAudit, programsOfUser } from './store.js'

export interface AuditRecord {
  programId: number
  /** Who did it; null for the command line and Partnerkit itself. */
  userId: number | null
  /** What was done, `object.verb`: `user.added`, `partner.approved`… */
  action: string
  objectType: string
  objectId: string | number
  /** What the change was, as JSON (the role given, before and after…). */
  detail?: unknown
}

export interface AuditEntry {
  id: number
  programId: number
  userId: number | null
  /** The user's address at reading time; null when no user did it (or the user is gone). */
  userEmail: string | null
  action: string
  objectType: string
  objectId: string
  detail: unknown
  at: number
}

export async function record(db: Db, entry: AuditRecord, now = Date.now()): Promise<void> {
  await insertAudit(db, {
    program_id: entry.programId, user_id: entry.userId, action: entry.action, object_type: entry.objectType,
    object_id: String(entry.objectId), detail: entry.detail === undefined ? null : writeJson(entry.detail), created_at: now,
  })
}

/**
 * A change the user made to itself (its password), recorded in every program it belongs to: what
 * the user can sign in with is the same in each, so each program's owners see it in their own log.
 */
export async function recordInProgramsOf(db: Db, userId: number, entry: { action: string; detail?: unknown }, now = Date.now()): Promise<void> {
  for (const program of await programsOfUser(db, userId)) {
    await record(db, { programId: Number(program.id), userId, action: entry.action, objectType: 'user', objectId: userId, detail: entry.detail }, now)
  }
}

export interface AuditPage {
  entries: AuditEntry[]
  /** Pass as `before` for the next (older) page; undefined on the last page. */
  next: number | undefined
}

/** A page of the program's log, newest first; `before` is the `next` of the page before. */
export async function auditTrail(db: Db, programId: number, options: { before?: number; limit?: number } = {}): Promise<AuditPage> {
  const limit = Math.min(Math.max(options.limit ?? 50, 1), 500)
  // One more than asked tells whether an older page exists.
  const rows = await auditPage(db, programId, options.before, limit + 1)
  const entries = rows.slice(0, limit).map((r) => ({
    id: Number(r.id), programId: Number(r.program_id), userId: r.user_id === null ? null : Number(r.user_id), userEmail: r.user_email,
    action: r.action, objectType: r.object_type, objectId: r.object_id, detail: r.detail === null ? null : readJson(r.detail), at: Number(r.created_at),
  }))
  return { entries, next: rows.length > limit ? entries[entries.length - 1]?.id : undefined }
}
