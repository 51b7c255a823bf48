// The in-process jobs `partnerkit serve` runs (architecture §1). Each coordinates through the store
// (conditional updates, row claiming), so any number of processes can run them side by side.
import type { FastifyBaseLogger } from 'fastify'
import type { Kysely } from 'kysely'
import type { Database } from '../store/schema.js'
import { releaseDueRewards } from '../modules/rewards/review.js'
import { webhookDispatcher, type DispatcherOptions } from '../modules/webhooks/dispatcher.js'
import { runAutomaticPayouts } from '../modules/payouts/automation.js'
import { mailJob, type MailJobOptions } from '../mail/job.js'
import { every, type Running } from './every.js'

export interface JobTimings {
  /** How often rewards whose review period ended become payable. */
  reviewReleaseMs: number
  /** How often new events are fanned out to webhooks and due deliveries are sent. */
  webhookDeliveryMs: number
  /** How often programs with automatic payouts are checked for a schedule slot not yet run. */
  payoutAutomationMs: number
  /** How often new events are turned into mails and due mails are sent (sign-in codes should not wait). */
  mailMs: number
}

export const DEFAULT_JOB_TIMINGS: JobTimings = { reviewReleaseMs: 60_000, webhookDeliveryMs: 1_000, payoutAutomationMs: 300_000, mailMs: 1_000 }

/**
 * Timings left out keep their defaults; `webhookOptions` carries the delivery settings (and test
 * seams); `mailOptions` the mail sender and the base of links in mails (no mail job without it).
 */
export function startJobs(db: Kysely<Database>, log: FastifyBaseLogger, given: Partial<JobTimings> = {}, webhookOptions: DispatcherOptions = {},
  mailOptions?: MailJobOptions): Running {
  const timings = { ...DEFAULT_JOB_TIMINGS, ...given }
  const webhooks = webhookDispatcher(db, webhookOptions)
  const mail = mailOptions ? mailJob(db, mailOptions) : undefined
  const jobs = [
    every(timings.reviewReleaseMs, () => releaseDueRewards(db), (err) => log.error({ err }, 'review release failed')),
    every(timings.webhookDeliveryMs, () => webhooks.runOnce(), (err) => log.error({ err }, 'webhook delivery failed')),
    every(timings.payoutAutomationMs, () => runAutomaticPayouts(db), (err) => log.error({ err }, 'automatic payouts failed')),
    ...(mail ? [every(timings.mailMs, () => mail.runOnce(), (err) => log.error({ err }, 'mail job failed'))] : []),
  ]
  return {
    stop: async () => {
      await Promise.all(jobs.map((j) => j.stop()))
      mail?.close()
    },
  }
}
