// Refer-a-friend customer endpoints (spec §3.5, §3.6): the URLs only they have (referrals, stats,
// balance, credit, their referral links), and the handlers that answer a refer-a-friend key on the
// URLs affiliate customers share (`referralCustomerVariants`: customers/routes.ts and
// transactions/routes.ts attach them to their routes).
import type { FastifyInstance } from 'fastify'
import { Type } from 'typebox'
import type { RouteDeps } from '../../http/route-deps.js'
import { Done, Envelope, done, ok } from '../../http/envelope.js'
import { listPath, paged, PagedEnvelope, pageOf } from '../../http/pagination.js'
import { addRoute, type Caller, type RouteContext, type RouteVariant } from '../../http/route.js'
import type { Kysely } from 'kysely'
import type { Database } from '../../store/schema.js'
import { emit } from '../../events/outbox.js'
import { findPartnerByRowId, type PartnerRow } from '../partners/service.js'
import type { Program } from '../programs/service.js'
import { createLink, deleteLink, linkFields, linksOf, linkView, requireLink, searchLinks, updateLink, type LinkOwners } from '../referral-links/service.js'
import { NewLinkInput, PageOnly, ReferralLink, SearchLinksInput, UpdateLinkInput } from '../referral-links/schemas.js'
import { customerBalance, creditBalance, customerStats } from './balance.js'
import { invitedAddresses, inviteFriends, invitingCustomer } from './invite.js'
import {
  BalanceCreditInput, CustomerBalance, InviteInput, CustomerStats, ListReferralCustomersInput, PageOnlyInput, ReferralCustomer, ReferralCustomerRef,
  SearchReferralCustomersInput, UpdateReferralCustomerInput, type UpdateReferralCustomerInput as UpdateInput,
} from './referral-schemas.js'
import {
  isReferralProgram, listReferralCustomers, referralCustomerByEarner, referralCustomerByRef, referralRefOf,
  requireReferralProgram, resolveReferralCustomer, updateReferralCustomer, viewReferralCustomer,
} from './referral-service.js'

const tags = ['Customers']
const linkTags = ['Customer referral links']
const IdParam = Type.Object({ key: Type.String({ description: 'Customer id (or referral key, or email)' }) })
const LinkParam = Type.Object({ id: Type.String({ description: 'The link id, which is its key' }) })

const refersFriends = (caller: Caller) => isReferralProgram(caller.program as Program)

function raf(caller: Caller): Program {
  requireReferralProgram(caller.program)
  return caller.program
}

/** A refer-a-friend customer's links are its earner row's; a change to them is its customer.updated. */
const CUSTOMERS: LinkOwners = {
  field: 'customer',
  async find(tx, program, ref) {
    const customer = await referralCustomerByRef(tx, program, ref)
    return customer?.earner_id == null ? undefined : findPartnerByRowId(tx, program.id, Number(customer.earner_id))
  },
  async announce(tx, program, owner: PartnerRow, base, now) {
    const customer = await referralCustomerByEarner(tx, program.id, owner.id)
    if (customer) await emit(tx, program.id, 'customer.updated', await viewReferralCustomer(tx, program, customer, base), now)
  },
}

/** The refer-a-friend handlers of the customer URLs affiliate customers share, by method and URL. */
export function referralCustomerVariants(db: Kysely<Database>) {
  const variant = (input: RouteVariant['input'], response: RouteVariant['response'], handler: (ctx: RouteContext<any>) => Promise<unknown>): RouteVariant =>
    ({ applies: refersFriends, input, response, handler })
  const one = { 200: Envelope(ReferralCustomer) }
  const list = (searching: boolean) => variant(searching ? SearchReferralCustomersInput : ListReferralCustomersInput, { 200: PagedEnvelope(ReferralCustomer) }, async ({ caller, input, bag, base, request }) => {
    const page = pageOf(input)
    const customers = await listReferralCustomers(db, caller.program, {
      sort: input.sort ?? 'desc', offset: page.offset, fetch: page.limit + 1,
      ...(searching ? { filters: { id: input.id, key: input.key, email: input.email } } : {}),
      ...(input.refer_status ? { referred: input.refer_status === 'referred' } : {}),
    }, base)
    return paged(customers, page, listPath(base, request), bag)
  })
  return {
    list: list(false),
    search: list(true),
    get: variant(undefined, one, async ({ caller, params, base }) => ok(await viewReferralCustomer(db, caller.program, await resolveReferralCustomer(db, caller.program, params.key as string), base))),
    updateByPath: variant(UpdateReferralCustomerInput, one, async ({ caller, params, input, base }) =>
      ok(await updateReferralCustomer(db, caller.program, params.key as string, changesOf(input), base))),
    updateByBody: variant(UpdateReferralCustomerInput, one, async ({ caller, input, base }) =>
      ok(await updateReferralCustomer(db, caller.program, referralRefOf(input), changesOf(input), base))),
  }
}

/** `{update: {...}}` wins; otherwise the flat fields (id, key and email then only name the customer). */
function changesOf(input: UpdateInput) {
  if (input.update) return input.update
  const { update: _u, id: _i, key: _k, email: _e, ...flat } = input
  return flat
}

export function referralCustomerRoutes(app: FastifyInstance, { store, base, limits }: RouteDeps) {
  const db = store.db
  // A customer (or a script on its behalf) may not turn the program into a mail cannon.
  const invitesPerCustomer = limits.perSubject('customer-invites', 20, 3600)

  addRoute(app, base, {
    method: 'POST', url: '/v1/customers::invite', summary: 'Email friends an invitation with the customer\'s referral link (20 addresses an hour per customer)', tags,
    input: InviteInput, response: { 200: Done },
    handler: async ({ caller, input, base, request, reply }) => {
      const program = raf(caller)
      const customer = await invitingCustomer(db, program, input)
      const to = invitedAddresses(customer, input)
      for (const _ of to) await invitesPerCustomer(request, reply, `${program.id}:${customer.id}`)
      await inviteFriends(db, program, customer, to, input, base)
      return done()
    },
  })

  addRoute(app, base, {
    method: 'GET', url: '/v1/customers/:key/referrals', summary: 'The customers a refer-a-friend customer referred', tags, params: IdParam,
    input: PageOnlyInput, response: { 200: PagedEnvelope(ReferralCustomer) },
    handler: async ({ caller, params, input, bag, base, request }) => {
      const program = raf(caller)
      const referrer = await resolveReferralCustomer(db, program, params.key as string)
      const page = pageOf(input)
      const friends = await listReferralCustomers(db, program, {
        sort: input.sort ?? 'desc', offset: page.offset, fetch: page.limit + 1, referrerEarnerId: Number(referrer.earner_id),
      }, base)
      return paged(friends, page, listPath(base, request), bag)
    },
  })

  addRoute(app, base, {
    method: 'GET', url: '/v1/customers/:key/stats', summary: 'A refer-a-friend customer\'s clicks, sign-ups, referrals, purchases, revenue and rewards', tags,
    params: IdParam, response: { 200: Envelope(CustomerStats) },
    handler: async ({ caller, params }) => ok(await customerStats(db, raf(caller), params.key as string)),
  })

  addRoute(app, base, {
    method: 'GET', url: '/v1/customers/:key/balance', summary: 'A refer-a-friend customer\'s reward balance, per currency and in points', tags,
    params: IdParam, response: { 200: Envelope(CustomerBalance) },
    handler: async ({ caller, params, base }) => ok(await customerBalance(db, raf(caller), params.key as string, base)),
  })

  addRoute(app, base, {
    method: 'POST', url: '/v1/customers/:key/balance/credit', summary: 'Consume part of the balance (the merchant applied the reward); more than the balance is a 422', tags,
    params: IdParam, input: BalanceCreditInput, response: { 200: Envelope(CustomerBalance) },
    handler: async ({ caller, params, input, base }) => ok(await creditBalance(db, raf(caller), params.key as string, input, base)),
  })

  addRoute(app, base, {
    method: 'GET', url: '/v1/customers/:key/referral_links', summary: 'A refer-a-friend customer\'s referral links', tags: linkTags,
    params: IdParam, input: PageOnly, response: { 200: PagedEnvelope(ReferralLink) },
    handler: async ({ caller, params, input, bag, base, request }) => {
      const program = raf(caller)
      const customer = await resolveReferralCustomer(db, program, params.key as string)
      const earner = await findPartnerByRowId(db, program.id, Number(customer.earner_id))
      const page = pageOf(input)
      const links = earner ? await linksOf(db, program, earner, { offset: page.offset, fetch: page.limit + 1 }, base) : []
      return paged(links, page, listPath(base, request), bag)
    },
  })

  addRoute(app, base, {
    method: 'POST', url: '/v1/customer_referral_links', summary: 'Create a referral link for a refer-a-friend customer', tags: linkTags,
    input: Type.Object({ ...NewLinkInput.properties, partner: Type.Optional(ReferralCustomerRef), customer: Type.Optional(ReferralCustomerRef) }),
    successStatus: 201, response: { 201: Envelope(ReferralLink) },
    handler: async ({ caller, input, base }) => ok(await createLink(db, raf(caller),
      { ...linkFields(input), key: input.key, partner: input.customer ?? input.partner ?? {} }, base, Date.now(), CUSTOMERS)),
  })

  addRoute(app, base, {
    method: 'GET', url: '/v1/customer_referral_links::search', summary: 'Find customer referral links by id (key), optionally of one customer', tags: linkTags,
    input: Type.Object({ ...SearchLinksInput.properties, partner: Type.Optional(ReferralCustomerRef), customer: Type.Optional(ReferralCustomerRef) }),
    response: { 200: PagedEnvelope(ReferralLink) },
    handler: async ({ caller, input, bag, base, request }) => {
      const page = pageOf(input)
      const links = await searchLinks(db, raf(caller), { id: input.id, key: input.key, partner: input.customer ?? input.partner },
        { offset: page.offset, fetch: page.limit + 1 }, base, CUSTOMERS)
      return paged(links, page, listPath(base, request), bag)
    },
  })

  addRoute(app, base, {
    method: 'GET', url: '/v1/customer_referral_links/:id', summary: 'Get a customer referral link', tags: linkTags, params: LinkParam,
    response: { 200: Envelope(ReferralLink) },
    handler: async ({ caller, params, base }) => ok(linkView(raf(caller), await requireLink(db, caller.program, params.id as string), base)),
  })

  addRoute(app, base, {
    method: 'PUT', url: '/v1/customer_referral_links/:id', summary: 'Update a customer referral link (snake_case or camelCase fields)', tags: linkTags,
    params: LinkParam, input: UpdateLinkInput, response: { 200: Envelope(ReferralLink) },
    handler: async ({ caller, params, input, base }) => ok(await updateLink(db, raf(caller), params.id as string, linkFields(input), base, Date.now(), CUSTOMERS)),
  })

  addRoute(app, base, {
    method: 'DELETE', url: '/v1/customer_referral_links/:id', summary: 'Delete a customer referral link (not the customer\'s last one)', tags: linkTags,
    params: LinkParam, response: { 200: Type.Object({ status: Type.Literal(1) }) },
    handler: async ({ caller, params, base }) => {
      await deleteLink(db, raf(caller), params.id as string, base, Date.now(), CUSTOMERS)
      return done()
    },
  })
}
