// The mails table's one store. A mail is queued with the caller's handle: inside a transaction it
// commits with the change it tells about, or not at all. The job claims due mails with one
// conditional UPDATE (pending, due, unclaimed or its claim ran out) and a claim token, as the
// webhook dispatcher does, so several processes never send one mail twice; on PostgreSQL the
// candidates are also locked with SKIP LOCKED, so concurrent jobs pass each other.
import type { Selectable } from 'kysely'
import { sql } from 'kysely'
import type { Db, MailStatus, MailTable } from '../store/schema.js'
import { dialectOf } from '../store/prepared.js'
import type { Message } from './message.js'

export type MailRow = Selectable<MailTable>

export interface NewMail {
  /** The message's name (`application-received`, `sign-in-code`…). */
  kind: string
  to: string
  message: Message
  programId?: number | null
  /** The event the mail tells about: a second mail for the same event is not queued. */
  outboxId?: number
}

/** Queues mails to be sent by the mail job; returns how many were queued (an event's second mail is not). */
export async function queueMails(db: Db, mails: NewMail[], now = Date.now()): Promise<number> {
  if (mails.length === 0) return 0
  const rows = mails.map((m) => ({
    program_id: m.programId ?? null,
    outbox_id: m.outboxId ?? null,
    kind: m.kind,
    to_address: m.to,
    subject: m.message.subject,
    text: m.message.text,
    html: m.message.html,
    status: 'pending' as const,
    attempts: 0,
    next_attempt_at: now,
    created_at: now,
  }))
  const made = await db.insertInto('mails').values(rows).onConflict((oc) => oc.column('outbox_id').doNothing())
    .returning('id').execute()
  return made.length
}

/** One mail, queued in the caller's transaction when it has one. */
export async function queueMail(db: Db, mail: NewMail, now = Date.now()): Promise<void> {
  await queueMails(db, [mail], now)
}

/** Takes up to `limit` due mails until `claimedUntil`, counting the attempt. */
export async function claimDueMails(db: Db, now: number, claimedUntil: number, token: string, limit: number): Promise<MailRow[]> {
  const lock = dialectOf(db) === 'postgres' ? sql`for update skip locked` : sql``
  const { rows } = await sql<MailRow>`
    update mails
    set claimed_until = ${claimedUntil}, claim_token = ${token}, attempts = attempts + 1
    where id in (
      select id from mails
      where status = 'pending' and next_attempt_at <= ${now} and (claimed_until is null or claimed_until < ${now})
      order by next_attempt_at, id limit ${limit} ${lock}
    ) and status = 'pending' and (claimed_until is null or claimed_until < ${now})
    returning *`.execute(db)
  return rows
}

export type MailOutcome =
  | { kind: 'sent' | 'logged' }
  | { kind: 'retry'; at: number; error: string }
  | { kind: 'failed'; error: string }

/** Records an attempt's result; false when the claim was lost (it ran out and another job took the mail). */
/** Mails that carry a one-time link or code: once a relay has them, the store keeps none of it. */
const SECRET_KINDS = new Set(['sign-in', 'password-reset', 'verify-email', 'admin-invitation', 'admin-password-reset'])
const REMOVED = '(Removed once sent: this mail held a one-time link.)'

export async function settleMail(db: Db, claimed: MailRow, outcome: MailOutcome, now: number): Promise<boolean> {
  const done = outcome.kind === 'sent' || outcome.kind === 'logged'
  // Without a relay (`logged`) the stored mail is how a laptop install signs in: it stays.
  const forget = outcome.kind === 'sent' && SECRET_KINDS.has(claimed.kind)
  const status: MailStatus = done ? outcome.kind as MailStatus : outcome.kind === 'failed' ? 'failed' : 'pending'
  const changed = await db.updateTable('mails').set({
    status,
    claimed_until: null,
    claim_token: null,
    last_error: outcome.kind === 'retry' || outcome.kind === 'failed' ? outcome.error.slice(0, 500) : null,
    ...(done ? { sent_at: now } : {}),
    ...(forget ? { text: REMOVED, html: REMOVED, subject: claimed.subject.replace(/\d{6}/g, '······') } : {}),
    ...(outcome.kind === 'retry' ? { next_attempt_at: outcome.at } : {}),
  }).where('id', '=', Number(claimed.id)).where('claim_token', '=', claimed.claim_token).returning('id').executeTakeFirst()
  return changed !== undefined
}

/** The newest mails first, optionally only those to one address (ignoring case). */
export function recentMails(db: Db, limit: number, to?: string): Promise<MailRow[]> {
  let q = db.selectFrom('mails').selectAll().orderBy('created_at', 'desc').orderBy('id', 'desc').limit(limit)
  if (to !== undefined) q = q.where(sql<string>`lower(to_address)`, '=', to.toLowerCase())
  return q.execute()
}
