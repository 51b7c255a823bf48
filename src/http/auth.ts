// Bearer API keys. Every route not marked public needs one; the key decides the program and
// every query is scoped by it.
import type { FastifyRequest } from 'fastify'
import { unauthenticated } from './errors.js'
import type { Caller } from './route.js'

/** Who holds a key (the api-keys module answers, injected by app.ts); `read` may use a recent answer. */
export type KeyOwners = (token: string, read: boolean) => Promise<Caller | undefined>

export function bearerToken(header: string | undefined): string | undefined {
  if (!header) return undefined
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header)
  return match?.[1]
}

/** Reads may be served from a recently looked-up owner; anything that may change data may not. */
export function isRead(request: FastifyRequest): boolean {
  return (request.method === 'GET' || request.method === 'HEAD') && !request.routeOptions.config.changesState
}

export async function requireCaller(owners: KeyOwners, request: FastifyRequest): Promise<void> {
  const token = bearerToken(request.headers.authorization)
  if (!token) throw unauthenticated()
  const owner = await owners(token, isRead(request))
  if (!owner) throw unauthenticated()
  request.caller = owner
}
