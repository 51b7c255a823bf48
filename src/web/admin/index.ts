// The merchant admin: every page, at /admin/…, for users signed in to one of their programs.
import type { FastifyInstance } from 'fastify'
import { commissionPages } from './commissions.js'
import { customerPages } from './customers.js'
import { homePages } from './home.js'
import { leadPages } from './leads.js'
import { partnerPages } from './partners.js'
import { signInPages } from './sign-in.js'
import { payoutPages } from './payouts.js'
import { webhookPages } from './webhooks.js'
import { settingsPages } from './settings.js'
import { apiKeyPages } from './api-keys.js'
import { teamPages } from './team.js'
import { programSettingsPages } from './program-settings.js'
import { commissionSettingsPages } from './commission-settings.js'
import { rewardsSettingsPages } from './rewards-settings.js'
import { portalSettingsPages } from './portal-settings.js'
import { stripePages } from './stripe.js'
import { passwordPages } from './password.js'
import { accountPages } from './account.js'
import { logoPages } from './logo.js'
import type { AdminDeps } from './route.js'

export function adminPages(app: FastifyInstance, deps: AdminDeps) {
  const pages = [signInPages, homePages, partnerPages, customerPages, leadPages, commissionPages, payoutPages, webhookPages, settingsPages,
    programSettingsPages, commissionSettingsPages, rewardsSettingsPages, portalSettingsPages, logoPages, stripePages, apiKeyPages, teamPages, passwordPages, accountPages]
  for (const register of pages) register(app, deps)
}
