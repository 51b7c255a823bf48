// Transaction endpoints (spec §3.7) and the partial-refund extension; and the customer endpoints
// that reach a customer's sales (spec §3.4): its transactions, creating it with a first sale,
// deleting it with its transactions. Those are shown under Customers in the docs.
import type { FastifyInstance } from 'fastify'
import { Type } from 'typebox'
import { transactionView } from './representation.js'
import type { RouteDeps } from '../../http/route-deps.js'
import { Done, Envelope, done, ok } from '../../http/envelope.js'
import { invalidField } from '../../domain-errors.js'
import { listPath, paged, PagedEnvelope, pageOf } from '../../http/pagination.js'
import type { Bag } from '../../http/input.js'
import { addRoute, type Caller } from '../../http/route.js'
import type { Db } from '../../store/schema.js'
import { Customer, CustomerLookupInput } from '../customers/schemas.js'
import { customerRefOf, requireAffiliateCustomers, resolveCustomer } from '../customers/service.js'
import type { Program } from '../programs/service.js'
import { createCustomerWithSale, deleteCustomerWithSales } from './customer-sales.js'
import { referralSaleVariants } from './referral-routes.js'
import { ListTransactionsInput, NewCustomerInput, NewTransactionInput, RefundInput, Transaction, TransactionLookupInput } from './schemas.js'
import {
  archiveTransaction, createTransactions, deleteTransaction, listTransactions, refundTransaction, requireTransaction, transactionFilter,
  type TransactionFilter,
} from './service.js'

const tags = ['Transactions']
const customerTags = ['Customers']
const KeyParam = Type.Object({ key: Type.String({ description: 'Transaction key' }) })
const CustomerKeyParam = Type.Object({ key: Type.String({ description: 'Customer key (or email)' }) })

/** One page of transactions with their rewards (also GET /v1/customers/{key}/transactions). */
async function listTransactionPage(db: Db, program: Program, filter: TransactionFilter,
  input: { page?: number; limit?: number; sort?: 'asc' | 'desc' }, bag: Bag, path: string) {
  const page = pageOf(input)
  return paged(await listTransactions(db, program, { ...filter, sort: input.sort ?? 'desc', offset: page.offset, fetch: page.limit + 1 }), page, path, bag)
}

export function transactionRoutes(app: FastifyInstance, { store, base }: RouteDeps) {
  const db = store.db
  const raf = referralSaleVariants(db)
  const program = (caller: Caller) => {
    requireAffiliateCustomers(caller.program)
    return caller.program
  }

  addRoute(app, base, {
    method: 'GET', url: '/v1/transactions', summary: 'List transactions (filter by key, partner or customer)', tags, input: ListTransactionsInput,
    response: { 200: PagedEnvelope(Transaction) }, variant: raf.list,
    handler: async ({ caller, input, bag, base, request }) => {
      const p = program(caller)
      const path = listPath(base, request)
      const filter = await transactionFilter(db, p, { key: input.key, partner: input, customerKey: input.customer_key ?? input.customer?.key })
      if (!filter) return paged([], pageOf(input), path, bag)
      return listTransactionPage(db, p, filter, input, bag, path)
    },
  })

  // The customer endpoints that reach a customer's sales: declared here, shown under Customers in the docs.
  addRoute(app, base, {
    method: 'GET', url: '/v1/customers/:key/transactions', summary: 'A customer\'s transactions', tags: customerTags, params: CustomerKeyParam,
    input: Type.Object({ page: Type.Optional(Type.Integer()), limit: Type.Optional(Type.Integer()) }),
    response: { 200: PagedEnvelope(Transaction) }, variant: raf.ofCustomer,
    handler: async ({ caller, params, input, bag, base, request }) => {
      const customer = await resolveCustomer(db, program(caller), params.key as string)
      return listTransactionPage(db, caller.program, { customerId: customer.id }, input, bag, listPath(base, request))
    },
  })

  for (const url of ['/v1/customers', '/v1/customer']) {
    addRoute(app, base, {
      method: 'POST', url, summary: url === '/v1/customer' ? 'Create a customer (legacy: {customer, partner, transaction?})' : 'Create a customer attributed to a partner',
      tags: customerTags, input: NewCustomerInput, successStatus: 201,
      response: { 201: Envelope(Customer) }, ...(url === '/v1/customers' ? { variant: raf.createCustomer } : {}),
      handler: async ({ caller, input }) => ok(await createCustomerWithSale(db, program(caller), input)),
    })
    addRoute(app, base, {
      method: 'DELETE', url, summary: 'Delete the customer named by `key` in the body, with its transactions', tags: customerTags, input: CustomerLookupInput,
      response: { 200: Done }, ...(url === '/v1/customers' ? { variant: raf.deleteCustomerByBody } : {}),
      handler: async ({ caller, input }) => {
        await deleteCustomerWithSales(db, program(caller), customerRefOf(input))
        return done()
      },
    })
  }

  addRoute(app, base, {
    method: 'DELETE', url: '/v1/customers/:key', summary: 'Delete a customer with its transactions (their commissions are reversed)', tags: customerTags,
    params: CustomerKeyParam, response: { 200: Done }, variant: raf.deleteCustomerByPath,
    handler: async ({ caller, params }) => {
      await deleteCustomerWithSales(db, program(caller), params.key as string)
      return done()
    },
  })

  addRoute(app, base, {
    method: 'POST', url: '/v1/transactions', summary: 'Record a sale (or `transactions: [...]` for one customer); the commission is computed',
    tags, input: NewTransactionInput, successStatus: 201,
    response: { 201: Envelope(Type.Union([Transaction, Type.Array(Transaction)])) }, variant: raf.create,
    handler: async ({ caller, input }) => ok(await createTransactions(db, program(caller), input)),
  })

  addRoute(app, base, {
    method: 'GET', url: '/v1/transactions/:key', summary: 'Get a transaction with its rewards', tags, params: KeyParam,
    response: { 200: Envelope(Transaction) }, variant: raf.get,
    handler: async ({ caller, params }) => ok(await transactionView(db, await requireTransaction(db, program(caller), params.key as string))),
  })

  addRoute(app, base, {
    method: 'DELETE', url: '/v1/transactions/:key', summary: 'Delete a transaction: a full refund, its commissions reversed', tags, params: KeyParam,
    response: { 200: Done }, variant: raf.deleteByPath,
    handler: async ({ caller, params }) => {
      await deleteTransaction(db, program(caller), params.key as string)
      return done()
    },
  })

  addRoute(app, base, {
    method: 'DELETE', url: '/v1/transactions', summary: 'Delete the transaction named by `key` in the body', tags, input: TransactionLookupInput,
    response: { 200: Done }, variant: raf.deleteByBody,
    handler: async ({ caller, input }) => {
      if (input.key === undefined) throw invalidField('key', 'The key field is required.')
      await deleteTransaction(db, program(caller), input.key)
      return done()
    },
  })

  addRoute(app, base, {
    method: 'POST', url: '/v1/transactions/:key/refund', summary: 'Refund part of a transaction (extension); commissions shrink to match',
    tags, params: KeyParam, input: RefundInput,
    response: { 200: Envelope(Transaction) }, variant: raf.refund,
    handler: async ({ caller, params, input }) => ok(await refundTransaction(db, program(caller), params.key as string, input.amount)),
  })

  for (const [action, archive] of [['archive', true], ['revoke-archive', false]] as const) {
    addRoute(app, base, {
      method: 'POST', url: `/v1/transactions/:key/${action}`,
      summary: archive ? 'Archive a transaction and its rewards (400 when already archived)' : 'Restore an archived transaction and its rewards',
      tags, params: KeyParam, response: { 200: Done },
      handler: async ({ caller, params }) => {
        await archiveTransaction(db, program(caller), params.key as string, archive)
        return done()
      },
    })
  }
}
