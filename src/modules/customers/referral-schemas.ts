// Request and response schemas of the refer-a-friend customer endpoints (spec §3.5, issue 22).
import { Type, type Static } from 'typebox'
import { PageInput } from '../../http/pagination.js'
import { Money } from '../../money/schema.js'
import { CUSTOMER_KEY_PATTERN } from './schemas.js'

const Text = (max = 255) => Type.String({ maxLength: max })
const Sort = Type.Optional(Type.Union([Type.Literal('asc'), Type.Literal('desc')]))

/** A customer as a body names it: id first, then key (its referral key, or the id), then email. */
export const ReferralCustomerRef = Type.Object({
  id: Type.Optional(Text()),
  key: Type.Optional(Text()),
  email: Type.Optional(Text()),
}, { description: 'A refer-a-friend customer named by id, referral key or email' })
export type ReferralCustomerRef = Static<typeof ReferralCustomerRef>

const Metadata = Type.Object({
  date_of_birth: Type.Optional(Type.String({ format: 'date' })),
}, { additionalProperties: Type.Union([Type.String({ maxLength: 1000 }), Type.Number(), Type.Boolean(), Type.Null()]) })

const CustomFields = Type.Record(Type.String({ maxLength: 64 }), Type.Union([Type.String({ maxLength: 2000 }), Type.Number(), Type.Boolean(), Type.Null()]), { maxProperties: 50 })

export const ReferralCustomerFields = {
  id: Type.Optional(Type.String({ pattern: CUSTOMER_KEY_PATTERN, description: 'Your own id for the customer (generated when absent; the key when only a key is given)' })),
  key: Type.Optional(Type.String({ pattern: CUSTOMER_KEY_PATTERN, description: 'The public referral key (?ref=KEY); generated when absent or not usable in a link' })),
  email: Type.Optional(Type.String({ format: 'email', maxLength: 255 })),
  name: Type.Optional(Text()),
  surname: Type.Optional(Text()),
  approved: Type.Optional(Type.Boolean()),
  metadata: Type.Optional(Metadata),
  custom_fields: Type.Optional(CustomFields),
}

export const NewReferralCustomerInput = Type.Object({
  ...ReferralCustomerFields,
  referring_customer: Type.Optional(ReferralCustomerRef),
  tos: Type.Optional(Type.Boolean()),
})
export type NewReferralCustomerInput = Static<typeof NewReferralCustomerInput>

export const ReferralCustomerChanges = Type.Object({
  key: Type.Optional(Type.String({ pattern: '^[A-Za-z0-9_-]{1,64}$', description: 'A new referral key for the default link' })),
  email: ReferralCustomerFields.email,
  name: ReferralCustomerFields.name,
  surname: ReferralCustomerFields.surname,
  approved: ReferralCustomerFields.approved,
  metadata: ReferralCustomerFields.metadata,
  custom_fields: ReferralCustomerFields.custom_fields,
})
export type ReferralCustomerChanges = Static<typeof ReferralCustomerChanges>

export const UpdateReferralCustomerInput = Type.Object({
  id: Type.Optional(Text()),
  key: Type.Optional(Text()),
  email: Type.Optional(Text()),
  name: ReferralCustomerFields.name,
  surname: ReferralCustomerFields.surname,
  approved: ReferralCustomerFields.approved,
  metadata: ReferralCustomerFields.metadata,
  custom_fields: ReferralCustomerFields.custom_fields,
  update: Type.Optional(ReferralCustomerChanges),
})
export type UpdateReferralCustomerInput = Static<typeof UpdateReferralCustomerInput>

export const ListReferralCustomersInput = Type.Object({
  ...PageInput,
  sort: Sort,
  refer_status: Type.Optional(Type.Union([Type.Literal('referred'), Type.Literal('non_referred')])),
})

export const SearchReferralCustomersInput = Type.Object({
  ...PageInput,
  sort: Sort,
  id: Type.Optional(Text()),
  key: Type.Optional(Text()),
  email: Type.Optional(Text()),
})

export const PageOnlyInput = Type.Object({ ...PageInput, sort: Sort })

export const ReferralLookupInput = ReferralCustomerRef

export const BalanceCreditInput = Type.Object({
  amount: Money,
  amount_units: Type.Optional(Type.String({ maxLength: 16, description: 'A currency code (program currency when absent), or "points"' })),
  is_currency: Type.Optional(Type.Boolean({ default: true })),
})

export const InviteInput = Type.Object({
  id: Type.Optional(Text()),
  key: Type.Optional(Text()),
  email: Type.Optional(Type.Union([Type.String({ maxLength: 255 }), Type.Array(Type.String({ maxLength: 255 }), { maxItems: 20 })])),
  name: Type.Optional(Text()),
  surname: Type.Optional(Text()),
  customer: Type.Optional(ReferralCustomerRef),
  friends: Type.Optional(Type.Array(Type.String({ format: 'email', maxLength: 255 }), { maxItems: 20 })),
  personalization: Type.Optional(Type.Record(Type.String({ maxLength: 64 }), Type.Union([Type.String({ maxLength: 500 }), Type.Number(), Type.Boolean(), Type.Null()]), { maxProperties: 20 })),
})
export type InviteInput = Static<typeof InviteInput>

const MaybeText = Type.Union([Type.String(), Type.Null()])

/** The refer-a-friend customer object (spec §3.5). */
export const ReferralCustomer = Type.Object({
  id: Type.String(),
  key: MaybeText,
  email: MaybeText,
  name: MaybeText,
  surname: MaybeText,
  approved: Type.Boolean(),
  status: Type.String(),
  referring_customer: Type.Union([Type.Object({ id: Type.String(), key: MaybeText, email: MaybeText, name: MaybeText, surname: MaybeText }), Type.Null()]),
  referrals_count: Type.Integer(),
  metadata: Type.Record(Type.String(), Type.Unknown()),
  referral_link: MaybeText,
  referral_links: Type.Array(Type.String()),
  custom_fields: Type.Record(Type.String(), Type.Unknown()),
  created_at: Type.String(),
  updated_at: Type.String(),
})

const BalanceLine = Type.Object({ amount: Type.Number(), amount_units: Type.String({ description: 'A currency code, or "points"' }), is_currency: Type.Boolean() })

/** GET /v1/customers/{id}/balance and the credit's answer. */
export const CustomerBalance = Type.Object({
  customer: ReferralCustomer,
  balance: Type.Object({ currency: Type.Array(BalanceLine), points: Type.Array(BalanceLine) }),
})

/** GET /v1/customers/{id}/stats (architecture §6 decision 7). */
export const CustomerStats = Type.Object({
  clicks: Type.Integer(),
  signups: Type.Integer(),
  referrals: Type.Integer(),
  referrals_count: Type.Integer(),
  purchases: Type.Integer(),
  paid_accounts: Type.Integer(),
  revenue: Type.Array(Type.Object({ currency: Type.String(), amount: Type.Number() })),
  rewards: Type.Array(BalanceLine),
})
