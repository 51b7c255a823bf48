// Refer-a-friend transactions (spec §3.7 "RaF rule", issue 22): a sale is recorded only for a
// referred customer, and answered with the referrer as `customer` and the buyer as
// `referred_customer`. The money is the affiliate path's own (sales.ts): the buyer's partner_id is
// its referrer's earner, and the program's reward rules decide what the sale earns whom.
import type { Kysely } from 'kysely'
import { Type, type Static } from 'typebox'
import { invalidField } from '../../domain-errors.js'
import { emit } from '../../events/outbox.js'
import type { Database, Db } from '../../store/schema.js'
import { inTransaction } from '../../store/transaction.js'
import {
  addReferralCustomer, referralCustomerByRef, withUniqueKey, type ReferralCustomerRow,
} from '../customers/service.js'
import { ReferralCustomerRef } from '../customers/referral-schemas.js'
import { CUSTOMER_KEY_PATTERN } from '../customers/schemas.js'
import type { Program } from '../programs/service.js'
import { SaleFields, SaleInput } from './sale-input.js'
import { recordSales } from './sales.js'
import { saleOf } from './service.js'
import { referralTransactionViewOf } from './referral-representation.js'

const ID_FORMAT = new RegExp(CUSTOMER_KEY_PATTERN)
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/

const SaleCustomer = Type.Object({
  id: Type.Optional(Type.String({ maxLength: 255 })),
  key: Type.Optional(Type.String({ maxLength: 255 })),
  email: Type.Optional(Type.String({ maxLength: 255 })),
  name: Type.Optional(Type.String({ maxLength: 255 })),
  surname: Type.Optional(Type.String({ maxLength: 255 })),
  referring_customer: Type.Optional(ReferralCustomerRef),
})

export const NewReferralTransactionInput = Type.Object({
  ...SaleFields,
  customer: Type.Optional(SaleCustomer),
  options: Type.Optional(Type.Object({ create_customer: Type.Optional(Type.Boolean()) })),
  transactions: Type.Optional(Type.Array(SaleInput, { minItems: 1, maxItems: 100 })),
})
export type NewReferralTransactionInput = Static<typeof NewReferralTransactionInput>

/** One sale, or `transactions: [...]` for one customer (answered as a list). */
export async function createReferralTransactions(db: Kysely<Database>, program: Program, input: NewReferralTransactionInput, now = Date.now()) {
  const bulk = input.transactions
  const sales = (bulk ?? [input]).map((s, i) => saleOf(program, s, bulk ? `transactions.${i}.` : '', now))
  const views = await withUniqueKey(() => inTransaction(db, async (tx) => {
    const customer = await buyerOf(tx, program, input, now)
    if (customer.partner_id === null) {
      throw invalidField('customer', 'Transactions are recorded for referred customers only: this customer was not referred by anyone.')
    }
    const recorded = await recordSales(tx, program, sales.map((sale) => ({ customer, sale })), now)
    const out = []
    for (const { row, rewards } of recorded) {
      const view = referralTransactionViewOf(row, customer, rewards)
      await emit(tx, program.id, 'transaction.created', view, now)
      out.push(view)
    }
    return out
  }))
  return bulk ? views : views[0]
}

async function buyerOf(tx: Db, program: Program, input: NewReferralTransactionInput, now: number): Promise<ReferralCustomerRow> {
  const named = input.customer
  if (!named || (named.id === undefined && named.key === undefined && named.email === undefined)) {
    throw invalidField('customer', 'The customer must be named by id, key or email.')
  }
  if (input.options?.create_customer) {
    // Made here, so checked as POST /v1/customers checks a new customer.
    if (named.id !== undefined && !ID_FORMAT.test(named.id)) throw invalidField('customer.id', 'The id format is invalid.')
    if (named.email !== undefined && !EMAIL.test(named.email)) throw invalidField('customer.email', 'The email must be a valid email address.')
    return addReferralCustomer(tx, program, named, now)
  }
  const found = await referralCustomerByRef(tx, program, named)
  if (!found) throw invalidField('customer', 'The customer was not found.')
  return found
}

