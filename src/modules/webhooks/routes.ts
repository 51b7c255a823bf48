// Webhook subscription endpoints (spec §3.12) and their extensions: the delivery log, a
// redelivery, and a test event.
import type { FastifyInstance } from 'fastify'
import type { RouteDeps } from '../../http/route-deps.js'
import { Done, Envelope, done, ok } from '../../http/envelope.js'
import { listPath, type PageBounds, paged, PagedEnvelope, pageOf } from '../../http/pagination.js'
import { addRoute } from '../../http/route.js'
import { deliveryView, webhookView } from './representation.js'
import {
  Delivery, DeliveryParams, KeyParam, ListWebhooksInput, NewWebhookInput, TestEventInput, UpdateWebhookInput, Webhook,
} from './schemas.js'
import {
  changeSubscription, createSubscription, redeliver, removeSubscription, requireSubscription, sendTestEvent, type WebhookSettings, listWebhooks, listWebhookDeliveries,
} from './service.js'

const tags = ['Webhooks']
/** The webhook list's own range (spec §1.5). */
const WEBHOOK_PAGE: PageBounds = { defaultLimit: 10, minLimit: 10, maxLimit: 100 }

export function webhookRoutes(app: FastifyInstance, { store, base, config }: RouteDeps) {
  const db = store.db
  const settings: WebhookSettings = { allowPrivateUrls: config.allowPrivateWebhookUrls }

  addRoute(app, base, {
    method: 'GET', url: '/v1/webhooks', summary: 'List webhooks', tags, input: ListWebhooksInput,
    response: { 200: PagedEnvelope(Webhook) },
    handler: async ({ caller, input, bag, base, request }) => {
      const page = pageOf(input, WEBHOOK_PAGE)
      return paged(await listWebhooks(db, caller.program, { offset: page.offset, fetch: page.limit + 1 }), page, listPath(base, request), bag)
    },
  })

  addRoute(app, base, {
    method: 'POST', url: '/v1/webhooks', summary: 'Create a webhook; the answer carries its key and signing secret (signature)', tags,
    input: NewWebhookInput, successStatus: 201,
    response: { 201: Envelope(Webhook) },
    handler: async ({ caller, input }) => ok(webhookView(await createSubscription(db, caller.program, input, settings))),
  })

  addRoute(app, base, {
    method: 'GET', url: '/v1/webhooks/:key', summary: 'Get a webhook', tags, params: KeyParam,
    response: { 200: Envelope(Webhook) },
    handler: async ({ caller, params }) => ok(webhookView(await requireSubscription(db, caller.program, params.key as string))),
  })

  addRoute(app, base, {
    method: 'PUT', url: '/v1/webhooks/:key', summary: 'Update a webhook (fields flat or in `update`)', tags, params: KeyParam,
    input: UpdateWebhookInput,
    response: { 200: Envelope(Webhook) },
    handler: async ({ caller, params, input }) => ok(webhookView(await changeSubscription(db, caller.program, params.key as string, input, settings))),
  })

  addRoute(app, base, {
    method: 'DELETE', url: '/v1/webhooks/:key', summary: 'Delete a webhook and its delivery log', tags, params: KeyParam,
    response: { 200: Done },
    handler: async ({ caller, params }) => {
      await removeSubscription(db, caller.program, params.key as string)
      return done()
    },
  })

  addRoute(app, base, {
    method: 'GET', url: '/v1/webhooks/:key/deliveries', summary: 'The webhook\'s deliveries, newest first (extension)', tags,
    params: KeyParam, input: ListWebhooksInput,
    response: { 200: PagedEnvelope(Delivery) },
    handler: async ({ caller, params, input, bag, base, request }) => {
      const sub = await requireSubscription(db, caller.program, params.key as string)
      const page = pageOf(input, WEBHOOK_PAGE)
      return paged(await listWebhookDeliveries(db, sub, { offset: page.offset, fetch: page.limit + 1 }), page, listPath(base, request), bag)
    },
  })

  addRoute(app, base, {
    method: 'POST', url: '/v1/webhooks/:key/deliveries/:id/redeliver', summary: 'Send a delivery again, same webhook-id (extension)', tags,
    params: DeliveryParams,
    response: { 200: Envelope(Delivery) },
    handler: async ({ caller, params }) => ok(deliveryView(await redeliver(db, caller.program, params.key as string, params.id as string))),
  })

  addRoute(app, base, {
    method: 'POST', url: '/v1/webhooks/:key/test', summary: 'Queue a test event to the webhook (extension)', tags,
    params: KeyParam, input: TestEventInput, successStatus: 201,
    response: { 201: Envelope(Delivery) },
    handler: async ({ caller, params, input }) => ok(deliveryView(await sendTestEvent(db, caller.program, params.key as string, input.event))),
  })
}
