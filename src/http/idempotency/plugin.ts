// Idempotency-Key on POST (an extension to the Partnero API): a keyed request has exactly one
// effect, whatever happens to the process. Its claim, its effect and its answer commit in ONE
// transaction: the handler runs as that transaction's unit (store/unit.ts), its answer is
// serialized inside it and stored beside the claim. So after a crash there is either nothing (the
// retry runs for the first time) or all three (the retry gets the answer): never an effect without
// its answer, and never a claim left behind by a dead process.
//
// * A retry of a finished key replays the first answer byte for byte (`Idempotent-Replayed: true`).
// * The same key with other input is a 422. A duplicate while the first runs in this process is a
//   409; in another process it waits on the claim's unique index until the first commits, then
//   replays (or runs, if the first rolled back).
// * A 4xx answer (bad input, not found, wrong state) had no effect and is kept too, except 409 and
//   429, which say "try again". A 5xx keeps nothing: the retry runs.
// * Answers are kept for 24 hours per API key.
import { createHash } from 'node:crypto'
import type { FastifyInstance, FastifyReply, FastifyRequest, RouteHandlerMethod } from 'fastify'
import type { Kysely, Transaction } from 'kysely'
import type { Database } from '../../store/schema.js'
import { inTransaction } from '../../store/transaction.js'
import { runAsUnit } from '../../store/unit.js'
import { injected } from '../../faults.js'
import { ApiError } from '../errors.js'
import { conflict, invalidField } from '../../domain-errors.js'
import { completeClaim, dropClaim, findCommittedClaim, dropClaimsOlderThan, findClaim, insertClaim, keepAnswer, type Claim, type ClaimRow } from './store.js'

export const RETENTION_MS = 24 * 3_600_000

declare module 'fastify' {
  interface FastifyRequest {
    idempotencyClaim?: Claim
  }
}

interface Answer {
  status: number
  body: string
  replayed: boolean
}

export function setUpIdempotency(app: FastifyInstance, db: Kysely<Database>) {
  /** Keys whose first request runs in this process now. */
  const running = new Set<string>()

  const replayOrClaim = async (request: FastifyRequest, reply: FastifyReply) => {
    const claim = claimOf(request)
    if (!claim) return
    const now = Date.now()
    // Old records are swept now and then, on the same path, rather than by a separate job.
    if (Math.random() < 0.01) await dropClaimsOlderThan(db, now - RETENTION_MS)
    const held = await findCommittedClaim(db, claim)
    if (held && Number(held.created_at) < now - RETENTION_MS) await dropClaim(db, Number(held.id))
    else if (held?.status_code != null) return reply.send(prepare(reply, answerOf(held, claim)))
    request.idempotencyClaim = claim
  }

  const runOnce = (handler: RouteHandlerMethod): RouteHandlerMethod => async function (this: FastifyInstance, request, reply) {
    const claim = request.idempotencyClaim
    if (!claim) return handler.call(this, request, reply)
    const name = `${claim.programId} ${claim.apiKeyId} ${claim.key}`
    if (running.has(name)) throw conflict('A request with this Idempotency-Key is still being processed.', 'idempotency_key_in_flight')
    running.add(name)
    try {
      const { answer, claimId } = await inTransaction(db, (tx) => runAsUnit(db, tx, () => claimAndRun(tx, claim, reply, async () => handler.call(this, request, reply))))
      // The bug the crash suite guards against: the answer stored apart from, after, the effect.
      // (Widened to 200 ms, so that the suite's random kills land in it.)
      if (injected('crash') && !answer.replayed) {
        await new Promise((resolve) => setTimeout(resolve, 200))
        await completeClaim(db, claimId, claim.fingerprint, answer.status, answer.body)
      }
      // Stored with the effect: nothing is left for the way out.
      request.idempotencyClaim = undefined
      return prepare(reply, answer)
    } finally {
      running.delete(name)
    }
  }

  const keepErrorAnswer = async (request: FastifyRequest, reply: FastifyReply, payload: unknown) => {
    const claim = request.idempotencyClaim
    request.idempotencyClaim = undefined
    if (claim && keepsAnswer(reply.statusCode)) await keepAnswer(db, claim, Date.now(), reply.statusCode, String(payload ?? ''))
    return payload
  }

  // Only POST takes the header, so only POST routes carry the hooks: reads pay nothing for them.
  app.addHook('onRoute', (route) => {
    if (![route.method].flat().includes('POST')) return
    route.preHandler = [replayOrClaim, ...[route.preHandler ?? []].flat()]
    route.handler = runOnce(route.handler)
    route.onSend = [keepErrorAnswer, ...[route.onSend ?? []].flat()]
  })
}

/** The request's claim, or nothing for requests without the header (or without an API key). */
function claimOf(request: FastifyRequest): Claim | undefined {
  if (request.method !== 'POST' || !request.caller) return undefined
  const header = request.headers['idempotency-key']
  if (header === undefined) return undefined
  const key = Array.isArray(header) ? header[0] ?? '' : header
  if (key.length < 1 || key.length > 255) {
    throw invalidField('Idempotency-Key', 'The Idempotency-Key header must be 1 to 255 characters.')
  }
  return { programId: request.caller.program.id, apiKeyId: request.caller.apiKeyId, key, fingerprint: fingerprint(request) }
}

/**
 * Inside the unit's transaction: claims the key (or finds the answer a concurrent first request
 * committed meanwhile), runs the handler and stores its serialized answer beside the claim.
 */
async function claimAndRun(tx: Transaction<Database>, claim: Claim, reply: FastifyReply, run: () => Promise<unknown>): Promise<{ answer: Answer; claimId: number }> {
  let id = await insertClaim(tx, claim, Date.now())
  if (id === undefined) {
    const held = await findClaim(tx, claim) as ClaimRow
    if (held.status_code != null) return { answer: answerOf(held, claim), claimId: Number(held.id) }
    // A claim with no answer was left by a version that stored answers apart from effects (or by
    // the injected fault): nothing tells whether its effect happened, so it is run as new.
    id = Number(held.id)
  }
  const result = await run()
  const answer = { status: reply.statusCode, body: reply.serialize(result) as string, replayed: false }
  if (!injected('crash')) await completeClaim(tx, id, claim.fingerprint, answer.status, answer.body)
  return { answer, claimId: id }
}

function answerOf(held: ClaimRow, claim: Claim): Answer {
  if (held.fingerprint !== claim.fingerprint) {
    throw new ApiError(422, 'idempotency_key_reused', 'This Idempotency-Key was already used with a different request.',
      { 'Idempotency-Key': ['The Idempotency-Key was already used with a different request.'] })
  }
  return { status: Number(held.status_code), body: held.response_body ?? '', replayed: true }
}

function prepare(reply: FastifyReply, answer: Answer): string {
  reply.code(answer.status).type('application/json')
  if (answer.replayed) reply.header('Idempotent-Replayed', 'true')
  // A string with a JSON content type goes out as it is: the stored bytes are the answer.
  return answer.body
}

/** 4xx answers are final (the request had no effect); 409 and 429 say "try again later". */
function keepsAnswer(status: number): boolean {
  return status >= 400 && status < 500 && status !== 409 && status !== 429
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
