// Partner referral link endpoints (spec §3.3, seed 002).
import type { FastifyInstance } from 'fastify'
import { Type } from 'typebox'
import type { RouteDeps } from '../../http/route-deps.js'
import { addRoute } from '../../http/route.js'
import { Done, Envelope, done, ok } from '../../http/envelope.js'
import { PagedEnvelope, pageOf, paged } from '../../http/pagination.js'
import { requireAffiliate, resolvePartner } from '../partners/service.js'
import { LinkDomain, NewLinkInput, PageOnly, ReferralLink, SearchLinksInput, UpdateLinkInput } from './schemas.js'
import { createLink, deleteLink, linkDomains, linkFields, linksOf, linkView, requireLink, searchLinks, updateLink } from './service.js'

const tags = ['Referral links']
const KeyParam = Type.Object({ id: Type.String({ description: 'The link id, which is its key' }) })
const PartnerParam = Type.Object({ id: Type.String({ description: 'Partner id, or any of its referral keys' }) })

export function referralLinkRoutes(app: FastifyInstance, { store, base }: RouteDeps) {
  const db = store.db
  const listUrl = (base: string, url: string) => `${base}${url.split('?')[0]}`

  addRoute(app, base, {
    method: 'GET', url: '/v1/partners/:id/referral_links', summary: 'List a partner\'s referral links', tags,
    params: PartnerParam,
    input: PageOnly,
    response: { 200: PagedEnvelope(ReferralLink) },
    handler: async ({ caller, params, input, bag, base, request }) => {
      requireAffiliate(caller.program)
      const partner = await resolvePartner(db, caller.program, params.id as string)
      const page = pageOf(input)
      const links = await linksOf(db, caller.program, partner, { offset: page.offset, fetch: page.limit + 1 }, base)
      return paged(links, page, listUrl(base, request.url), bag)
    },
  })

  addRoute(app, base, {
    method: 'POST', url: '/v1/partner_referral_links', summary: 'Create a referral link for a partner', tags,
    input: NewLinkInput,
    successStatus: 201,
    response: { 201: Envelope(ReferralLink) },
    handler: async ({ caller, input, base }) => {
      requireAffiliate(caller.program)
      return ok(await createLink(db, caller.program, { ...linkFields(input), key: input.key, partner: input.partner }, base))
    },
  })

  addRoute(app, base, {
    method: 'GET', url: '/v1/partner_referral_links::search', summary: 'Find referral links by id (key), optionally of one partner', tags,
    input: SearchLinksInput,
    response: { 200: PagedEnvelope(ReferralLink) },
    handler: async ({ caller, input, bag, base, request }) => {
      requireAffiliate(caller.program)
      const page = pageOf(input)
      const links = await searchLinks(db, caller.program, input, { offset: page.offset, fetch: page.limit + 1 }, base)
      return paged(links, page, listUrl(base, request.url), bag)
    },
  })

  addRoute(app, base, {
    method: 'GET', url: '/v1/partner_referral_links::domains', summary: 'The domains referral links can use: the website (id null) and additional domains', tags,
    input: PageOnly,
    response: { 200: PagedEnvelope(LinkDomain) },
    handler: async ({ caller, input, bag, base, request }) => {
      requireAffiliate(caller.program)
      const page = pageOf(input, { defaultLimit: 10, minLimit: 1, maxLimit: 250 })
      const domains = await linkDomains(db, caller.program, { offset: page.offset, fetch: page.limit + 1 }, base)
      return paged(domains, page, listUrl(base, request.url), bag)
    },
  })

  addRoute(app, base, {
    method: 'GET', url: '/v1/partner_referral_links/:id', summary: 'Get a referral link', tags,
    params: KeyParam,
    response: { 200: Envelope(ReferralLink) },
    handler: async ({ caller, params, base }) => {
      requireAffiliate(caller.program)
      return ok(linkView(caller.program, await requireLink(db, caller.program, params.id as string), base))
    },
  })

  addRoute(app, base, {
    method: 'PUT', url: '/v1/partner_referral_links/:id', summary: 'Update a referral link (snake_case or camelCase fields)', tags,
    params: KeyParam,
    input: UpdateLinkInput,
    response: { 200: Envelope(ReferralLink) },
    handler: async ({ caller, params, input, base }) => {
      requireAffiliate(caller.program)
      return ok(await updateLink(db, caller.program, params.id as string, linkFields(input), base))
    },
  })

  addRoute(app, base, {
    method: 'DELETE', url: '/v1/partner_referral_links/:id', summary: 'Delete a referral link (not the partner\'s last one)', tags,
    params: KeyParam,
    response: { 200: Done },
    handler: async ({ caller, params, base }) => {
      requireAffiliate(caller.program)
      await deleteLink(db, caller.program, params.id as string, base)
      return done()
    },
  })
}
