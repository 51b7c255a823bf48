// The partner portal: every page, at /portal/{PUBLIC_ID}/… and on the program's own portal host.
import type { FastifyInstance } from 'fastify'
import { signInPages } from './sign-in.js'
import { dashboardPage } from './dashboard.js'
import { commissionsPage } from './commissions.js'
import { brandStylesheet } from './brand.js'
import { logoImage } from './logo.js'
import { applyPages } from './apply.js'
import { passwordPages } from './password.js'
import { linkPages } from './links.js'
import { referralsPage } from './referrals.js'
import { payoutPages } from './payouts.js'
import { profilePages } from './profile.js'
import type { PortalDeps } from './route.js'

export function portalPages(app: FastifyInstance, deps: PortalDeps) {
  const pages = [brandStylesheet, logoImage, signInPages, applyPages, passwordPages, dashboardPage, linkPages, referralsPage, commissionsPage, payoutPages, profilePages]
  for (const register of pages) register(app, deps)
}
