// Webhook subscription rules (spec §3.12): events must suit the program type, the URL must pass the
// SSRF guard, keys are unique per program, and re-activating a subscription clears why delivery
// had switched it off. Deliveries are made by the dispatcher (dispatcher.ts); here only the
// merchant's own: a redelivery and a test event.
import type { Kysely } from 'kysely'
import { badRequest, invalid, invalidField, notFound, type FieldErrors } from '../../domain-errors.js'
import type { Database, Db } from '../../store/schema.js'
import { withUniqueIndex } from '../../store/unique.js'
import { randomToken } from '../../tokens.js'
import type { Program } from '../programs/service.js'
import { isWebhookEvent } from './events.js'
import { newDelivery } from './payload.js'
import { deliveryView, eventsOf, webhookView, type DeliveryRow, type SubscriptionRow } from './representation.js'
import type { NewWebhookInput, UpdateWebhookInput, WebhookChanges } from './schemas.js'
import {
  countFailingSubscriptions, deleteSubscription, findDelivery, findSubscription, insertDelivery, insertSubscription, listDeliveries, listSubscriptions, requeueDelivery,
  updateSubscription,
} from './store.js'
import { resolvedUrlProblem } from './url-guard.js'

export interface WebhookSettings {
  allowPrivateUrls: boolean
}

export async function requireSubscription(db: Db, program: Program, key: string): Promise<SubscriptionRow> {
  const row = await findSubscription(db, program.id, key)
  if (!row) throw notFound('Webhook not found')
  return row
}

export async function createSubscription(db: Kysely<Database>, program: Program, input: NewWebhookInput, settings: WebhookSettings, now = Date.now()) {
  await checkFields(program, input, settings)
  if (input.key !== undefined && await findSubscription(db, program.id, input.key)) throw keyTaken()
  return withUniqueIndex(() => insertSubscription(db, {
    program_id: program.id,
    key: input.key ?? randomToken(12),
    name: input.name,
    url: input.url,
    events: JSON.stringify(unique(input.events)),
    is_active: input.is_active === false ? 0 : 1,
    secret: randomToken(16),
    disabled_reason: null,
    created_at: now,
    updated_at: now,
  }), () => 'key', keyTaken)
}

export async function changeSubscription(db: Kysely<Database>, program: Program, key: string, input: UpdateWebhookInput, settings: WebhookSettings, now = Date.now()) {
  const changes: WebhookChanges = input.update ?? input
  const row = await requireSubscription(db, program, key)
  await checkFields(program, changes, settings)
  return updateSubscription(db, Number(row.id), {
    ...(changes.name !== undefined ? { name: changes.name } : {}),
    ...(changes.url !== undefined ? { url: changes.url } : {}),
    ...(changes.events !== undefined ? { events: JSON.stringify(unique(changes.events)) } : {}),
    // Switched on or off by the merchant: whatever delivery had concluded no longer applies.
    ...(changes.is_active !== undefined ? { is_active: changes.is_active ? 1 : 0, disabled_reason: null } : {}),
    updated_at: now,
  })
}

export async function removeSubscription(db: Db, program: Program, key: string): Promise<void> {
  const row = await requireSubscription(db, program, key)
  if (!await deleteSubscription(db, Number(row.id))) throw notFound('Webhook not found')
}

export async function redeliver(db: Db, program: Program, key: string, webhookId: string, now = Date.now()): Promise<DeliveryRow> {
  const sub = await requireActive(db, program, key)
  const delivery = await findDelivery(db, Number(sub.id), webhookId)
  if (!delivery) throw notFound('Delivery not found')
  return requeueDelivery(db, Number(delivery.id), now)
}

/** Queues a test event: the named event (one the webhook takes) with `{"test": true}` as its data. */
export async function sendTestEvent(db: Db, program: Program, key: string, event: string | undefined, now = Date.now()): Promise<DeliveryRow> {
  const sub = await requireActive(db, program, key)
  const events = eventsOf(sub)
  const chosen = event ?? events[0] ?? ''
  if (!events.includes(chosen)) throw invalidField('event', 'The event must be one of the webhook\'s events.')
  return insertDelivery(db, newDelivery(sub, { event: chosen, data: { test: true }, createdAt: now, outboxId: null }, now))
}

async function requireActive(db: Db, program: Program, key: string): Promise<SubscriptionRow> {
  const sub = await requireSubscription(db, program, key)
  if (Number(sub.is_active) !== 1) throw badRequest('The webhook is not active; activate it first.', 'webhook_inactive')
  return sub
}

async function checkFields(program: Program, input: WebhookChanges, settings: WebhookSettings): Promise<void> {
  const errors: FieldErrors = {}
  input.events?.forEach((event, i) => {
    if (!isWebhookEvent(program.type, event)) errors[`events.${i}`] = [`The event ${event} is not available for ${program.type} programs.`]
  })
  const problem = input.url === undefined ? undefined : await resolvedUrlProblem(input.url, settings.allowPrivateUrls)
  if (problem) errors.url = [problem]
  if (Object.keys(errors).length > 0) throw invalid(errors)
}

const keyTaken = () => invalidField('key', 'The key has already been taken.')
const unique = (events: string[]) => [...new Set(events)]

/** One window of the program's webhooks, as the API shows them. */
export async function listWebhooks(db: Db, program: Program, window: { offset: number; fetch: number }) {
  return (await listSubscriptions(db, program.id, window)).map(webhookView)
}

/** One window of a webhook's delivery log, newest first. */
export async function listWebhookDeliveries(db: Db, subscription: SubscriptionRow, window: { offset: number; fetch: number }) {
  return (await listDeliveries(db, Number(subscription.id), window)).map(deliveryView)
}

/**
 * The program's webhooks whose newest tried delivery did not succeed (what the dashboard counts as
 * failing): switched off by the dispatcher after its last try, or waiting to be tried again. One the
 * merchant switched off is no longer waited on, so it does not count.
 */
export function failingWebhookCount(db: Db, programId: number): Promise<number> {
  return countFailingSubscriptions(db, programId)
}
