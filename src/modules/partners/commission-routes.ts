// Commission rules (extension): the program's rules read in full, and a partner's own rate. Here,
// with partners, because a partner's own rate is read and written through its partner; the rules
// themselves (commissions/) are pure and depend on nothing above them.
// The program's rules are set with PUT /v1/program {program_settings: {commission: {...}}}.
import type { FastifyInstance } from 'fastify'
import { Type } from 'typebox'
import type { RouteDeps } from '../../http/route-deps.js'
import { Envelope, ok } from '../../http/envelope.js'
import { addRoute, type Caller } from '../../http/route.js'
import { requireAffiliate } from './service.js'
import { commissionView } from '../commissions/representation.js'
import { Commission, PartnerCommission, PartnerCommissionInput } from '../commissions/schemas.js'
import { readPartnerCommission, setPartnerCommission } from './commission.js'

const tags = ['Commissions']
const IdParam = Type.Object({ id: Type.String({ description: 'Partner id, or any of its referral keys' }) })

export function commissionRoutes(app: FastifyInstance, { store, base }: RouteDeps) {
  const db = store.db
  const program = (caller: Caller) => {
    requireAffiliate(caller.program)
    return caller.program
  }

  addRoute(app, base, {
    method: 'GET', url: '/v1/program/commission', tags,
    summary: 'The program\'s commission rules in full (extension; set them with PUT /v1/program program_settings.commission)',
    response: { 200: Envelope(Commission) },
    handler: async ({ caller }) => ok(commissionView(program(caller).settings.commission, caller.program.currency)),
  })

  addRoute(app, base, {
    method: 'GET', url: '/v1/partners/:id/commission', tags, params: IdParam,
    summary: 'The rate a partner earns: its own, or the program\'s (extension)',
    response: { 200: Envelope(PartnerCommission) },
    handler: async ({ caller, params }) => ok(await readPartnerCommission(db, program(caller), params.id as string)),
  })

  addRoute(app, base, {
    method: 'PUT', url: '/v1/partners/:id/commission', tags, params: IdParam, input: PartnerCommissionInput,
    summary: 'Give a partner its own rate and optionally period, replacing the program\'s rules for it (extension)',
    response: { 200: Envelope(PartnerCommission) },
    handler: async ({ caller, params, input, base }) =>
      ok(await setPartnerCommission(db, program(caller), params.id as string, input as PartnerCommissionInput, base)),
  })

  addRoute(app, base, {
    method: 'DELETE', url: '/v1/partners/:id/commission', tags, params: IdParam,
    summary: 'Put a partner back on the program\'s rules (extension)',
    response: { 200: Envelope(PartnerCommission) },
    handler: async ({ caller, params, base }) => ok(await setPartnerCommission(db, program(caller), params.id as string, null, base)),
  })
}
