// The refer-a-friend handlers of the transaction URLs, and of the customer URLs that reach a
// customer's sales (create with the referral, delete with the sales): attached as variants to the
// affiliate routes in routes.ts, for a refer-a-friend program's key (spec §2).
import type { Kysely } from 'kysely'
import { invalidField } from '../../domain-errors.js'
import { Done, Envelope, done, ok } from '../../http/envelope.js'
import { listPath, paged, PagedEnvelope, pageOf } from '../../http/pagination.js'
import type { RouteContext, RouteVariant } from '../../http/route.js'
import type { Database } from '../../store/schema.js'
import {
  createReferralCustomer, deleteReferralCustomer, isReferralProgram, referralCustomerByRef, referralRefOf, requireReferralProgram, resolveReferralCustomer,
} from '../customers/service.js'
import { NewReferralCustomerInput, PageOnlyInput, ReferralCustomer, ReferralLookupInput } from '../customers/referral-schemas.js'
import type { Program } from '../programs/service.js'
import { ReferralTransaction, referralTransactionView } from './referral-representation.js'
import { createReferralTransactions, NewReferralTransactionInput } from './referral-sales.js'
import { removeSalesOf } from './sales.js'
import { ListTransactionsInput, RefundInput, TransactionLookupInput } from './schemas.js'
import { deleteTransaction, listTransactions, refundTransaction, requireTransaction } from './service.js'
import { Type } from 'typebox'

const ListInput = Type.Object({ ...ListTransactionsInput.properties, customer: Type.Optional(ReferralLookupInput) })

export function referralSaleVariants(db: Kysely<Database>) {
  const variant = (input: RouteVariant['input'], response: RouteVariant['response'], handler: (ctx: RouteContext<any>) => Promise<unknown>): RouteVariant => ({
    applies: (caller) => isReferralProgram(caller.program as Program),
    input,
    response,
    handler: (ctx) => {
      requireReferralProgram(ctx.caller.program)
      return handler(ctx)
    },
  })
  const removeCustomer = (ref: string, base: string, program: Program) =>
    deleteReferralCustomer(db, program, ref, (tx, customer) => removeSalesOf(tx, program, customer, Date.now()), base)
  const deleteSale = async (program: Program, key: string | undefined) => {
    if (key === undefined) throw invalidField('key', 'The key field is required.')
    await deleteTransaction(db, program, key)
    return done()
  }
  return {
    create: variant(NewReferralTransactionInput, { 201: Envelope(Type.Union([ReferralTransaction, Type.Array(ReferralTransaction)])) }, async ({ caller, input }) => ok(await createReferralTransactions(db, caller.program, input))),
    list: variant(ListInput, { 200: PagedEnvelope(ReferralTransaction) }, async ({ caller, input, bag, base, request }) => {
      const page = pageOf(input)
      const named = input.customer ?? (input.customer_key !== undefined ? { key: input.customer_key } : undefined)
      const buyer = named ? await referralCustomerByRef(db, caller.program, named) : undefined
      if (named && !buyer) return paged([], page, listPath(base, request), bag)
      const sales = await listTransactions(db, caller.program, {
        key: input.key, customerId: buyer?.id, sort: input.sort ?? 'desc', offset: page.offset, fetch: page.limit + 1,
      })
      return paged(sales, page, listPath(base, request), bag)
    }),
    ofCustomer: variant(PageOnlyInput, { 200: PagedEnvelope(ReferralTransaction) }, async ({ caller, params, input, bag, base, request }) => {
      const buyer = await resolveReferralCustomer(db, caller.program, params.key as string)
      const page = pageOf(input)
      const sales = await listTransactions(db, caller.program, { customerId: buyer.id, sort: input.sort ?? 'desc', offset: page.offset, fetch: page.limit + 1 })
      return paged(sales, page, listPath(base, request), bag)
    }),
    get: variant(undefined, { 200: Envelope(ReferralTransaction) }, async ({ caller, params }) => ok(await referralTransactionView(db, caller.program, await requireTransaction(db, caller.program, params.key as string)))),
    deleteByPath: variant(undefined, { 200: Done }, ({ caller, params }) => deleteSale(caller.program, params.key)),
    deleteByBody: variant(TransactionLookupInput, { 200: Done }, ({ caller, input }) => deleteSale(caller.program, input.key)),
    refund: variant(RefundInput, { 200: Envelope(ReferralTransaction) }, async ({ caller, params, input }) => ok(await refundTransaction(db, caller.program, params.key as string, input.amount))),
    createCustomer: variant(NewReferralCustomerInput, { 201: Envelope(ReferralCustomer) }, async ({ caller, input, base }) => ok(await createReferralCustomer(db, caller.program, input, base))),
    deleteCustomerByPath: variant(undefined, { 200: Done }, async ({ caller, params, base }) => {
      await removeCustomer(params.key as string, base, caller.program)
      return done()
    }),
    deleteCustomerByBody: variant(ReferralLookupInput, { 200: Done }, async ({ caller, input, base }) => {
      await removeCustomer(referralRefOf(input), base, caller.program)
      return done()
    }),
  }
}
