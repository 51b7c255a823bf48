// Bearer API keys. Every route not marked public needs one; the key decides the program and
// every query is scoped by it.
import type { FastifyRequest } from 'fastify'
import type { Store } from '../store/store.js'
import { authenticate, authenticateRead } from '../modules/api-keys/service.js'
import type { RecentOwners } from '../modules/api-keys/recent-owners.js'
import { unauthenticated } from './errors.js'

export function bearerToken(header: string | undefined): string | undefined {
  if (!header) return undefined
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header)
  return match?.[1]
}

/** Reads may be served from a recently looked-up owner; anything that may change data may not. */
export function isRead(request: FastifyRequest): boolean {
  return (request.method === 'GET' || request.method === 'HEAD') && !request.routeOptions.config.changesState
}

export async function requireCaller(store: Store, recent: RecentOwners, request: FastifyRequest): Promise<void> {
  const token = bearerToken(request.headers.authorization)
  if (!token) throw unauthenticated()
  const owner = isRead(request) ? await authenticateRead(store, recent, token) : await authenticate(store, token)
  if (!owner) throw unauthenticated()
  request.caller = owner
}
