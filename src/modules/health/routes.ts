import type { FastifyInstance } from 'fastify'
import { Type } from 'typebox'
import type { RouteDeps } from '../../http/route-deps.js'
import { addRoute } from '../../http/route.js'
import { unavailable } from '../../domain-errors.js'
import { Envelope, ok } from '../../http/envelope.js'

export function healthRoutes(app: FastifyInstance, { store, base }: RouteDeps) {
  addRoute(app, base, {
    method: 'GET',
    url: '/healthz',
    summary: 'Health: answers 200 when the store answers, 503 otherwise',
    tags: ['Meta'],
    public: true,
    response: { 200: Envelope(Type.Object({ store: Type.Literal('ok') })) },
    handler: async () => {
      try {
        await store.ping()
      } catch {
        throw unavailable('The store is not answering.', 'store_unavailable')
      }
      return ok({ store: 'ok' as const })
    },
  })
}
