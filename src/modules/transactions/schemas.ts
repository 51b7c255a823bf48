// Request and response schemas of the transaction endpoints (spec §3.7), and of the customer create
// that may carry a first sale (spec §3.4).
import { Type, type Static } from 'typebox'
import { PageInput } from '../../http/pagination.js'
import { CustomerFields, CustomerOptions, NestedCustomer } from '../customers/schemas.js'
import { PartnerRef } from '../partners/schemas.js'
import { Money } from '../../money/schema.js'
import { SaleFields, SaleInput } from './sale-input.js'

// n8n names a sale's customer by "Customer ID": `customer.id`, read as a reference (key, then email).
const SaleCustomer = Type.Object({ ...NestedCustomer.properties, id: Type.Optional(Type.String({ maxLength: 255 })) })

export const NewTransactionInput = Type.Object({
  ...SaleFields,
  customer: Type.Optional(SaleCustomer),
  partner: Type.Optional(PartnerRef),
  options: Type.Optional(CustomerOptions),
  transactions: Type.Optional(Type.Array(SaleInput, { minItems: 1, maxItems: 100 })),
})
export type NewTransactionInput = Static<typeof NewTransactionInput>

/** POST /v1/customers: the flat form, or the legacy nesting, which may carry the customer's first sale. */
export const NewCustomerInput = Type.Object({
  ...CustomerFields,
  partner: Type.Optional(PartnerRef),
  options: Type.Optional(CustomerOptions),
  // Legacy: {customer: {...}, partner: {...}, transaction?: {...}} (WordPress plugin, PHP SDK v1).
  customer: Type.Optional(NestedCustomer),
  transaction: Type.Optional(SaleInput),
})
export type NewCustomerInput = Static<typeof NewCustomerInput>

export const RefundInput = Type.Object({ amount: Money })

export const TransactionLookupInput = Type.Object({ key: Type.Optional(Type.String({ maxLength: 255 })) })

export const ListTransactionsInput = Type.Object({
  ...PageInput,
  sort: Type.Optional(Type.Union([Type.Literal('asc'), Type.Literal('desc')])),
  key: Type.Optional(Type.String({ maxLength: 255 })),
  partner: Type.Optional(PartnerRef),
  partner_key: Type.Optional(Type.String({ maxLength: 255 })),
  partner_email: Type.Optional(Type.String({ maxLength: 255 })),
  customer: Type.Optional(Type.Object({ key: Type.Optional(Type.String({ maxLength: 255 })) })),
  customer_key: Type.Optional(Type.String({ maxLength: 255 })),
})

const MaybeText = Type.Union([Type.String(), Type.Null()])

export const Reward = Type.Object({
  key: Type.String(),
  action: Type.String(),
  status: Type.String({ description: 'ok, review_period or rejected' }),
  customer: Type.String(),
  partner: MaybeText,
  amount: Type.Number(),
  amount_units: Type.String(),
  is_currency: Type.Boolean(),
  credit: Type.Boolean(),
  created_at: Type.String(),
  deleted_at: MaybeText,
  product_type_data: Type.Record(Type.String(), Type.Unknown()),
})

export const Transaction = Type.Object({
  key: Type.String(),
  action: Type.String(),
  amount: Type.Number({ description: 'What still counts: the amount less partial refunds' }),
  partner: MaybeText,
  customer: Type.String(),
  credit: Type.Boolean(),
  is_currency: Type.Boolean(),
  amount_units: Type.String(),
  created_at: Type.String(),
  deleted_at: MaybeText,
  rewards: Type.Array(Reward),
})
