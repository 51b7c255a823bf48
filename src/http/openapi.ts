// The OpenAPI 3.1 document, generated from the route schemas (never written by hand), at
// GET /v1/openapi.json; a browsable page at /docs.
import type { FastifyInstance } from 'fastify'
import type { SwaggerOptions } from '@fastify/swagger'
import { Type } from 'typebox'
import type { RouteDeps } from './route-deps.js'
import { addRoute } from './route.js'

export function openApiOptions(): SwaggerOptions {
  return {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Partnerkit API',
        version: '1',
        description: 'Wire-compatible with the Partnero REST API v1. Every request takes `Authorization: Bearer <API key>`; '
          + 'input may come in the query string, the JSON body, or both (on every method).',
      },
      components: { securitySchemes: { bearerAuth: { type: 'http', scheme: 'bearer' } } },
    },
  } as SwaggerOptions
}

export function openApiRoutes(app: FastifyInstance, deps: RouteDeps) {
  addRoute(app, deps.base, {
    method: 'GET',
    url: '/v1/openapi.json',
    summary: 'This API as an OpenAPI 3.1 document',
    tags: ['Meta'],
    public: true,
    response: { 200: Type.Object({}, { additionalProperties: true }) },
    handler: async () => app.swagger(),
  })
}
