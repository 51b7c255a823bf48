// The partner portal: every page, at /portal/{PUBLIC_ID}/… and on the program's own portal host.
import type { FastifyInstance } from 'fastify'
import { signInPages } from './sign-in.js'
import { dashboardPage } from './dashboard.js'
import { commissionsPage } from './commissions.js'
import { brandStylesheet } from './brand.js'
import type { PortalDeps } from './route.js'

export function portalPages(app: FastifyInstance, deps: PortalDeps) {
  for (const pages of [brandStylesheet, signInPages, dashboardPage, commissionsPage]) pages(app, deps)
}
