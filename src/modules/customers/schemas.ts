// Request and response schemas of the affiliate customer endpoints (spec §3.4).
import { Type, type Static } from 'typebox'
import { PageInput } from '../../http/pagination.js'
import { PartnerRef } from '../partners/schemas.js'

/** Customer keys travel in paths: the merchant's own ids (user ids, Stripe ids, emails). */
export const CUSTOMER_KEY_PATTERN = '^[A-Za-z0-9_.@+:|-]{1,255}$'

const Text = (max = 255) => Type.String({ maxLength: max })
const Tags = Type.Array(Type.String({ minLength: 1, maxLength: 255 }), { maxItems: 100 })

export const CustomerFields = {
  key: Type.Optional(Type.String({ pattern: CUSTOMER_KEY_PATTERN })),
  email: Type.Optional(Type.String({ format: 'email', maxLength: 255 })),
  name: Type.Optional(Text()),
  surname: Type.Optional(Text()),
  tags: Type.Optional(Tags),
}

export const CustomerOptions = Type.Object({
  referral_url: Type.Optional(Type.String({ maxLength: 2048, description: 'Credit the referral link this URL carries' })),
  create_customer: Type.Optional(Type.Boolean()),
})

/** A customer as a transaction or the legacy form nests it: its fields, and its partner inside. */
export const NestedCustomer = Type.Object({ ...CustomerFields, partner: Type.Optional(PartnerRef) })
export type NestedCustomer = Static<typeof NestedCustomer>

export const CustomerChanges = Type.Object(CustomerFields)
export type CustomerChanges = Static<typeof CustomerChanges>

export const UpdateCustomerInput = Type.Object({
  ...CustomerFields,
  key: Type.Optional(Type.String({ maxLength: 255 })),
  update: Type.Optional(CustomerChanges),
})

export const CustomerLookupInput = Type.Object({
  key: Type.Optional(Type.String({ maxLength: 255 })),
  email: Type.Optional(Type.String({ maxLength: 255 })),
})

const Sort = Type.Optional(Type.Union([Type.Literal('asc'), Type.Literal('desc')]))

/** Every spelling of the partner filter clients send: partner.key, partner[key], partner_key, partner_email. */
export const ListCustomersInput = Type.Object({
  ...PageInput,
  sort: Sort,
  partner: Type.Optional(PartnerRef),
  partner_key: Type.Optional(Type.String({ maxLength: 255 })),
  partner_email: Type.Optional(Type.String({ maxLength: 255 })),
  partner_id: Type.Optional(Type.String({ maxLength: 255 })),
})

export const SearchCustomersInput = Type.Object({
  ...PageInput,
  sort: Sort,
  key: Type.Optional(Type.String({ maxLength: 255 })),
  id: Type.Optional(Type.String({ maxLength: 255 })),
  email: Type.Optional(Type.String({ maxLength: 255 })),
})

const MaybeText = Type.Union([Type.String(), Type.Null()])

export const Customer = Type.Object({
  key: Type.String(),
  partner: Type.Union([Type.String({ description: 'The referring partner\'s id' }), Type.Null()]),
  deleted: Type.Boolean(),
  name: MaybeText,
  surname: MaybeText,
  email: MaybeText,
  status: Type.String({ description: 'active, suspended or archived' }),
  created_at: Type.String(),
  updated_at: Type.String(),
  deleted_at: MaybeText,
  tags: Type.Array(Type.Object({ value: Type.String() })),
})

/** Why a customer is (or is not) credited to a partner (extension: GET /v1/customers/{key}/attribution). */
export const Attribution = Type.Object({
  customer: Type.String(),
  attributed: Type.Boolean(),
  partner: Type.Union([Type.String(), Type.Null()]),
  link: Type.Union([Type.Object({ key: Type.String() }), Type.Null()]),
  click: Type.Union([Type.Object({ id: Type.String(), first_at: Type.String(), last_counted_at: Type.String() }), Type.Null()]),
  self_referral: Type.Boolean(),
  earns_commission: Type.Boolean(),
  reason: Type.String(),
})
