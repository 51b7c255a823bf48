// Payout request endpoints of affiliate programs (spec §3.9): list, search, get, request, and the
// status actions approve and mark_as_paid, plus the extensions reject, request_resubmit and resubmit.
import type { FastifyInstance, FastifyReply } from 'fastify'
import { Type } from 'typebox'
import type { RouteDeps } from '../../http/route-deps.js'
import { Envelope, ok } from '../../http/envelope.js'
import { listPath, paged, PagedEnvelope, pageOf } from '../../http/pagination.js'
import { addRoute } from '../../http/route.js'
import { resolvePartner } from '../partners/service.js'
import { ExportInput, ListPayoutsInput, NewPayoutInput, PayoutRequest, ReasonInput, ResubmitInput, SearchPayoutsInput, Statement, StatementInput } from './schemas.js'
import { SavedMethod } from '../partners/payout-method-schema.js'
import { savedMethod } from '../partners/payout-method.js'
import { partnerFilter } from './search.js'
import { actOnPayout, listPayouts, payoutNumber, requestPayout, requireAffiliatePayouts as program, viewPayout } from './service.js'
import { exportPayouts, payoutStatement, payoutStatementCsv } from './statement.js'
import type { PayoutAction } from './status.js'

const tags = ['Payout requests']
const IdParam = Type.Object({ id: Type.String({ description: 'Payout request id (an integer)' }) })

const ACTIONS: Array<{ action: PayoutAction; summary: string; input?: typeof ReasonInput | typeof ResubmitInput }> = [
  { action: 'approve', summary: 'Approve a requested (or resubmitted) payout request' },
  { action: 'mark_as_paid', summary: 'Record that an approved payout was sent: its rewards move to paid' },
  { action: 'reject', summary: 'Extension: reject a payout request for good (its rewards can never be requested again); optional reason', input: ReasonInput },
  { action: 'request_resubmit', summary: 'Extension: send a payout request back to the partner with a reason', input: ReasonInput },
  { action: 'resubmit', summary: 'Extension: resubmit a payout request sent back, optionally with new gateway and payout_settings', input: ResubmitInput },
]

export function payoutRoutes(app: FastifyInstance, { store, base }: RouteDeps) {
  const db = store.db

  addRoute(app, base, {
    method: 'GET', url: '/v1/payout_requests', summary: 'List payout requests', tags, input: ListPayoutsInput,
    response: { 200: PagedEnvelope(PayoutRequest) },
    handler: async ({ caller, input, bag, base, request }) => {
      const p = program(caller.program)
      const page = pageOf(input)
      const payouts = await listPayouts(db, p, { sort: input.sort ?? 'desc', offset: page.offset, fetch: page.limit + 1 })
      return paged(payouts, page, listPath(base, request), bag)
    },
  })

  addRoute(app, base, {
    method: 'GET', url: '/v1/payout_requests::search', tags, input: SearchPayoutsInput,
    summary: 'Search payout requests by amount_units, partner_email, partner_id, partner_key and status (all AND-ed)',
    response: { 200: PagedEnvelope(PayoutRequest) },
    handler: async ({ caller, input, bag, base, request }) => {
      const p = program(caller.program)
      const page = pageOf(input)
      const partnerId = await partnerFilter(db, p, input)
      const payouts = partnerId === null ? [] : await listPayouts(db, p, {
        sort: input.sort ?? 'desc', offset: page.offset, fetch: page.limit + 1, partnerId,
        currency: input.amount_units?.toUpperCase(), status: input.status,
      })
      return paged(payouts, page, listPath(base, request), bag)
    },
  })

  addRoute(app, base, {
    method: 'GET', url: '/v1/payout_requests::export', tags, input: ExportInput,
    summary: 'Extension: a mass-payout file of the requests in one status (default approved): PayPal Payouts CSV, Wise batch CSV, or a plain CSV',
    response: { 200: Type.String({ description: 'text/csv' }) },
    handler: async ({ caller, input, reply }) => {
      const format = input.format ?? 'csv'
      const file = await exportPayouts(db, program(caller.program), { status: input.status ?? 'approved', format, currency: input.amount_units?.toUpperCase() })
      return csvReply(reply, `payouts-${input.status ?? 'approved'}-${format}.csv`, file)
    },
  })

  addRoute(app, base, {
    method: 'GET', url: '/v1/payout_requests/:id/statement', tags, params: IdParam, input: StatementInput,
    summary: 'Extension: the rewards and clawbacks a payout request covers, as JSON or (format=csv) CSV',
    response: { 200: Envelope(Statement) },
    handler: async ({ caller, params, input, reply }) => {
      const p = program(caller.program)
      const number = payoutNumber(params.id as string)
      if (input.format === 'csv') return csvReply(reply, `payout-${number}-statement.csv`, await payoutStatementCsv(db, p, number))
      return ok(await payoutStatement(db, p, number))
    },
  })

  addRoute(app, base, {
    method: 'GET', url: '/v1/payout_requests/:id', summary: 'Get a payout request', tags, params: IdParam,
    response: { 200: Envelope(PayoutRequest) },
    handler: async ({ caller, params }) => ok(await viewPayout(db, program(caller.program), payoutNumber(params.id as string))),
  })

  addRoute(app, base, {
    method: 'POST', url: '/v1/payout_requests', tags, input: NewPayoutInput, successStatus: 201,
    summary: 'Request a payout of a partner\'s whole payable balance in one currency (or of chosen rewards)',
    response: { 201: Envelope(PayoutRequest) },
    handler: async ({ caller, input }) => ok(await requestPayout(db, program(caller.program), input)),
  })

  addRoute(app, base, {
    method: 'GET', url: '/v1/partners/:id/payout_settings', tags, params: Type.Object({ id: Type.String({ description: 'Partner id, or any of its referral keys' }) }),
    summary: 'Extension: the partner\'s saved payout method (set with payout_gateway and payout_settings on partner update), or null',
    response: { 200: Envelope(SavedMethod) },
    handler: async ({ caller, params }) => {
      const method = savedMethod((await resolvePartner(db, program(caller.program), params.id as string)).payout)
      return ok(method ? { gateway: method.gateway, payout_settings: method.settings } : null)
    },
  })

  for (const { action, summary, input } of ACTIONS) {
    addRoute(app, base, {
      method: 'POST', url: `/v1/payout_requests/:id/${action}`, summary, tags, params: IdParam, ...(input ? { input } : {}),
      response: { 200: Envelope(PayoutRequest) },
      handler: async ({ caller, params, input: given }) => {
        const body = (given ?? {}) as { reason?: string } & ResubmitInput
        const changes = { reason: body.reason, resubmit: { gateway: body.gateway, payout_settings: body.payout_settings } }
        return ok(await actOnPayout(db, program(caller.program), payoutNumber(params.id as string), action, changes))
      },
    })
  }
}

function csvReply(reply: FastifyReply, filename: string, body: string): string {
  reply.type('text/csv; charset=utf-8').header('content-disposition', `attachment; filename="${filename}"`)
  return body
}
