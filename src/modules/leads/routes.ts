// Lead endpoints of affiliate programs (spec §3.8). Convert and reject are served on GET (query,
// as Partnero's docs call them) and on POST (JSON body, as n8n does): architecture §6.4.
import type { FastifyInstance } from 'fastify'
import { Type } from 'typebox'
import type { RouteDeps } from '../../http/route-deps.js'
import { Done, Envelope, done, ok } from '../../http/envelope.js'
import { listPath, paged, PagedEnvelope, pageOf } from '../../http/pagination.js'
import { addRoute, type Caller } from '../../http/route.js'
import { requireAffiliateCustomers } from '../customers/service.js'
import { leadDetails, leadView } from './representation.js'
import { ConvertLeadInput, Lead, LeadDetails, ListLeadsInput, NewLeadInput, RejectLeadInput } from './schemas.js'
import { convertLead, deleteLead, leadNumber, rejectLead, requireLead, submitLead, listLeads } from './service.js'

const tags = ['Leads']
const IdParam = Type.Object({ id: Type.String({ description: 'Lead id (an integer)' }) })

export function leadRoutes(app: FastifyInstance, { store, base }: RouteDeps) {
  const db = store.db
  const program = (caller: Caller) => {
    requireAffiliateCustomers(caller.program)
    return caller.program
  }

  addRoute(app, base, {
    method: 'GET', url: '/v1/leads/details', summary: 'The program\'s lead setup: commission and form fields', tags,
    response: { 200: Envelope(LeadDetails) },
    handler: async ({ caller }) => ok(leadDetails(program(caller))),
  })

  addRoute(app, base, {
    method: 'GET', url: '/v1/leads', summary: 'List leads', tags, input: ListLeadsInput,
    response: { 200: PagedEnvelope(Lead) },
    handler: async ({ caller, input, bag, base, request }) => {
      const page = pageOf(input)
      const leads = await listLeads(db, program(caller), { sort: input.sort ?? 'desc', offset: page.offset, fetch: page.limit + 1 })
      return paged(leads, page, listPath(base, request), bag)
    },
  })

  addRoute(app, base, {
    method: 'GET', url: '/v1/leads/:id', summary: 'Get a lead', tags, params: IdParam,
    response: { 200: Envelope(Lead) },
    handler: async ({ caller, params }) => ok(leadView(await requireLead(db, program(caller), leadNumber(params.id as string)))),
  })

  addRoute(app, base, {
    method: 'POST', url: '/v1/leads', summary: 'Submit a lead on behalf of a partner', tags, input: NewLeadInput, successStatus: 201,
    response: { 201: Envelope(Lead) },
    handler: async ({ caller, input }) => ok(await submitLead(db, program(caller), input)),
  })

  for (const method of ['GET', 'POST'] as const) {
    const where = method === 'GET' ? 'query' : 'JSON body'
    addRoute(app, base, {
      method, url: '/v1/leads/convert', tags, input: ConvertLeadInput, changesState: true,
      summary: `Convert a lead into a customer of its partner (${where}); commission_transaction_amount records a first sale`,
      response: { 200: Envelope(Lead) },
      handler: async ({ caller, input }) => ok(await convertLead(db, program(caller), input.id, input.commission_transaction_amount)),
    })
    addRoute(app, base, {
      method, url: '/v1/leads/reject', summary: `Reject a lead (${where})`, tags, input: RejectLeadInput, changesState: true,
      response: { 200: Envelope(Lead) },
      handler: async ({ caller, input }) => ok(await rejectLead(db, program(caller), input.id)),
    })
  }

  addRoute(app, base, {
    method: 'DELETE', url: '/v1/leads/:id', summary: 'Delete a lead', tags, params: IdParam,
    response: { 200: Done },
    handler: async ({ caller, params }) => {
      await deleteLead(db, program(caller), leadNumber(params.id as string))
      return done()
    },
  })
}
