// Absolute URLs (links.next, referral links) start from PUBLIC_URL, or from the request itself.
import type { FastifyRequest } from 'fastify'

export function baseUrl(request: FastifyRequest, publicUrl: string | undefined): string {
  return publicUrl ?? `${request.protocol}://${request.host}`
}
