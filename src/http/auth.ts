// Bearer API keys. Every route not marked public needs one; the key decides the program and
// every query is scoped by it.
import type { FastifyRequest } from 'fastify'
import type { Store } from '../store/store.js'
import { authenticate } from '../modules/api-keys/service.js'
import { unauthenticated } from './errors.js'

export function bearerToken(header: string | undefined): string | undefined {
  if (!header) return undefined
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header)
  return match?.[1]
}

export async function requireCaller(store: Store, request: FastifyRequest): Promise<void> {
  const token = bearerToken(request.headers.authorization)
  if (!token) throw unauthenticated()
  const owner = await authenticate(store, token)
  if (!owner) throw unauthenticated()
  request.caller = owner
}
