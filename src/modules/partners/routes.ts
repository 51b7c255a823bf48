// Partner endpoints (spec §3.2): the path forms, the collection forms with the partner named in
// the body (PHP SDK), the legacy singular /v1/partner forms, search, and the state actions.
import type { FastifyInstance } from 'fastify'
import type { Static } from 'typebox'
import type { RouteDeps } from '../../http/route-deps.js'
import { addRoute, type Caller } from '../../http/route.js'
import { check, compileInput } from '../../http/validation.js'
import { serializerOf } from '../../http/serialization.js'
import { Done, Envelope, done, ok } from '../../http/envelope.js'
import { listPath, paged, PagedEnvelope, pageOf } from '../../http/pagination.js'
import { Type } from 'typebox'
import type { Db } from '../../store/schema.js'
import {
  ListPartnersInput, NewPartnerInput, Partner, PartnerListItem, PartnerLookupInput, SearchPartnersInput, UpdatePartnerInput,
  type PartnerChanges,
} from './schemas.js'
import {
  changeStatus, createPartner, deletePartner, listPartners, requireAffiliate, requirePartnerByIdentity, resolvePartner,
  updatePartner, viewPartner, viewPartnerByRef,
} from './service.js'

const tags = ['Partners']
const IdParam = Type.Object({ id: Type.String({ description: 'Partner id, or any of its referral keys' }) })
const IDENTITY = ['id', 'key', 'email'] as const

type UpdateBody = Static<typeof UpdatePartnerInput>

/** `{update: {...}}` wins; otherwise the flat fields are the changes (minus those that named the partner). */
function changesOf(body: UpdateBody, namedBy: readonly string[] = []): PartnerChanges {
  if (body.update) return body.update
  const { update: _u, id: _i, ...flat } = body
  return Object.fromEntries(Object.entries(flat).filter(([k]) => !namedBy.includes(k))) as PartnerChanges
}

/** The identity fields a collection-form body uses to name its partner. */
function namedBy(body: Record<string, unknown>): string[] {
  const first = IDENTITY.find((f) => body[f] !== undefined)
  return body.update ? IDENTITY.filter((f) => body[f] !== undefined) : first ? [first] : []
}

// PHP's partners()->find(null, $email) sends GET /v1/partners/ with the partner named in its body:
// a trailing-slash collection GET that names a partner answers that partner, as GET /v1/partner does.
const lookupInput = compileInput(PartnerLookupInput)
const partnerAnswer = serializerOf(Envelope(Partner))
const pick = (bag: Record<string, unknown>) => Object.fromEntries(IDENTITY.filter((f) => bag[f] !== undefined).map((f) => [f, bag[f]]))

function namesOnePartner(url: string, bag: Record<string, unknown>): boolean {
  return (url.split('?')[0] as string).endsWith('/') && IDENTITY.some((f) => bag[f] !== undefined)
}

export function partnerRoutes(app: FastifyInstance, { store, base }: RouteDeps) {
  const db = store.db
  const affiliate = (caller: Caller) => {
    requireAffiliate(caller.program)
    return caller.program
  }
  const byPath = (caller: Caller, id: string) => (tx: Db) => resolvePartner(tx, caller.program, id)
  const byBody = (caller: Caller, body: Record<string, unknown>) => (tx: Db) => requirePartnerByIdentity(tx, caller.program, body)

  // The list is the search with no filters: one handler serves both. Only the search declares (and
  // so validates) the filter fields; the list must not read undeclared input.
  const listing = [
    ['/v1/partners', 'List partners', ListPartnersInput, false],
    ['/v1/partners::search', 'Search partners by id, referral key, email or name (partial, any case)', SearchPartnersInput, true],
  ] as const
  for (const [url, summary, input, filtered] of listing) {
    addRoute(app, base, {
      method: 'GET', url, summary, tags, input,
      response: { 200: PagedEnvelope(PartnerListItem) },
      handler: async ({ caller, input, bag, base, request, reply }) => {
        const program = affiliate(caller)
        if (!filtered && namesOnePartner(request.url, bag)) {
          const partner = await viewPartner(db, program, await requirePartnerByIdentity(db, program, check(lookupInput, pick(bag))), base)
          // Only once found: an error answer keeps its own serializer.
          reply.serializer(partnerAnswer)
          return ok(partner)
        }
        const page = pageOf(input)
        const { id, key, email, name } = filtered ? input as Static<typeof SearchPartnersInput> : {}
        const rows = await listPartners(db, program, { sort: input.sort ?? 'desc', offset: page.offset, fetch: page.limit + 1, filters: { id, key, email, name } }, base)
        return paged(rows, page, listPath(base, request), bag)
      },
    })
  }

  for (const url of ['/v1/partners', '/v1/partner']) {
    addRoute(app, base, {
      method: 'POST', url, summary: url === '/v1/partner' ? 'Create a partner (legacy singular form)' : 'Create a partner', tags,
      input: NewPartnerInput,
      successStatus: 201,
      response: { 201: Envelope(Partner) },
      handler: async ({ caller, input, base }) => ok(await createPartner(db, affiliate(caller), input, base)),
    })
  }

  addRoute(app, base, {
    method: 'GET', url: '/v1/partners/:id', summary: 'Get a partner with its statistics', tags,
    params: IdParam,
    response: { 200: Envelope(Partner) },
    handler: async ({ caller, params, base }) => ok(await viewPartnerByRef(db, affiliate(caller), params.id as string, base)),
  })

  addRoute(app, base, {
    method: 'GET', url: '/v1/partner', summary: 'Get a partner by id, key or email (legacy singular form)', tags,
    input: PartnerLookupInput,
    response: { 200: Envelope(Partner) },
    handler: async ({ caller, input, base }) => {
      const program = affiliate(caller)
      return ok(await viewPartner(db, program, await requirePartnerByIdentity(db, program, input), base))
    },
  })

  addRoute(app, base, {
    method: 'PUT', url: '/v1/partners/:id', summary: 'Update a partner (`{update: {...}}` or flat fields)', tags,
    params: IdParam,
    input: UpdatePartnerInput,
    response: { 200: Envelope(Partner) },
    handler: async ({ caller, params, input, base }) =>
      ok(await updatePartner(db, affiliate(caller), byPath(caller, params.id as string), changesOf(input), base)),
  })

  for (const url of ['/v1/partners', '/v1/partner']) {
    addRoute(app, base, {
      method: 'PUT', url, summary: 'Update the partner named in the body by id, key or email', tags,
      input: UpdatePartnerInput,
      response: { 200: Envelope(Partner) },
      handler: async ({ caller, input, base }) => {
        const naming = namedBy(input)
        const identity = Object.fromEntries(naming.map((f) => [f, (input as Record<string, unknown>)[f]]))
        return ok(await updatePartner(db, affiliate(caller), byBody(caller, identity), changesOf(input, naming), base))
      },
    })
  }

  addRoute(app, base, {
    method: 'DELETE', url: '/v1/partners/:id', summary: 'Delete a partner and its referral links', tags,
    params: IdParam,
    response: { 200: Done },
    handler: async ({ caller, params, base }) => {
      await deletePartner(db, affiliate(caller), byPath(caller, params.id as string), base)
      return done()
    },
  })

  for (const url of ['/v1/partners', '/v1/partner']) {
    addRoute(app, base, {
      method: 'DELETE', url, summary: 'Delete the partner named in the body by id, key or email', tags,
      input: PartnerLookupInput,
      response: { 200: Done },
      handler: async ({ caller, input, base }) => {
        await deletePartner(db, affiliate(caller), byBody(caller, input), base)
        return done()
      },
    })
  }

  const actions = [
    ['archive', 'Archive a partner (400 when already archived)'],
    ['revoke-archive', 'Restore an archived partner (400 when not archived)'],
    ['approve', 'Approve a partner (extension)'],
    ['reject', 'Reject a partner (extension)'],
  ] as const
  for (const [action, summary] of actions) {
    addRoute(app, base, {
      method: 'POST', url: `/v1/partners/:id/${action}`, summary, tags,
      params: IdParam,
      response: { 200: Done },
      handler: async ({ caller, params, base }) => {
        await changeStatus(db, affiliate(caller), params.id as string, action, base)
        return done()
      },
    })
  }
}
