// The session cookie: HttpOnly, SameSite=Lax, and over https Secure with the __Host- prefix (so no
// sibling subdomain can set or shadow it). One cookie per program, so a partner of two programs
// served from one host keeps both sessions.
import type { FastifyReply, FastifyRequest } from 'fastify'

const MAX_AGE_S = 14 * 24 * 3600

function cookieName(request: FastifyRequest, scope: string): string {
  return request.protocol === 'https' ? `__Host-pk_${scope}` : `pk_${scope}`
}

/** The named cookie's value, from the Cookie header (no parser library: one name, plain values). */
export function readCookie(request: FastifyRequest, scope: string): string | undefined {
  const name = cookieName(request, scope)
  for (const part of (request.headers.cookie ?? '').split(';')) {
    const eq = part.indexOf('=')
    if (eq > 0 && part.slice(0, eq).trim() === name) return decodeURIComponent(part.slice(eq + 1).trim())
  }
  return undefined
}

export function setCookie(request: FastifyRequest, reply: FastifyReply, scope: string, value: string) {
  const secure = request.protocol === 'https' ? '; Secure' : ''
  reply.header('set-cookie', `${cookieName(request, scope)}=${encodeURIComponent(value)}; Path=/; HttpOnly; SameSite=Lax; Max-Age=${MAX_AGE_S}${secure}`)
}

export function clearCookie(request: FastifyRequest, reply: FastifyReply, scope: string) {
  const secure = request.protocol === 'https' ? '; Secure' : ''
  reply.header('set-cookie', `${cookieName(request, scope)}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0${secure}`)
}
