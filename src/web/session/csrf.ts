// Cross-site posts are refused twice over: the browser's own word on where a request came from
// (Sec-Fetch-Site, then Origin) must be this very origin — a sibling subdomain is another site
// here — and a signed-in form must carry its session's token.
import { timingSafeEqual } from 'node:crypto'
import type { FastifyRequest } from 'fastify'
import { forbidden } from '../../domain-errors.js'

const REFUSED = 'This form was sent from another site. Open the page again and send it from there.'

export function requireSameOrigin(request: FastifyRequest): void {
  const site = request.headers['sec-fetch-site']
  if (site !== undefined && site !== 'same-origin') throw forbidden(REFUSED)
  const origin = request.headers.origin
  if (origin !== undefined && origin !== `${request.protocol}://${request.host}`) throw forbidden(REFUSED)
}

export function requireToken(given: unknown, expected: string): void {
  const a = Buffer.from(typeof given === 'string' ? given : '')
  const b = Buffer.from(expected)
  if (a.length !== b.length || !timingSafeEqual(a, b)) throw forbidden('This form ran out (or came from elsewhere). Open the page again and send it from there.')
}
