// What one delivery carries (spec §4.2): `{event, url, webhook_key, created_at, data}`, serialised
// once when the delivery is made, so every attempt sends (and signs) exactly the same bytes.
import type { Insertable } from 'kysely'
import type { WebhookDeliveryTable } from '../../store/schema.js'
import { isoMicros } from '../../wire-time.js'
import { randomToken } from '../../tokens.js'
import type { SubscriptionRow } from './representation.js'

export interface Occurrence {
  event: string
  data: unknown
  createdAt: number
  /** The outbox row announcing it; none for a test event. */
  outboxId: number | null
}

export function newDelivery(sub: SubscriptionRow, what: Occurrence, now: number): Insertable<WebhookDeliveryTable> {
  const body = JSON.stringify({
    event: what.event,
    url: sub.url,
    webhook_key: sub.key,
    created_at: isoMicros(what.createdAt),
    data: what.data,
  })
  return {
    program_id: Number(sub.program_id),
    subscription_id: Number(sub.id),
    outbox_id: what.outboxId,
    webhook_id: `msg_${randomToken(24)}`,
    event: what.event,
    body,
    status: 'pending',
    attempts: 0,
    next_attempt_at: now,
    created_at: now,
  }
}
