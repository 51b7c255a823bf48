// POST /v1/partners:sign-in-url (Partnero's operation, used by its n8n node): the merchant's own
// app mints a one-use portal link for a partner it names by id, key or email.
import type { FastifyInstance } from 'fastify'
import { Type } from 'typebox'
import type { RouteDeps } from '../../http/route-deps.js'
import { Envelope, ok } from '../../http/envelope.js'
import { addRoute } from '../../http/route.js'
import { invalidField } from '../../domain-errors.js'
import { mintCustomerSignInUrl, mintSignInUrl } from './service.js'

const SignInUrlInput = Type.Object({
  id: Type.Optional(Type.String({ maxLength: 255 })),
  key: Type.Optional(Type.String({ maxLength: 64 })),
  email: Type.Optional(Type.String({ maxLength: 255 })),
  expires_in: Type.Optional(Type.Integer({ minimum: 30, maximum: 900, default: 120, description: 'Seconds the link works (30–900)' })),
})

const SignInUrl = Type.Object({
  url: Type.String({ description: 'Opens the partner portal signed in as the partner; works once' }),
  expires_at: Type.String({ format: 'date-time' }),
})

export function signInRoutes(app: FastifyInstance, { store, base }: RouteDeps) {
  addRoute(app, base, {
    method: 'POST', url: '/v1/partners::sign-in-url', tags: ['Partners'], input: SignInUrlInput,
    summary: 'Mint a one-use link that signs a partner in to the portal (a newer link cancels older ones)',
    response: { 200: Envelope(SignInUrl) },
    handler: async ({ caller, input, base }) => {
      const { id, key, email } = input
      if (id === undefined && key === undefined && email === undefined) throw invalidField('id', 'Name the partner by id, key or email.')
      return ok(await mintSignInUrl(store.db, caller.program, { id, key, email }, input.expires_in ?? 120, base))
    },
  })

  // Extension: the same for a refer-a-friend customer's own page (/refer/PUBLIC_ID).
  addRoute(app, base, {
    method: 'POST', url: '/v1/customers::sign-in-url', tags: ['Customers'], input: SignInUrlInput,
    summary: 'Mint a one-use link that signs a refer-a-friend customer in to its page (extension)',
    response: { 200: Envelope(SignInUrl) },
    handler: async ({ caller, input, base }) => {
      const { id, key, email } = input
      if (id === undefined && key === undefined && email === undefined) throw invalidField('id', 'Name the customer by id, key or email.')
      return ok(await mintCustomerSignInUrl(store.db, caller.program, { id, key, email }, input.expires_in ?? 120, base))
    },
  })
}
