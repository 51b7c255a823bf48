// Request and response schemas of the partner endpoints (spec §3.2, seed 000).
import { Type, type Static } from 'typebox'
import { PageInput } from '../../http/pagination.js'
import { SavedMethodFields } from './payout-method-schema.js'

/** Partner ids and referral keys travel in paths: letters, digits and a few safe marks. */
export const PARTNER_ID_PATTERN = '^[A-Za-z0-9_.@+-]{1,255}$'
export const REFERRAL_KEY_PATTERN = '^[A-Za-z0-9_-]{1,64}$'

const Text = (max = 255) => Type.String({ maxLength: max })
// A type list, not a union: Ajv coerces only when none of the listed types match, so 3 stays 3.
const CustomFieldValue = Type.Unsafe<string | number | boolean>({ type: ['string', 'number', 'boolean'], maxLength: 2000 })

export const PartnerRef = Type.Object({
  id: Type.Optional(Type.String({ maxLength: 255 })),
  key: Type.Optional(Type.String({ maxLength: 64 })),
  email: Type.Optional(Type.String({ maxLength: 255 })),
}, { description: 'A partner named by id, any referral key, or email' })
export type PartnerRef = Static<typeof PartnerRef>

const PartnerFields = {
  email: Type.Optional(Type.String({ format: 'email', maxLength: 255 })),
  name: Type.Optional(Text()),
  surname: Type.Optional(Text()),
  password: Type.Optional(Type.String({ maxLength: 255 })),
  key: Type.Optional(Type.String({ pattern: REFERRAL_KEY_PATTERN, description: 'The default referral key' })),
  tags: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 255 }), { maxItems: 100 })),
  custom_fields: Type.Optional(Type.Record(Type.String({ maxLength: 255 }), CustomFieldValue)),
  tos: Type.Optional(Type.Boolean()),
}

export const NewPartnerInput = Type.Object({
  ...PartnerFields,
  email: Type.String({ format: 'email', maxLength: 255 }),
  id: Type.Optional(Type.String({ pattern: PARTNER_ID_PATTERN })),
  referring_partner: Type.Optional(PartnerRef),
})
export type NewPartnerInput = Static<typeof NewPartnerInput>

export const PartnerChanges = Type.Object({ ...PartnerFields, ...SavedMethodFields })
export type PartnerChanges = Static<typeof PartnerChanges>

/** PUT forms: `{update: {...}}` or the fields flat; the collection form names the partner in the body. */
export const UpdatePartnerInput = Type.Object({
  ...PartnerFields,
  ...SavedMethodFields,
  id: Type.Optional(Type.String({ maxLength: 255 })),
  update: Type.Optional(PartnerChanges),
})

export const PartnerLookupInput = Type.Object({
  id: Type.Optional(Type.String({ maxLength: 255 })),
  key: Type.Optional(Type.String({ maxLength: 64 })),
  email: Type.Optional(Type.String({ maxLength: 255 })),
})

export const ListPartnersInput = Type.Object({
  ...PageInput,
  sort: Type.Optional(Type.Union([Type.Literal('asc'), Type.Literal('desc')])),
})

export const SearchPartnersInput = Type.Object({
  ...PageInput,
  id: Type.Optional(Type.String({ maxLength: 255 })),
  key: Type.Optional(Type.String({ maxLength: 64 })),
  email: Type.Optional(Type.String({ maxLength: 255 })),
  name: Type.Optional(Type.String({ maxLength: 255 })),
  sort: Type.Optional(Type.Union([Type.Literal('asc'), Type.Literal('desc')])),
})

const AmountByCurrency = Type.Array(Type.Object({ currency: Type.String(), amount: Type.Number() }))
const MaybeText = Type.Union([Type.String(), Type.Null()])

export const PartnerListItem = Type.Object({
  id: Type.String(),
  key: Type.String({ description: 'The default referral key' }),
  email: Type.String(),
  name: MaybeText,
  surname: MaybeText,
  approved: Type.Boolean(),
  status: Type.String({ description: 'active, pending, rejected or archived' }),
  custom_fields: Type.Array(Type.Object({ key: Type.String(), value: Type.Unknown() })),
  referral_link: Type.String(),
  created_at: Type.String(),
  updated_at: Type.String(),
})

export const Partner = Type.Object({
  email: Type.String(),
  created_at: Type.String(),
  updated_at: Type.String(),
  name: MaybeText,
  id: Type.String(),
  surname: MaybeText,
  tos: Type.Boolean(),
  approved: Type.Boolean(),
  status: Type.String({ description: 'active, pending, rejected or archived' }),
  referrals: Type.Object({
    clicks: Type.Integer(),
    signups: Type.Integer(),
    revenue: AmountByCurrency,
    sales_count: Type.Integer(),
    paid_accounts: Type.Integer(),
  }),
  commissions: Type.Object({
    paid: Type.Number({ description: 'In the program currency' }),
    pending: AmountByCurrency,
    not_paid: AmountByCurrency,
  }),
  custom_field_values: Type.Array(Type.Unknown()),
  custom_fields: Type.Array(Type.Object({ key: Type.String(), value: Type.Unknown() })),
  referrals_count: Type.Integer(),
  tags: Type.Array(Type.Object({ value: Type.String() })),
  referral_link: Type.String(),
  referral_links: Type.Array(Type.String()),
})
