// Bearer API keys. Every route not marked public needs one; the key decides the program and
// every query is scoped by it.
import type { FastifyRequest } from 'fastify'
import type { Kysely } from 'kysely'
import type { Database } from '../store/schema.js'
import { authenticate } from '../modules/api-keys/service.js'
import { findProgram } from '../modules/programs/store.js'
import { unauthenticated } from './errors.js'

export function bearerToken(header: string | undefined): string | undefined {
  if (!header) return undefined
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header)
  return match?.[1]
}

export async function requireCaller(db: Kysely<Database>, request: FastifyRequest): Promise<void> {
  const token = bearerToken(request.headers.authorization)
  if (!token) throw unauthenticated()
  const owner = await authenticate(db, token)
  if (!owner) throw unauthenticated()
  const program = await findProgram(db, owner.programId)
  if (!program) throw unauthenticated()
  request.caller = { program, apiKeyId: owner.apiKeyId }
}
