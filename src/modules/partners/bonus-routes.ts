// The manual bonus (spec §6): POST /v1/partners/{id}/reward. Send an Idempotency-Key to make a retry safe.
import type { FastifyInstance } from 'fastify'
import { Type } from 'typebox'
import type { RouteDeps } from '../../http/route-deps.js'
import { Envelope, ok } from '../../http/envelope.js'
import { addRoute } from '../../http/route.js'
import { BonusInput, Reward } from '../rewards/schemas.js'
import { grantBonus } from './bonus.js'
import { requireAffiliate } from './service.js'

const IdParam = Type.Object({ id: Type.String({ description: 'Partner id, or any of its referral keys' }) })

export function bonusRoutes(app: FastifyInstance, { store, base }: RouteDeps) {
  addRoute(app, base, {
    method: 'POST', url: '/v1/partners/:id/reward', tags: ['Rewards'], params: IdParam, input: BonusInput, successStatus: 201,
    summary: 'Grant a partner a manual bonus, payable at once',
    response: { 201: Envelope(Reward) },
    handler: async ({ caller, params, input }) => {
      requireAffiliate(caller.program)
      return ok(await grantBonus(store.db, caller.program, params.id as string, input))
    },
  })
}
