// What a visitor sees when a referral link leads nowhere: a small HTML page in words, never JSON.
// Referral links are opened by people in browsers, not by API clients.
import type { FastifyReply } from 'fastify'
import type { DomainError } from '../../domain-errors.js'
import { fromDomain } from '../../http/errors.js'

const escape = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`)

export function sendVisitorPage(reply: FastifyReply, error: DomainError): FastifyReply {
  const page = `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Link not found</title><style>body{font:16px/1.5 system-ui,sans-serif;max-width:32rem;margin:4rem auto;padding:0 1rem;color:#222}</style></head>
<body><h1>Link not found</h1><p>${escape(error.message)}</p></body></html>`
  return reply.code(fromDomain(error).statusCode).header('cache-control', 'no-store').type('text/html; charset=utf-8').send(page)
}
