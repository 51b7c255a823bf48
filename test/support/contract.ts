// Contract check on every answer a test server sends: the body must validate against the
// response schema the route documents for that status (the same schema the OpenAPI document
// shows), and every error must have the error shape. Violations are collected and fail the file.
import type { FastifyInstance } from 'fastify'
import { Ajv, type ValidateFunction } from 'ajv'
import { ErrorResponse } from '../../src/http/envelope.js'

const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: false })
const compiled = new WeakMap<object, ValidateFunction>()
const validatorFor = (schema: object) => {
  let v = compiled.get(schema)
  if (!v) {
    v = ajv.compile(schema)
    compiled.set(schema, v)
  }
  return v
}

export function checkContract(app: FastifyInstance, violations: string[]): void {
  app.addHook('onSend', async (request, reply, payload) => {
    const type = String(reply.getHeader('content-type') ?? '')
    if (!type.startsWith('application/json') || typeof payload !== 'string') return payload
    const variant = request.routeOptions.config.variant
    const responses = (variant && request.caller && variant.applies(request.caller) ? variant.response : request.routeOptions.schema?.response ?? {}) as Record<string, object>
    const status = reply.statusCode
    const schema = responses[String(status)] ?? (status >= 400 ? ErrorResponse : undefined)
    if (!schema) {
      if (!request.url.startsWith('/docs')) violations.push(`${request.method} ${request.url} → ${status}: no response schema`)
      return payload
    }
    const validate = validatorFor(schema)
    if (!validate(JSON.parse(payload))) {
      violations.push(`${request.method} ${request.url} → ${status}: ${ajv.errorsText(validate.errors)}`)
    }
    return payload
  })
}
