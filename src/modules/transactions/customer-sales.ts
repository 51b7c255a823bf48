// A customer's life where it reaches its sales: made with its first sale (the legacy form of
// POST /v1/customers), and deleted with its transactions. Here, not in customers/, because sales
// build on customers: the customers module knows nothing of them.
import type { Kysely } from 'kysely'
import type { Database } from '../../store/schema.js'
import type { Program } from '../programs/service.js'
import { customerView, type CustomerView } from '../customers/representation.js'
import { createCustomer, deleteCustomer, resolveCustomer } from '../customers/service.js'
import { removeSalesOf } from './sales.js'
import type { NewCustomerInput } from './schemas.js'
import { createTransactions } from './service.js'

/** The flat form, or the legacy {customer, partner} nesting (WordPress plugin), which may carry a first sale. */
export async function createCustomerWithSale(db: Kysely<Database>, program: Program, input: NewCustomerInput): Promise<CustomerView> {
  const { customer, options, transaction, ...flat } = input
  const fields = customer ? { ...customer, partner: customer.partner ?? flat.partner } : flat
  if (!transaction) return createCustomer(db, program, { ...fields, referralUrl: options?.referral_url })
  // The customer and its first sale are created together, in one transaction.
  await createTransactions(db, program, { ...transaction, customer: fields, options: { create_customer: true, referral_url: options?.referral_url } })
  return customerView(await resolveCustomer(db, program, fields.key as string))
}

/** Deletes the customer and its transactions, reversing their commissions; the key is free again. */
export async function deleteCustomerWithSales(db: Kysely<Database>, program: Program, ref: string, now = Date.now()): Promise<void> {
  await deleteCustomer(db, program, ref, (tx, customer) => removeSalesOf(tx, program, customer, now), now)
}
