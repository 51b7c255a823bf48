// The merchant admin: every page, at /admin/…, for users signed in to one of their programs.
import type { FastifyInstance } from 'fastify'
import { homePages } from './home.js'
import { partnerPages } from './partners.js'
import { signInPages } from './sign-in.js'
import { payoutPages } from './payouts.js'
import { webhookPages } from './webhooks.js'
import type { AdminDeps } from './route.js'

export function adminPages(app: FastifyInstance, deps: AdminDeps) {
  for (const register of [signInPages, homePages, partnerPages, payoutPages, webhookPages]) register(app, deps)
}
