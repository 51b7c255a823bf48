// The dispatcher's queries. Deliveries are claimed by one conditional UPDATE: a row is taken only
// while it is pending, due and unclaimed (or its claim ran out), and a claim token marks who took
// it. On PostgreSQL the candidate rows are also locked with SKIP LOCKED, so concurrent processes
// pass each other instead of queueing; SQLite has a single writer anyway.
import type { Insertable, Kysely } from 'kysely'
import { sql } from 'kysely'
import type { Database, Db, WebhookDeliveryTable } from '../../store/schema.js'
import { readJson } from '../../store/json.js'
import { dialectOf } from '../../store/prepared.js'
import { inTransaction } from '../../store/transaction.js'
import { eventsToFanOut, markFannedOut } from '../../events/outbox.js'
import { newDelivery } from './payload.js'
import { withOpenSecret } from './store.js'
import { eventsOf, type DeliveryRow, type SubscriptionRow } from './representation.js'

const INSERT_CHUNK = 100

/**
 * Turns up to `batch` new outbox events after id `after` into deliveries, one per active
 * subscription that takes the event and existed when it happened. Returns how many events were
 * handled and the last one's id, or undefined when there was none.
 *
 * Fanned-out events leave dead entries at the start of the index of new ones until the table is
 * vacuumed, so each scan from the start walks all of them: the batches of one run each start
 * after the one before. An event committed late, behind an id already passed, is found by the
 * next run, which starts from the beginning.
 */
export async function fanOut(db: Kysely<Database>, now: number, batch: number, after = 0): Promise<{ count: number; last: number } | undefined> {
  return inTransaction(db, async (tx) => {
    const events = await eventsToFanOut(tx, after, batch)
    if (events.length === 0) return undefined
    const programIds = [...new Set(events.map((e) => Number(e.program_id)))]
    const subscriptions = await tx.selectFrom('webhook_subscriptions').selectAll()
      .where('program_id', 'in', programIds).where('is_active', '=', 1).execute()
    const deliveries: Insertable<WebhookDeliveryTable>[] = []
    for (const e of events) {
      for (const sub of subscriptions) {
        if (Number(sub.program_id) !== Number(e.program_id) || Number(sub.created_at) > Number(e.created_at)) continue
        if (!eventsOf(sub).includes(e.type)) continue
        deliveries.push(newDelivery(sub, { event: e.type, data: readJson(e.data), createdAt: Number(e.created_at), outboxId: Number(e.id) }, now))
      }
    }
    for (let i = 0; i < deliveries.length; i += INSERT_CHUNK) {
      await tx.insertInto('webhook_deliveries').values(deliveries.slice(i, i + INSERT_CHUNK))
        .onConflict((oc) => oc.columns(['subscription_id', 'outbox_id']).doNothing()).execute()
    }
    await markFannedOut(tx, events.map((e) => Number(e.id)))
    return { count: events.length, last: Number(events[events.length - 1]!.id) }
  })
}

export interface Claimed {
  delivery: DeliveryRow
  subscription: SubscriptionRow
}

/** Takes up to `limit` due deliveries of active subscriptions until `claimedUntil`, counting the attempt. */
export async function claimDue(db: Db, now: number, claimedUntil: number, token: string, limit: number): Promise<Claimed[]> {
  const free = sql`(claimed_until is null or claimed_until < ${now})`
  const lock = dialectOf(db) === 'postgres' ? sql`for update of d skip locked` : sql``
  const { rows } = await sql<DeliveryRow>`
    update webhook_deliveries
    set claimed_until = ${claimedUntil}, claim_token = ${token}, attempts = attempts + 1, last_attempt_at = ${now}
    where id in (
      select d.id from webhook_deliveries d join webhook_subscriptions s on s.id = d.subscription_id
      where d.status = 'pending' and d.next_attempt_at <= ${now} and s.is_active = 1
        and (d.claimed_until is null or d.claimed_until < ${now})
      order by d.next_attempt_at limit ${limit} ${lock}
    ) and status = 'pending' and ${free}
    returning *`.execute(db)
  if (rows.length === 0) return []
  const subs = await db.selectFrom('webhook_subscriptions').selectAll()
    .where('id', 'in', [...new Set(rows.map((r) => Number(r.subscription_id)))]).execute()
  const byId = new Map(subs.map((s) => [Number(s.id), withOpenSecret(db, s)]))
  return rows.flatMap((delivery) => {
    const subscription = byId.get(Number(delivery.subscription_id))
    return subscription ? [{ delivery, subscription }] : []
  })
}

export type Settlement =
  | { kind: 'delivered'; status: number }
  | { kind: 'retry'; at: number; status?: number; error: string }
  | { kind: 'failed'; status?: number; error: string; disableReason: string }

/** Records an attempt's result; false when the claim was lost (redelivered, or taken over after it ran out). */
export async function settle(db: Kysely<Database>, claimed: DeliveryRow, outcome: Settlement, now: number): Promise<boolean> {
  return inTransaction(db, async (tx) => {
    const changed = await tx.updateTable('webhook_deliveries').set({
      claimed_until: null,
      claim_token: null,
      last_status_code: outcome.status ?? null,
      last_error: outcome.kind === 'delivered' ? null : outcome.error.slice(0, 500),
      ...(outcome.kind === 'delivered' ? { status: 'delivered', delivered_at: now } : {}),
      ...(outcome.kind === 'retry' ? { next_attempt_at: outcome.at } : {}),
      ...(outcome.kind === 'failed' ? { status: 'failed' } : {}),
    }).where('id', '=', Number(claimed.id)).where('claim_token', '=', claimed.claim_token).returning('id').executeTakeFirst()
    if (!changed) return false
    if (outcome.kind === 'failed') {
      await tx.updateTable('webhook_subscriptions')
        .set({ is_active: 0, disabled_reason: outcome.disableReason.slice(0, 500), updated_at: now })
        .where('id', '=', Number(claimed.subscription_id)).where('is_active', '=', 1).execute()
    }
    return true
  })
}
