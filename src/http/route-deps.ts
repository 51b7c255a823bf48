// What the app hands every module's routes: settings, the store, rate limits and the base URL that
// absolute links start with. Here, not in app.ts, so that routes depend on http/ and never on the
// file that assembles them.
import type { FastifyRequest } from 'fastify'
import type { Config } from '../config.js'
import type { Store } from '../store/store.js'
import type { RateLimits } from './rate-limit.js'

export type AppConfig = Pick<Config, 'publicUrl' | 'rateLimit' | 'trackingRateLimit' | 'bodyLimitBytes' | 'jsonMaxDepth' | 'trustProxy' | 'logLevel' | 'redisUrl' | 'allowPrivateWebhookUrls'>

export interface AppDeps {
  config: AppConfig
  store: Store
}

export interface RouteDeps extends AppDeps {
  base: (request: FastifyRequest) => string
  limits: RateLimits
  /** Forgets the key owners this process remembered for reads: after a change to keys made outside the API (the admin's revoke). */
  forgetKeyOwners?: () => void
}
