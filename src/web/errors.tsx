// What a page answers when something goes wrong: the same errors as the API (a service's domain
// error, a rate limit), as a page a person can read, with the same status.
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify'
import { asApiError } from '../http/errors-handler.js'
import { Shell } from './layout/shell.js'
import { sendPage } from './layout/render.js'

const TITLES: Record<number, string> = { 403: 'Not allowed', 404: 'Not found', 410: 'Link no longer works', 429: 'Too many attempts' }

export function sendErrorPage(error: FastifyError, request: FastifyRequest, reply: FastifyReply) {
  const known = asApiError(error, 0)
  if (!known) request.log.error({ err: error }, 'page failed')
  const status = known?.statusCode ?? 500
  if (known?.headers) reply.headers(known.headers)
  const message = known ? known.message : 'Something went wrong on our side. Try again in a moment.'
  const admin = request.url.startsWith('/admin')
  const title = TITLES[status] ?? (status >= 500 ? 'Something went wrong' : 'That did not work')
  return sendPage(reply, (
    <Shell title={title} brand={admin ? 'Partnerkit admin' : 'Partner portal'} home={admin ? '/admin' : '/'} narrow>
      <h1>{title}</h1>
      <p>{message}</p>
    </Shell>
  ), status)
}
