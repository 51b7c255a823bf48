// Builds the Fastify instance: the cross-cutting HTTP conventions first, then each module's routes.
import Fastify, { type FastifyInstance, type FastifyReply } from 'fastify'
import swagger from '@fastify/swagger'
import swaggerUi from '@fastify/swagger-ui'
import { isRead, requireCaller, type KeyOwners } from './http/auth.js'
import { baseUrl } from './http/base-url.js'
import { setUpErrorHandling } from './http/errors-handler.js'
import { setUpIdempotency } from './http/idempotency/plugin.js'
import { inputBag } from './http/input.js'
import { jsonBodyParser } from './http/json-body.js'
import { answerMalformedRequest, answerRouterError } from './http/protocol-errors.js'
import { ROUTER_OPTIONS } from './http/known-routes.js'
import { lazySerializerCompiler } from './http/serialization.js'
import { setUpRateLimit } from './http/rate-limit.js'
import type { AppDeps, RouteDeps } from './http/route-deps.js'
import { check } from './http/validation.js'
import { healthRoutes } from './modules/health/routes.js'
import { programRoutes } from './modules/programs/routes.js'
import { eventRoutes } from './modules/events/routes.js'
import { partnerRoutes } from './modules/partners/routes.js'
import { referralLinkRoutes } from './modules/referral-links/routes.js'
import { customerRoutes } from './modules/customers/routes.js'
import { transactionRoutes } from './modules/transactions/routes.js'
import { commissionRoutes } from './modules/partners/commission-routes.js'
import { bonusRoutes } from './modules/partners/bonus-routes.js'
import { leadRoutes } from './modules/leads/routes.js'
import { trackingRoutes } from './modules/tracking/routes.js'
import { webhookRoutes } from './modules/webhooks/routes.js'
import { stripeRoutes } from './modules/integrations/stripe/routes.js'
import { payoutRoutes } from './modules/payouts/routes.js'
import { signInRoutes } from './modules/sign-in/routes.js'
import { openApiRoutes, openApiOptions } from './http/openapi.js'
import { webRoutes } from './web/index.js'
import { RecentOwners } from './modules/api-keys/recent-owners.js'
import { authenticate, authenticateRead } from './modules/api-keys/service.js'

export async function buildApp({ config, store }: AppDeps): Promise<FastifyInstance> {
  const app = Fastify({
    logger: { level: config.logLevel, redact: ['req.headers.authorization'] },
    bodyLimit: config.bodyLimitBytes,
    trustProxy: config.trustProxy,
    routerOptions: ROUTER_OPTIONS,
    // Malformed HTTP and URLs the router refuses get the Partnero error shape too.
    clientErrorHandler: answerMalformedRequest,
    frameworkErrors: answerRouterError,
  })
  // Partnero clients put JSON bodies on GET (spec §1.3); let Fastify read them.
  app.addHttpMethod('GET', { hasBody: true, overrideExisting: true })

  setUpErrorHandling(app, config.bodyLimitBytes)

  app.removeAllContentTypeParsers()
  app.addContentTypeParser('application/json', { parseAs: 'string' }, jsonBodyParser(config.jsonMaxDepth))
  // Input is validated once, on the merged bag (below); Fastify's own per-part validation is off.
  app.setValidatorCompiler(() => () => true)
  app.setSerializerCompiler(lazySerializerCompiler)

  const recentOwners = new RecentOwners()
  const keyOwners: KeyOwners = (token, read) => (read ? authenticateRead(store, recentOwners, token) : authenticate(store, token))
  // One hook for what every answer needs on its way out.
  app.addHook('onSend', async (request, reply, payload) => {
    exactJsonContentType(reply)
    // A write may have changed what a remembered key owner says (settings, a deleted program):
    // the next read through this process must see it, whether the API or a page made it.
    if (request.caller ? !isRead(request) : request.routeOptions.config.changesProgram && reply.statusCode < 400) recentOwners.forgetAll()
    return payload
  })

  const limits = await setUpRateLimit(app, { ...config.rateLimit, redisUrl: config.redisUrl })
  app.addHook('onRequest', async (request, reply) => {
    if (request.is404 || request.routeOptions.config.public) return
    await requireCaller(keyOwners, request)
    await limits.perKey(request, reply)
  })
  app.addHook('preValidation', async (request) => {
    if (request.is404 || request.routeOptions.config.web) return
    request.bag = inputBag(request.query, request.body)
    // Validation coerces and fills defaults in place; the bag stays as the caller sent it.
    const { validateInput, variant } = request.routeOptions.config
    const validate = variant && request.caller && variant.applies(request.caller) ? variant.validateInput : validateInput
    request.body = validate ? check(validate, structuredClone(request.bag)) : request.bag
  })
  setUpIdempotency(app, store.db)

  await app.register(swagger, openApiOptions())
  await app.register(async (docs) => {
    // The docs page and its assets are public, like the document they show.
    docs.addHook('onRoute', (route) => {
      route.config = { ...route.config, public: true }
    })
    // The UI's own policy, less upgrade-insecure-requests: over plain http on any host but localhost
    // (a LAN name, HOST=0.0.0.0) it sends the page's scripts to https, and the page stays blank.
    await docs.register(swaggerUi, {
      routePrefix: '/docs', staticCSP: true, transformStaticCSP: (policy) => policy.replace(/\s*upgrade-insecure-requests;?/, ''),
    })
  })

  const deps: RouteDeps = { config, store, limits, base: (request) => baseUrl(request, config.publicUrl), forgetKeyOwners: () => recentOwners.forgetAll() }
  for (const register of [healthRoutes, programRoutes, partnerRoutes, referralLinkRoutes, customerRoutes, transactionRoutes, commissionRoutes,
    bonusRoutes, signInRoutes, leadRoutes, payoutRoutes, webhookRoutes, stripeRoutes, eventRoutes, trackingRoutes, openApiRoutes, webRoutes]) register(app, deps)
  return app
}

/** The PHP SDK decodes a body only when Content-Type is exactly "application/json". */
function exactJsonContentType(reply: FastifyReply): void {
  const type = reply.getHeader('content-type')
  if (typeof type === 'string' && type.startsWith('application/json')) reply.header('content-type', 'application/json')
}
