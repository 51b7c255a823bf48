// A referring customer's own page in a refer-a-friend program, at /refer/{PUBLIC_ID}/….
import type { FastifyInstance } from 'fastify'
import type { PortalDeps } from '../portal/route.js'
import { referHomePages } from './home.js'
import { referSignInPages } from './sign-in.js'

export function referPages(app: FastifyInstance, deps: PortalDeps) {
  for (const register of [referSignInPages, referHomePages]) register(app, deps)
}
