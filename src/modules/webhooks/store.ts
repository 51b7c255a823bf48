// Queries of the webhook endpoints, scoped by program. The dispatcher's own queries are in queue.ts.
import type { Insertable, Updateable } from 'kysely'
import type { Db, WebhookDeliveryTable, WebhookSubscriptionTable } from '../../store/schema.js'
import { openSecret, sealSecret } from '../../store/secrets.js'
import type { DeliveryRow, SubscriptionRow } from './representation.js'
import { storableText } from '../../store/text-keys.js'

/** A subscription as stored: its signing secret sealed (store/secrets.ts). Every read opens it. */
export function withOpenSecret(db: Db, row: SubscriptionRow): SubscriptionRow {
  return { ...row, secret: openSecret(db, row.secret) }
}

export async function findSubscription(db: Db, programId: number, key: string): Promise<SubscriptionRow | undefined> {
  if (!storableText(key)) return undefined
  const row = await db.selectFrom('webhook_subscriptions').selectAll().where('program_id', '=', programId).where('key', '=', key).executeTakeFirst()
  return row && withOpenSecret(db, row)
}

export async function listSubscriptions(db: Db, programId: number, q: { offset: number; fetch: number }): Promise<SubscriptionRow[]> {
  const rows = await db.selectFrom('webhook_subscriptions').selectAll().where('program_id', '=', programId)
    .orderBy('id', 'desc').offset(q.offset).limit(q.fetch).execute()
  return rows.map((row) => withOpenSecret(db, row))
}

export async function insertSubscription(db: Db, values: Insertable<WebhookSubscriptionTable>): Promise<SubscriptionRow> {
  const row = await db.insertInto('webhook_subscriptions').values({ ...values, secret: sealSecret(db, values.secret) }).returningAll().executeTakeFirstOrThrow()
  return withOpenSecret(db, row)
}

export async function updateSubscription(db: Db, id: number, changes: Updateable<WebhookSubscriptionTable>): Promise<SubscriptionRow> {
  const sealed = changes.secret === undefined ? changes : { ...changes, secret: sealSecret(db, changes.secret as string) }
  return withOpenSecret(db, await db.updateTable('webhook_subscriptions').set(sealed).where('id', '=', id).returningAll().executeTakeFirstOrThrow())
}

export async function deleteSubscription(db: Db, id: number): Promise<boolean> {
  const gone = await db.deleteFrom('webhook_subscriptions').where('id', '=', id).returning('id').executeTakeFirst()
  return gone !== undefined
}

export function listDeliveries(db: Db, subscriptionId: number, q: { offset: number; fetch: number }): Promise<DeliveryRow[]> {
  return db.selectFrom('webhook_deliveries').selectAll().where('subscription_id', '=', subscriptionId)
    .orderBy('id', 'desc').offset(q.offset).limit(q.fetch).execute()
}

export function findDelivery(db: Db, subscriptionId: number, webhookId: string): Promise<DeliveryRow | undefined> {
  if (!storableText(webhookId)) return Promise.resolve(undefined)
  return db.selectFrom('webhook_deliveries').selectAll().where('subscription_id', '=', subscriptionId)
    .where('webhook_id', '=', webhookId).executeTakeFirst()
}

export function insertDelivery(db: Db, values: Insertable<WebhookDeliveryTable>): Promise<DeliveryRow> {
  return db.insertInto('webhook_deliveries').values(values).returningAll().executeTakeFirstOrThrow()
}

/** Sends the delivery again from the start of the schedule, keeping its webhook-id. */
export function requeueDelivery(db: Db, id: number, now: number): Promise<DeliveryRow> {
  return db.updateTable('webhook_deliveries')
    .set({ status: 'pending', attempts: 0, next_attempt_at: now, claimed_until: null, claim_token: null, delivered_at: null })
    .where('id', '=', id).returningAll().executeTakeFirstOrThrow()
}

/**
 * The program's subscriptions, but those the merchant switched off, whose newest tried delivery is
 * not delivered. Newest by id, which the (subscription_id, id) index finds from the top: one row a
 * subscription, however long its log (a redelivered older delivery does not count).
 */
export async function countFailingSubscriptions(db: Db, programId: number): Promise<number> {
  const row = await db.selectFrom('webhook_subscriptions as s')
    .select((eb) => eb.fn.countAll<number | string>().as('n'))
    .where('s.program_id', '=', programId)
    .where((eb) => eb.or([eb('s.is_active', '=', 1), eb('s.disabled_reason', 'is not', null)]))
    .where((eb) => eb(
      eb.selectFrom('webhook_deliveries as d').select('d.status')
        .whereRef('d.subscription_id', '=', 's.id').where('d.last_attempt_at', 'is not', null)
        .orderBy('d.id', 'desc').limit(1),
      '<>', 'delivered',
    ))
    .executeTakeFirstOrThrow()
  return Number(row.n)
}
