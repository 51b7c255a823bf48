// Idempotency-Key on POST (an extension to the Partnero API): the first answer to a key is kept
// for 24 hours per API key and replayed to retries; the same key with other input is a 422, and
// a retry while the first attempt still runs is a 409. A server error releases the key so the
// client may retry. A holder that crashed mid-request loses its claim after LEASE_MS.
import { createHash } from 'node:crypto'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { Kysely } from 'kysely'
import type { Database } from '../../store/schema.js'
import { ApiError, conflict, invalidField } from '../errors.js'
import { completeClaim, dropClaim, dropClaimsOlderThan, findClaim, insertClaim, takeOverClaim, type Claim } from './store.js'

export const RETENTION_MS = 24 * 3_600_000
const LEASE_MS = 60_000

declare module 'fastify' {
  interface FastifyRequest {
    idempotencyClaim?: number
  }
}

export function setUpIdempotency(app: FastifyInstance, db: Kysely<Database>) {
  const claimKey = async (request: FastifyRequest, reply: FastifyReply) => {
    if (request.method !== 'POST' || !request.caller) return
    const header = request.headers['idempotency-key']
    if (header === undefined) return
    const key = Array.isArray(header) ? header[0] ?? '' : header
    if (key.length < 1 || key.length > 255) {
      throw invalidField('Idempotency-Key', 'The Idempotency-Key header must be 1 to 255 characters.')
    }
    const claim: Claim = {
      programId: request.caller.program.id,
      apiKeyId: request.caller.apiKeyId,
      key,
      fingerprint: fingerprint(request),
    }
    return claimOrReplay(db, claim, request, reply)
  }

  const keepAnswer = async (request: FastifyRequest, reply: FastifyReply, payload: unknown) => {
    const id = request.idempotencyClaim
    if (id === undefined) return payload
    request.idempotencyClaim = undefined
    if (reply.statusCode >= 500) await dropClaim(db, id)
    else await completeClaim(db, id, reply.statusCode, typeof payload === 'string' ? payload : String(payload ?? ''))
    return payload
  }

  // Only POST takes the header, so only POST routes carry the hooks: reads pay nothing for them.
  app.addHook('onRoute', (route) => {
    if (![route.method].flat().includes('POST')) return
    route.preHandler = [claimKey, ...[route.preHandler ?? []].flat()]
    route.onSend = [keepAnswer, ...[route.onSend ?? []].flat()]
  })
}

async function claimOrReplay(db: Kysely<Database>, claim: Claim, request: FastifyRequest, reply: FastifyReply) {
  const now = Date.now()
  // Old records are swept now and then, on the same path, rather than by a separate job.
  if (Math.random() < 0.01) await dropClaimsOlderThan(db, now - RETENTION_MS)
  for (let attempt = 0; attempt < 3; attempt++) {
    const id = await insertClaim(db, claim, now, now + LEASE_MS)
    if (id !== undefined) {
      request.idempotencyClaim = id
      return
    }
    const held = await findClaim(db, claim)
    if (!held) continue
    if (Number(held.created_at) < now - RETENTION_MS) {
      await dropClaim(db, Number(held.id))
      continue
    }
    if (held.fingerprint !== claim.fingerprint) {
      throw new ApiError(422, 'idempotency_key_reused', 'This Idempotency-Key was already used with a different request.',
        { 'Idempotency-Key': ['The Idempotency-Key was already used with a different request.'] })
    }
    if (held.status_code === null) {
      const lock = Number(held.locked_until ?? 0)
      if (lock > now) throw conflict('A request with this Idempotency-Key is still being processed.', 'idempotency_key_in_flight')
      if (await takeOverClaim(db, Number(held.id), lock, now + LEASE_MS)) {
        request.idempotencyClaim = Number(held.id)
        return
      }
      continue
    }
    reply.code(Number(held.status_code)).header('Idempotent-Replayed', 'true').type('application/json')
    return reply.send(held.response_body ?? '')
  }
  throw conflict('A request with this Idempotency-Key is still being processed.', 'idempotency_key_in_flight')
}

/** What makes two requests "the same": method, route, path parameters and the validated input. */
function fingerprint(request: FastifyRequest): string {
  return createHash('sha256')
    .update(`${request.method} ${request.routeOptions.url}\n${canonical(request.params)}\n${canonical(request.body)}`)
    .digest('hex')
}

function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`
  if (value && typeof value === 'object') {
    return `{${Object.keys(value).sort().map((k) => `${JSON.stringify(k)}:${canonical((value as Record<string, unknown>)[k])}`).join(',')}}`
  }
  return JSON.stringify(value) ?? 'null'
}
