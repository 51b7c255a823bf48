// The portal's own files (its colour's stylesheet, its logo): each at /portal/:program/<file>, and
// at the root of the program's own portal host, where the host names the program.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { notFound } from '../../domain-errors.js'
import { programByPublicId, type Program } from '../../modules/programs/service.js'
import { portalHostProgram } from './hosts.js'
import type { PortalDeps } from './route.js'

type Send = (program: Program, request: FastifyRequest, reply: FastifyReply) => Promise<unknown>

export function portalFile(app: FastifyInstance, deps: PortalDeps, file: string, send: Send) {
  const config = { public: true, web: true }
  for (const url of [`/portal/:program/${file}`, `/${file}`]) {
    app.get(url, { config, schema: { hide: true } }, async (request, reply) => {
      const id = (request.params as { program?: string }).program
      const program = id === undefined ? await portalHostProgram(deps.db, request.hostname) : await programByPublicId(deps.db, id)
      // Off a portal host the bare path is the API's unknown route, answered as the API answers it.
      if (!program && id === undefined) return reply.callNotFound()
      if (!program) throw notFound('There is no partner portal here.')
      return send(program, request, reply)
    })
  }
}
