// Turns whatever a request ran into (ours, Fastify's, a validation failure, a bug) into the
// Partnero error shape with the right status. Unknown routes answer a JSON 404, or a 405 when the
// path exists under another method.
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { DomainError } from '../domain-errors.js'
import { ApiError, fromDomain } from './errors.js'
import { trackRoutes } from './known-routes.js'
import { fieldErrors } from './validation.js'

/** Serves a GET for a path no route declares (a referral link's path form), or answers false. */
export type PathFallback = (request: FastifyRequest, reply: FastifyReply) => Promise<boolean>
const fallbacks = new WeakMap<FastifyInstance, PathFallback[]>()

export function onUnknownPath(app: FastifyInstance, fallback: PathFallback): void {
  fallbacks.set(app, [...(fallbacks.get(app) ?? []), fallback])
}

export function setUpErrorHandling(app: FastifyInstance, bodyLimitBytes: number) {
  const known = trackRoutes(app)

  app.setNotFoundHandler(async (request, reply) => {
    if (request.method === 'GET' || request.method === 'HEAD') {
      for (const fallback of fallbacks.get(app) ?? []) if (await fallback(request, reply)) return reply
    }
    const path = request.url.split('?')[0] ?? '/'
    const allowed = known.otherMethods(request.method, path)
    if (allowed.length > 0) {
      reply.header('Allow', allowed.join(', '))
      return send(reply, new ApiError(405, 'method_not_allowed', `The ${request.method} method is not supported for this route. Supported methods: ${allowed.join(', ')}.`))
    }
    return send(reply, new ApiError(404, 'not_found', `The route ${request.method} ${path} could not be found.`))
  })

  app.setErrorHandler((error: FastifyError, request, reply) => {
    const expected = asApiError(error, bodyLimitBytes)
    if (expected) return send(reply, expected)
    request.log.error({ err: error }, 'request failed')
    return send(reply, new ApiError(500, 'server_error', 'Server Error.'))
  })
}

function send(reply: FastifyReply, error: ApiError) {
  if (error.headers) reply.headers(error.headers)
  return reply.code(error.statusCode).type('application/json').send(error.body())
}

export function asApiError(error: FastifyError, bodyLimitBytes: number): ApiError | undefined {
  if (error instanceof ApiError) return error
  if (error instanceof DomainError) return fromDomain(error)
  if (error.validation) return new ApiError(422, 'validation_failed', 'The given data was invalid.', fieldErrors(error.validation as never))
  switch (error.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new ApiError(413, 'payload_too_large', `The request body is larger than the limit of ${bodyLimitBytes} bytes.`)
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
    case 'FST_ERR_CTP_INVALID_CONTENT_TYPE':
      return new ApiError(415, 'unsupported_media_type', 'Send the request body as JSON with Content-Type: application/json.')
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return new ApiError(400, 'bad_request', 'The Content-Length header does not match the body.')
  }
  const status = error.statusCode ?? 500
  if (status >= 400 && status < 500) return new ApiError(status, 'bad_request', 'The request could not be read.')
  return undefined
}
