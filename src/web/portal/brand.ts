// The program's colour as a stylesheet of its own: the policy allows no inline style, and this
// keeps the shared stylesheet cacheable for every program.
import type { FastifyInstance } from 'fastify'
import type { Program } from '../../modules/programs/service.js'
import { portalFile } from './files.js'
import type { PortalDeps } from './route.js'

const HEX = /^#[0-9a-f]{6}$/i

export function brandColor(program: Program): string {
  // Checked when set (PUT /v1/program); checked again because it is written into a stylesheet.
  const chosen = program.settings.portal.brand_color
  return HEX.test(chosen) ? chosen : '#1d4ed8'
}

export function brandStylesheet(app: FastifyInstance, deps: PortalDeps) {
  portalFile(app, deps, 'brand.css', async (program, _request, reply) => {
    reply.type('text/css; charset=utf-8').header('cache-control', 'public, max-age=300')
    return `:root { --brand: ${brandColor(program)}; }\n`
  })
}
