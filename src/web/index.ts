// The pages: the partner portal and the merchant admin, in one encapsulated plugin so its
// form parsing and HTML error pages never reach the JSON API beside it.
import type { FastifyInstance } from 'fastify'
import formbody from '@fastify/formbody'
import type { RouteDeps } from '../http/route-deps.js'
import { assetRoutes } from './assets.js'
import { sendErrorPage } from './errors.js'
import { portalPages } from './portal/index.js'
import { adminPages } from './admin/index.js'
import { referPages } from './refer/index.js'

declare module 'fastify' {
  interface FastifyContextConfig {
    /** A page: its form body is read as the browser sent it (no API input bag). */
    web?: boolean
    /**
     * A page's post that changes a program's data (the admin's changes, not a sign-in or a preview):
     * once it succeeds, what this process remembered of programs, keys and links is forgotten, as
     * after an API write.
     */
    changesProgram?: boolean
  }
}

export function webRoutes(app: FastifyInstance, { store, limits, base, config, forgetKeyOwners }: RouteDeps) {
  assetRoutes(app)
  app.register(async (web) => {
    await web.register(formbody, { bodyLimit: 65_536 })
    web.setErrorHandler(sendErrorPage)
    portalPages(web, { db: store.db, limits, origin: base })
    referPages(web, { db: store.db, limits, origin: base })
    adminPages(web, { db: store.db, store, limits, origin: base, webhooks: { allowPrivateUrls: config.allowPrivateWebhookUrls }, forgetKeyOwners })
  })
}
