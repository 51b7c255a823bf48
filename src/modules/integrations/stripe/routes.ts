// Stripe in: the webhook Stripe calls (public: the signature is the credential) and an API
// extension to set it up. The webhook needs the body's exact bytes to check the signature, so
// it lives in its own Fastify scope whose JSON parser keeps the raw text.
import type { FastifyInstance, FastifyRequest } from 'fastify'
import { Type } from 'typebox'
import type { RouteDeps } from '../../../http/route-deps.js'
import { Done, Envelope, done, ok } from '../../../http/envelope.js'
import { notFound } from '../../../domain-errors.js'
import { addRoute } from '../../../http/route.js'
import { programByPublicId, type Program } from '../../programs/service.js'
import { isoMicros } from '../../../wire-time.js'
import { configureStripe, receiveStripeEvent, stripeSettingsOf, type StripeSettings } from './service.js'

const tags = ['Stripe']

const StripeSetupInput = Type.Object({
  webhook_secret: Type.Optional(Type.String({ maxLength: 255, description: 'The endpoint\'s signing secret (whsec_…)' })),
  reverse_on_dispute: Type.Optional(Type.Boolean({ description: 'An open or lost dispute takes the commission back (default true)' })),
})

const StripeSetupView = Type.Object({
  configured: Type.Boolean(),
  webhook_url: Type.String({ description: 'Give this URL to Stripe as the webhook endpoint' }),
  reverse_on_dispute: Type.Boolean(),
  updated_at: Type.Union([Type.String(), Type.Null()]),
})

const setupView = (program: Program, settings: StripeSettings | undefined, base: string) => ({
  configured: settings !== undefined && settings.webhook_secret !== '',
  webhook_url: `${base}/integrations/stripe/${program.publicId}/webhook`,
  reverse_on_dispute: settings === undefined || settings.reverse_on_dispute === 1,
  updated_at: settings ? isoMicros(Number(settings.updated_at)) : null,
})

export function stripeRoutes(app: FastifyInstance, { store, base }: RouteDeps) {
  const db = store.db

  addRoute(app, base, {
    method: 'GET', url: '/v1/integrations/stripe', summary: 'The program\'s Stripe setup (extension); the secret is never shown', tags,
    response: { 200: Envelope(StripeSetupView) },
    handler: async ({ caller, base }) => ok(setupView(caller.program, await stripeSettingsOf(db, caller.program), base)),
  })

  addRoute(app, base, {
    method: 'PUT', url: '/v1/integrations/stripe', summary: 'Set the Stripe webhook secret and dispute handling (extension)', tags,
    input: StripeSetupInput,
    response: { 200: Envelope(StripeSetupView) },
    handler: async ({ caller, input, base }) => {
      const saved = await configureStripe(db, caller.program, { webhookSecret: input.webhook_secret, reverseOnDispute: input.reverse_on_dispute })
      return ok(setupView(caller.program, saved, base))
    },
  })

  const rawBodies = new WeakMap<FastifyRequest, string>()
  void app.register(async (scope) => {
    scope.removeContentTypeParser('application/json')
    scope.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, next) => {
      rawBodies.set(request, body as string)
      next(null, undefined)
    })
    addRoute(scope, base, {
      method: 'POST', url: '/integrations/stripe/:program/webhook', public: true, tags,
      summary: 'Stripe events for a program (signed with its webhook secret): payments, refunds, disputes',
      params: Type.Object({ program: Type.String({ description: 'The program\'s public id' }) }),
      response: { 200: Done },
      handler: async ({ params, request }) => {
        const program = await programByPublicId(db, String(params.program).toUpperCase())
        if (!program) throw notFound('Program not found')
        const signature = request.headers['stripe-signature']
        const outcome = await receiveStripeEvent(db, program, rawBodies.get(request) ?? '', typeof signature === 'string' ? signature : undefined)
        return done(outcome === 'duplicate' ? 'Already handled.' : outcome === 'ignored' ? 'Not an event Partnerkit acts on.' : 'Handled.')
      },
    })
  })
}
