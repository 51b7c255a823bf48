// Affiliate customer endpoints (spec §3.4): path forms, collection forms naming the customer in
// the body (PHP SDK), the legacy singular /v1/customer forms, search, and the state actions.
// Creating and deleting a customer can reach its sales, so those are declared with the
// transactions (transactions/routes.ts), as is the list of a customer's transactions.
import type { FastifyInstance } from 'fastify'
import type { Static } from 'typebox'
import { Type } from 'typebox'
import type { RouteDeps } from '../../http/route-deps.js'
import { Done, Envelope, done, ok } from '../../http/envelope.js'
import { listPath, paged, PagedEnvelope, pageOf } from '../../http/pagination.js'
import { addRoute, type Caller } from '../../http/route.js'
import { listedPartnerId } from '../partners/service.js'
import { explainAttribution } from './attribution.js'
import { customerView } from './representation.js'
import { referralCustomerRoutes, referralCustomerVariants } from './referral-routes.js'
import { Attribution, Customer, CustomerLookupInput, ListCustomersInput, SearchCustomersInput, UpdateCustomerInput } from './schemas.js'
import {
  changeCustomerState, customerRefOf, listCustomers, requireAffiliateCustomers, resolveCustomer, updateCustomer,
} from './service.js'

const tags = ['Customers']
const KeyParam = Type.Object({ key: Type.String({ description: 'Customer key (or email)' }) })

type UpdateInput = Static<typeof UpdateCustomerInput>

export function customerRoutes(app: FastifyInstance, deps: RouteDeps) {
  const { store, base } = deps
  const db = store.db
  const raf = referralCustomerVariants(db)
  referralCustomerRoutes(app, deps)
  const program = (caller: Caller) => {
    requireAffiliateCustomers(caller.program)
    return caller.program
  }

  for (const [url, summary, input, searching] of [
    ['/v1/customers', 'List customers (filter by partner)', ListCustomersInput, false],
    ['/v1/customers::search', 'Search customers by key or email (partial, any case)', SearchCustomersInput, true],
  ] as const) {
    addRoute(app, base, {
      method: 'GET', url, summary, tags, input,
      response: { 200: PagedEnvelope(Customer) },
      variant: searching ? raf.search : raf.list,
      handler: async ({ caller, input, bag, base, request }) => {
        const p = program(caller)
        const page = pageOf(input)
        const filter = searching ? input as Static<typeof SearchCustomersInput> : undefined
        const partnerId = searching ? undefined : await listedPartnerId(db, p, input as Static<typeof ListCustomersInput>)
        if (partnerId === null) return paged([], page, listPath(base, request), bag)
        const customers = await listCustomers(db, p, {
          sort: input.sort ?? 'desc', offset: page.offset, fetch: page.limit + 1, partnerId,
          filters: { key: filter?.key ?? filter?.id, email: filter?.email },
        })
        return paged(customers, page, listPath(base, request), bag)
      },
    })
  }

  addRoute(app, base, {
    method: 'GET', url: '/v1/customers/:key', summary: 'Get a customer by key (or email)', tags, params: KeyParam,
    response: { 200: Envelope(Customer) }, variant: raf.get,
    handler: async ({ caller, params }) => ok(customerView(await resolveCustomer(db, program(caller), params.key as string))),
  })

  addRoute(app, base, {
    method: 'GET', url: '/v1/customer', summary: 'Get a customer by key (legacy singular form)', tags, input: CustomerLookupInput,
    response: { 200: Envelope(Customer) },
    handler: async ({ caller, input }) => ok(customerView(await resolveCustomer(db, program(caller), customerRefOf(input)))),
  })

  addRoute(app, base, {
    method: 'PUT', url: '/v1/customers/:key', summary: 'Update a customer (`{update: {...}}` or flat fields)', tags, params: KeyParam,
    input: UpdateCustomerInput, response: { 200: Envelope(Customer) }, variant: raf.updateByPath,
    handler: async ({ caller, params, input }) => ok(await updateCustomer(db, program(caller), params.key as string, changesOf(input, false))),
  })

  for (const url of ['/v1/customers', '/v1/customer']) {
    addRoute(app, base, {
      method: 'PUT', url, summary: 'Update the customer named by `key` in the body', tags, input: UpdateCustomerInput,
      response: { 200: Envelope(Customer) }, ...(url === '/v1/customers' ? { variant: raf.updateByBody } : {}),
      handler: async ({ caller, input }) => ok(await updateCustomer(db, program(caller), customerRefOf(input), changesOf(input, true))),
    })
  }

  addRoute(app, base, {
    method: 'GET', url: '/v1/customers/:key/attribution', tags, params: KeyParam,
    summary: 'Which partner, link and click credited the customer, or why none did (extension)',
    response: { 200: Envelope(Attribution) },
    handler: async ({ caller, params }) => {
      const customer = await resolveCustomer(db, program(caller), params.key as string)
      return ok(await explainAttribution(db, caller.program, customer))
    },
  })

  for (const action of ['suspend', 'approve', 'archive', 'revoke-archive'] as const) {
    addRoute(app, base, {
      method: 'POST', url: `/v1/customers/:key/${action}`, summary: `${action[0]?.toUpperCase()}${action.slice(1)} a customer`, tags,
      params: KeyParam, response: { 200: Done },
      handler: async ({ caller, params }) => {
        await changeCustomerState(db, program(caller), params.key as string, action)
        return done()
      },
    })
  }
}

/** `{update: {...}}` wins; otherwise the flat fields (minus `key` when it named the customer). */
function changesOf(input: UpdateInput, keyNames: boolean) {
  if (input.update) return input.update
  const { update: _u, key, ...flat } = input
  return keyNames || key === undefined ? flat : { ...flat, key }
}
