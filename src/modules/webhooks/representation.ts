// A webhook subscription and a delivery as the API answers them.
import type { Selectable } from 'kysely'
import type { WebhookDeliveryTable, WebhookSubscriptionTable } from '../../store/schema.js'
import { isoMicros } from '../../wire-time.js'

export type SubscriptionRow = Selectable<WebhookSubscriptionTable>
export type DeliveryRow = Selectable<WebhookDeliveryTable>

const timeOrNull = (ms: number | null) => (ms === null ? null : isoMicros(Number(ms)))

export function eventsOf(row: SubscriptionRow): string[] {
  return JSON.parse(row.events) as string[]
}

export function webhookView(row: SubscriptionRow) {
  return {
    key: row.key,
    name: row.name,
    url: row.url,
    is_active: Number(row.is_active) === 1,
    signature: row.secret,
    events: eventsOf(row),
    disabled_reason: row.disabled_reason,
    created_at: isoMicros(Number(row.created_at)),
    updated_at: isoMicros(Number(row.updated_at)),
  }
}

export function deliveryView(row: DeliveryRow) {
  return {
    id: row.webhook_id,
    event: row.event,
    status: row.status,
    attempts: Number(row.attempts),
    next_attempt_at: row.status === 'pending' ? isoMicros(Number(row.next_attempt_at)) : null,
    last_attempt_at: timeOrNull(row.last_attempt_at),
    last_status_code: row.last_status_code === null ? null : Number(row.last_status_code),
    last_error: row.last_error,
    created_at: isoMicros(Number(row.created_at)),
    delivered_at: timeOrNull(row.delivered_at),
  }
}
