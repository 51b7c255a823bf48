// Queries of the webhook endpoints, scoped by program. The dispatcher's own queries are in queue.ts.
import type { Insertable, Updateable } from 'kysely'
import type { Db, WebhookDeliveryTable, WebhookSubscriptionTable } from '../../store/schema.js'
import type { DeliveryRow, SubscriptionRow } from './representation.js'

export function findSubscription(db: Db, programId: number, key: string): Promise<SubscriptionRow | undefined> {
  return db.selectFrom('webhook_subscriptions').selectAll().where('program_id', '=', programId).where('key', '=', key).executeTakeFirst()
}

export function listSubscriptions(db: Db, programId: number, q: { offset: number; fetch: number }): Promise<SubscriptionRow[]> {
  return db.selectFrom('webhook_subscriptions').selectAll().where('program_id', '=', programId)
    .orderBy('id', 'desc').offset(q.offset).limit(q.fetch).execute()
}

export function insertSubscription(db: Db, values: Insertable<WebhookSubscriptionTable>): Promise<SubscriptionRow> {
  return db.insertInto('webhook_subscriptions').values(values).returningAll().executeTakeFirstOrThrow()
}

export function updateSubscription(db: Db, id: number, changes: Updateable<WebhookSubscriptionTable>): Promise<SubscriptionRow> {
  return db.updateTable('webhook_subscriptions').set(changes).where('id', '=', id).returningAll().executeTakeFirstOrThrow()
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
