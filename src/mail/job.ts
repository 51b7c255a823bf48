// The mail job: each run turns new outbox events into mails (from-events.ts), then sends the
// mails that are due — through SMTP, or to the log without SMTP_URL. All of its state is in the
// store, so a restart loses nothing: a claim never settled (a crash mid-send) runs out and another
// run sends that mail again. A mail is sent at least once, and never by two runs at the same time.
import type { Kysely } from 'kysely'
import type { Database } from '../store/schema.js'
import { inTransaction } from '../store/transaction.js'
import { eventsToMail, markMailed } from '../events/outbox.js'
import { randomToken } from '../tokens.js'
import { mailsForEvents } from './from-events.js'
import { MAIL_MAX_ATTEMPTS, mailRetryDelay } from './schedule.js'
import { MailError, SMTP_TIMEOUT_MS, asMailError, type Sender } from './sender.js'
import { claimDueMails, queueMails, settleMail, type MailOutcome, type MailRow } from './store.js'

export interface MailJobOptions {
  sender: Sender
  /** Starts the links in event mails: PUBLIC_URL, or the address the server listens on. */
  baseUrl: string
  /** The clock (tests use a fake one). */
  now?: () => number
  random?: () => number
  /** Mails sent at once by one run. */
  concurrency?: number
}

/** Events read per transaction. */
const EVENT_BATCH = 200
/** A claim outlives the longest SMTP conversation, so it only runs out when its holder is gone. */
const CLAIM_MS = SMTP_TIMEOUT_MS * 2 + 60_000

export interface MailRunReport {
  /** Mails queued from events. */
  queued: number
  /** Send attempts made. */
  attempted: number
}

export function mailJob(db: Kysely<Database>, options: MailJobOptions) {
  const now = options.now ?? Date.now
  const random = options.random ?? Math.random
  const concurrency = options.concurrency ?? 5
  const { sender } = options

  /** One batch of events after id `after`, their mails queued and the events marked in the same transaction. */
  const readEvents = (after: number) => inTransaction(db, async (tx) => {
    const events = await eventsToMail(tx, after, EVENT_BATCH)
    if (events.length === 0) return undefined
    const queued = await queueMails(tx, await mailsForEvents(tx, events, options.baseUrl), now())
    await markMailed(tx, events.map((e) => Number(e.id)))
    return { queued, last: Number(events[events.length - 1]!.id) }
  })

  const attempt = async (mail: MailRow): Promise<void> => {
    let outcome: MailOutcome
    try {
      await sender.send({ to: mail.to_address, subject: mail.subject, text: mail.text, html: mail.html })
      outcome = { kind: sender.kind === 'smtp' ? 'sent' : 'logged' }
    } catch (err) {
      outcome = failure(err instanceof MailError ? err : asMailError(err), Number(mail.attempts), now(), random())
    }
    await settleMail(db, mail, outcome, now())
  }

  return {
    async runOnce(): Promise<MailRunReport> {
      const report = { queued: 0, attempted: 0 }
      // Each batch starts after the one before; an event committed late, behind an id already
      // passed, is still unmarked and found by the next run, which starts from the beginning.
      for (let last = 0, batch; (batch = await readEvents(last));) {
        report.queued += batch.queued
        last = batch.last
      }
      for (;;) {
        const at = now()
        const claimed = await claimDueMails(db, at, at + CLAIM_MS, randomToken(24), concurrency)
        if (claimed.length === 0) return report
        await Promise.all(claimed.map(attempt))
        report.attempted += claimed.length
      }
    },
    close: () => sender.close(),
  }
}

/** What a failed attempt means: try again later, or give up (a refusal, or the last attempt). */
export function failure(err: MailError, attempts: number, now: number, random: number): MailOutcome {
  const delay = err.permanent ? undefined : mailRetryDelay(attempts, random)
  if (delay === undefined) {
    const why = err.permanent ? 'refused' : `failed ${MAIL_MAX_ATTEMPTS} times`
    return { kind: 'failed', error: `${why}; last: ${err.message}` }
  }
  return { kind: 'retry', at: now + delay, error: err.message }
}
