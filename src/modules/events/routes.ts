// GET /v1/events (extension): the program's domain events, newest first — what the outbox holds
// and webhooks deliver, readable by polling too.
import type { FastifyInstance } from 'fastify'
import { Type } from 'typebox'
import type { RouteDeps } from '../../http/route-deps.js'
import { addRoute } from '../../http/route.js'
import { listPath, paged, PagedEnvelope, PageInput, pageOf } from '../../http/pagination.js'
import { listEventViews } from './service.js'

const Event = Type.Object({
  id: Type.String({ description: 'evt_ followed by a number that grows with each event' }),
  type: Type.String({ description: 'e.g. program.updated, partner.created' }),
  created_at: Type.String(),
  data: Type.Unknown({ description: 'The object as the matching GET returns it' }),
})

export function eventRoutes(app: FastifyInstance, { store, base }: RouteDeps) {
  addRoute(app, base, {
    method: 'GET',
    url: '/v1/events',
    summary: 'List the program\'s events (extension)',
    tags: ['Events'],
    input: Type.Object({
      ...PageInput,
      type: Type.Optional(Type.String({ maxLength: 64 })),
      sort: Type.Optional(Type.Union([Type.Literal('asc'), Type.Literal('desc')], { default: 'desc' })),
    }),
    response: { 200: PagedEnvelope(Event) },
    handler: async ({ caller, input, bag, base, request }) => {
      const page = pageOf(input)
      const items = await listEventViews(store.db, caller.program.id, {
        type: input.type,
        sort: input.sort ?? 'desc',
        offset: page.offset,
        fetch: page.limit + 1,
      })
      return paged(items, page, listPath(base, request), bag)
    },
  })
}
