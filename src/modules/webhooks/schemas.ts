// Request and response schemas of the webhook endpoints (spec §3.12, and our delivery extensions).
import { Type, type Static } from 'typebox'
import { PageInput } from '../../http/pagination.js'

export const WEBHOOK_KEY_PATTERN = '^[A-Za-z0-9_-]{1,64}$'

const EventName = Type.String({ minLength: 1, maxLength: 64 })

const WebhookFields = {
  name: Type.String({ minLength: 1, maxLength: 255 }),
  url: Type.String({ minLength: 1, maxLength: 2048, description: 'http(s) URL that receives the POSTs' }),
  events: Type.Array(EventName, { minItems: 1, maxItems: 100, description: 'Event names valid for the program type' }),
  is_active: Type.Boolean({ description: 'Default true' }),
}

export const NewWebhookInput = Type.Object({
  ...WebhookFields,
  is_active: Type.Optional(WebhookFields.is_active),
  key: Type.Optional(Type.String({ pattern: WEBHOOK_KEY_PATTERN, description: 'Generated (12 characters) when omitted' })),
})
export type NewWebhookInput = Static<typeof NewWebhookInput>

export const WebhookChanges = Type.Object({
  name: Type.Optional(WebhookFields.name),
  url: Type.Optional(WebhookFields.url),
  events: Type.Optional(WebhookFields.events),
  is_active: Type.Optional(WebhookFields.is_active),
})
export type WebhookChanges = Static<typeof WebhookChanges>

/** `{update: {...}}` (official clients' style) or the fields flat. */
export const UpdateWebhookInput = Type.Object({
  ...WebhookChanges.properties,
  update: Type.Optional(WebhookChanges),
})
export type UpdateWebhookInput = Static<typeof UpdateWebhookInput>

export const ListWebhooksInput = Type.Object({ ...PageInput })

export const TestEventInput = Type.Object({
  event: Type.Optional(Type.String({ minLength: 1, maxLength: 64, description: 'One of the webhook\'s events; its first by default' })),
})

export const Webhook = Type.Object({
  key: Type.String(),
  name: Type.String(),
  url: Type.String(),
  is_active: Type.Boolean(),
  signature: Type.String({ description: 'The signing secret' }),
  events: Type.Array(Type.String()),
  disabled_reason: Type.Union([Type.String(), Type.Null()], { description: 'Why delivery switched the webhook off (extension)' }),
  created_at: Type.String(),
  updated_at: Type.String(),
})

export const Delivery = Type.Object({
  id: Type.String({ description: 'The webhook-id header: the same on every attempt' }),
  event: Type.String(),
  status: Type.Union([Type.Literal('pending'), Type.Literal('delivered'), Type.Literal('failed')]),
  attempts: Type.Integer(),
  next_attempt_at: Type.Union([Type.String(), Type.Null()]),
  last_attempt_at: Type.Union([Type.String(), Type.Null()]),
  last_status_code: Type.Union([Type.Integer(), Type.Null()]),
  last_error: Type.Union([Type.String(), Type.Null()]),
  created_at: Type.String(),
  delivered_at: Type.Union([Type.String(), Type.Null()]),
})

export const KeyParam = Type.Object({ key: Type.String({ description: 'The webhook key' }) })
export const DeliveryParams = Type.Object({ key: Type.String(), id: Type.String({ description: 'The delivery id' }) })
