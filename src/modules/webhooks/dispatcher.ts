// The webhook dispatcher (architecture §6.12): each run turns new outbox events into deliveries,
// then sends the deliveries that are due — at least once, signed, retried on the schedule of
// schedule.ts. All of its state is in the store, so a restart (or a crash mid-send) loses
// nothing: a claim that is never settled runs out and another run sends the delivery again,
// with the same webhook-id.
import type { Kysely } from 'kysely'
import type { Database } from '../../store/schema.js'
import { randomToken } from '../../tokens.js'
import { claimDue, fanOut, settle, type Claimed, type Settlement } from './queue.js'
import { MAX_ATTEMPTS, retryAfterMs, retryDelay } from './schedule.js'
import { DELIVERY_TIMEOUT_MS, httpSender, type Outcome, type Send } from './sender.js'
import { deliveryHeaders } from './signing.js'

export interface DispatcherOptions {
  allowPrivateUrls?: boolean
  /** Replaces the HTTP sender (tests). */
  send?: Send
  /** The clock (tests use a fake one). */
  now?: () => number
  random?: () => number
  timeoutMs?: number
  /** Deliveries sent at once by one run. */
  concurrency?: number
}

/** Events fanned out per transaction. */
const FAN_OUT_BATCH = 200
/** A claim outlives the longest attempt, so it only runs out when its holder is gone. */
const CLAIM_MARGIN_MS = 60_000

export interface RunReport {
  fannedOut: number
  attempted: number
}

export function webhookDispatcher(db: Kysely<Database>, options: DispatcherOptions = {}) {
  const now = options.now ?? Date.now
  const random = options.random ?? Math.random
  const timeoutMs = options.timeoutMs ?? DELIVERY_TIMEOUT_MS
  const send = options.send ?? httpSender(options.allowPrivateUrls ?? false)
  const concurrency = options.concurrency ?? 10

  const attempt = async ({ delivery, subscription }: Claimed): Promise<void> => {
    const headers = deliveryHeaders(delivery.webhook_id, delivery.body, subscription.secret, now())
    const outcome = await send({ url: subscription.url, headers, body: delivery.body, timeoutMs })
    await settle(db, delivery, settlementOf(outcome, Number(delivery.attempts), now(), random()), now())
  }

  return {
    /** One pass: fan out every new event, then send what is due (in rounds of `concurrency`). */
    async runOnce(): Promise<RunReport> {
      const report = { fannedOut: 0, attempted: 0 }
      // Each batch starts after the one before; the next run starts from the beginning again.
      for (let last = 0, batch; (batch = await fanOut(db, now(), FAN_OUT_BATCH, last));) {
        report.fannedOut += batch.count
        last = batch.last
      }
      for (;;) {
        const at = now()
        const claimed = await claimDue(db, at, at + timeoutMs + CLAIM_MARGIN_MS, randomToken(24), concurrency)
        if (claimed.length === 0) return report
        await Promise.all(claimed.map(attempt))
        report.attempted += claimed.length
      }
    },
  }
}

/** What an attempt's outcome means for its delivery (and, on 410 or the last failure, its subscription). */
export function settlementOf(outcome: Outcome, attempts: number, now: number, random: number): Settlement {
  const { status } = outcome
  if (status !== undefined && status >= 200 && status <= 299) return { kind: 'delivered', status }
  const error = outcome.error ?? `HTTP ${status}`
  if (status === 410) return { kind: 'failed', status, error, disableReason: 'The endpoint answered 410 Gone.' }
  const delay = retryDelay(attempts, retryAfterMs(outcome.retryAfter, now), random)
  if (delay === undefined) {
    return { kind: 'failed', ...(status !== undefined ? { status } : {}), error, disableReason: `Delivery failed ${MAX_ATTEMPTS} times in a row; last: ${error}` }
  }
  return { kind: 'retry', at: now + delay, ...(status !== undefined ? { status } : {}), error }
}
