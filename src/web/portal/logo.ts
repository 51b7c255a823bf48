// The program's logo, served under the portal's own prefix with the image's hash in its name: a
// new logo is a new address, so browsers keep each one for good. The image answers with a policy
// of its own that runs nothing, and a type browsers may not second-guess, whatever its bytes hold.
import type { FastifyInstance } from 'fastify'
import type { Kysely } from 'kysely'
import type { Database } from '../../store/schema.js'
import type { Program } from '../../modules/programs/service.js'
import { logoFileName, logoOf, logoVersionOf } from '../../modules/programs/logo.js'
import { notFound } from '../../domain-errors.js'
import { portalFile } from './files.js'
import type { PortalDeps } from './route.js'

/** The logo's address through `path` (the portal's prefix, or none on its own host), or undefined when it has none. */
export async function portalLogoPath(db: Kysely<Database>, program: Program, path: (to: string) => string): Promise<string | undefined> {
  const logo = await logoVersionOf(db, program.id)
  return logo ? path(`/${logoFileName(logo)}`) : undefined
}

export function logoImage(app: FastifyInstance, deps: PortalDeps) {
  portalFile(app, deps, 'logo-:file', async (program, request, reply) => {
    const logo = await logoOf(deps.db, program.id)
    // An old name (the logo since replaced) or a made-up one is nobody's image.
    if (!logo || `logo-${(request.params as { file: string }).file}` !== logoFileName(logo)) throw notFound('There is no such image.')
    reply.headers({
      'content-type': logo.contentType,
      'cache-control': 'public, max-age=31536000, immutable',
      'x-content-type-options': 'nosniff',
      'content-security-policy': "default-src 'none'",
    })
    return logo.bytes
  })
}
