// Every page leaves through here: rendered to a string (preact escapes every text and attribute
// value), with the headers every page carries. The policy lets a page load only this server's
// stylesheet, script and images, post forms only here, and be framed by nobody.
import type { FastifyReply } from 'fastify'
import type { VNode } from 'preact'
import { renderToString } from 'preact-render-to-string'

export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'", "script-src 'self'", "style-src 'self'", "img-src 'self' data:", "connect-src 'self'",
  "form-action 'self'", "frame-ancestors 'none'", "base-uri 'none'",
].join('; ')

export function sendPage(reply: FastifyReply, page: VNode, status = 200) {
  reply.code(status).headers({
    'content-type': 'text/html; charset=utf-8',
    'content-security-policy': CONTENT_SECURITY_POLICY,
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'same-origin',
    'cache-control': 'no-store',
  })
  return reply.send(`<!doctype html>${renderToString(page)}`)
}

/** After a form: see the result at `to` (303 makes the browser GET it). */
export function redirect(reply: FastifyReply, to: string) {
  return reply.code(303).header('location', to).header('cache-control', 'no-store').send()
}
