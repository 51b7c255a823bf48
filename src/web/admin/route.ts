// How an admin page is served. A page file declares its path, method, who may see it and, for a
// change, what its role must be allowed; this file does what every page needs first: find the
// session (a user, the program it works on and its role there), refuse cross-site posts, posts
// without the session's token and changes the role may not make, then send the page.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { Kysely } from 'kysely'
import type { VNode } from 'preact'
import type { Database } from '../../store/schema.js'
import type { RouteDeps } from '../../http/route-deps.js'
import type { RateLimits } from '../../http/rate-limit.js'
import { sessionOf, type AdminSession } from '../../modules/users/sign-in.js'
import { requireMay, type Action } from '../../modules/users/roles.js'
import { inTransaction } from '../../store/transaction.js'
import { runAsUnit } from '../../store/unit.js'
import { readCookie } from '../session/cookie.js'
import { requireSameOrigin, requireToken } from '../session/csrf.js'
import { redirect, sendPage } from '../layout/render.js'
import type { Notice } from '../layout/shell.js'
import type { Form } from '../layout/form-data.js'

export { column, field, fields, type Form } from '../layout/form-data.js'
import { adminNotices } from './words.js'
import { DomainError, notFound, type ErrorKind } from '../../domain-errors.js'
import { servesProgram } from './sections.js'
import type { WebhookSettings } from '../../modules/webhooks/service.js'

/** The admin's cookie: one for every program (a session switches programs, it is not one per program). */
export const COOKIE_SCOPE = 'admin'

export interface AdminDeps {
  db: Kysely<Database>
  /** The store as the API's routes get it, for the services that take it (program statistics read through its prepared statements). */
  store: RouteDeps['store']
  limits: RateLimits
  /** This server's absolute address as the request reached it (PUBLIC_URL when set). */
  origin: (request: FastifyRequest) => string
  /** What the webhook pages allow (the API's own setting: PARTNERKIT_ALLOW_PRIVATE_WEBHOOK_URLS). */
  webhooks?: WebhookSettings
  /** Forgets the API key owners this process remembered for reads, so a key revoked here stops at once here. */
  forgetKeyOwners?: () => void
}


export interface AdminContext {
  request: FastifyRequest
  reply: FastifyReply
  db: Kysely<Database>
  store: RouteDeps['store']
  limits: RateLimits
  /** The signed-in user's session (always there on `user` pages). */
  session?: AdminSession
  params: Record<string, string>
  query: Record<string, string | undefined>
  /** The posted form (empty on GET). */
  form: Form
  /** The files a multipart form sent, by field name (pages with `readBody` only). */
  files?: Record<string, Buffer>
  /** This server's absolute address (what links in mails start with). */
  origin: string
  /** What the form before the redirect here said happened. */
  notice?: Notice
}

export type Outcome = VNode | { redirect: string } | { status: number; page: VNode }

export interface AdminPageSpec {
  method: 'GET' | 'POST'
  /** After /admin: '' (the first page), `/sign-in`, `/partners/:id`… */
  path: string
  /** guest: signing in (a signed-in user goes to /admin); user: signed in only; open: anyone. */
  access: 'guest' | 'user' | 'open'
  /** What the user's role must allow: `read` for pages, `change` (the default for a post) or more for forms. */
  needs?: Action
  /**
   * false: the post does not run as one transaction (asOneChange), for a change whose service waits
   * on the network (a webhook URL's DNS lookup) — holding the store's writer meanwhile would stall
   * every sale; its audit entry is written right after the change.
   */
  oneTransaction?: false
  /**
   * A form that sends a file (multipart) reads its own body: only once the session is known and its
   * role may do what the page does, so nobody else's upload is read at all. Its fields then meet the
   * same token check as every form's. For `user` pages.
   */
  readBody?(request: FastifyRequest): Promise<{ form: Form; files: Record<string, Buffer> }>
  handle(ctx: AdminContext): Promise<Outcome | void>
}


/**
 * A service's refusal a form shows as messages (a field that fails its rule, a wrong state):
 * the error itself when it is one of `kinds`; anything else goes on to the error page.
 */
export function refusal(err: unknown, ...kinds: ErrorKind[]): DomainError {
  if (err instanceof DomainError && kinds.includes(err.kind)) return err
  throw err
}

export function adminPage(app: FastifyInstance, deps: AdminDeps, spec: AdminPageSpec) {
  // A signed-in user's post that changes the program; posts that only read (a preview, switching
  // programs, the user's own password and sessions) touch no program data.
  const changes = spec.method === 'POST' && spec.access === 'user' && (spec.needs ?? 'change') !== 'read'
  const handler = async (request: FastifyRequest, reply: FastifyReply) => {
    const ctx: AdminContext = {
      request, reply, db: deps.db, store: deps.store, limits: deps.limits,
      params: request.params as Record<string, string>,
      query: request.query as Record<string, string | undefined>,
      form: (request.method === 'POST' ? request.body ?? {} : {}) as Form,
      origin: deps.origin(request),
      notice: noticeOf((request.query as Record<string, unknown>).notice),
    }
    // Every post, signed in or not, comes from this very origin.
    if (request.method === 'POST') requireSameOrigin(request)
    const cookie = readCookie(request, COOKIE_SCOPE)
    ctx.session = cookie ? await sessionOf(deps.db, cookie) : undefined
    if (spec.access === 'user' && !ctx.session) {
      return redirect(reply, `/admin/sign-in${request.method === 'GET' ? `?next=${encodeURIComponent(`/admin${spec.path}`)}` : ''}`)
    }
    if (spec.access === 'guest' && ctx.session && request.method === 'GET') return redirect(reply, '/admin')
    if (spec.access === 'user') {
      const session = ctx.session!
      // A page of an area the program's type has not (a refer-a-friend program's partners) is no page at all.
      if (!servesProgram(spec.path, session.program.type)) throw notFound('Page not found')
      const needs = spec.needs ?? (request.method === 'POST' ? 'change' : 'read')
      if (spec.readBody) {
        requireMay(session.role, needs)
        Object.assign(ctx, await spec.readBody(request))
      }
      if (request.method === 'POST') requireToken(ctx.form._csrf, session.csrf)
      requireMay(session.role, needs)
    }
    const outcome = changes && spec.oneTransaction !== false ? await asOneChange(deps.db, () => spec.handle(ctx)) : await spec.handle(ctx)
    if (outcome === undefined) return reply
    if ('redirect' in outcome) return redirect(reply, outcome.redirect)
    if ('page' in outcome) return sendPage(reply, outcome.page, outcome.status)
    return sendPage(reply, outcome)
  }
  // Pages are no API operations: no key, not in the OpenAPI document.
  app.route({ method: spec.method, url: `/admin${spec.path}`, config: { public: true, web: true, changesProgram: changes }, schema: { hide: true }, handler })
}

/** A refused change's page, carried out of its transaction so the transaction rolls back. */
class Undone {
  constructor(readonly outcome: Outcome) {}
}

/**
 * A signed-in user's change runs as one unit of work (store/unit.ts): the change the services make,
 * its events and its audit entry commit together or not at all, so the log never tells of a
 * change that did not happen, nor misses one that did. A post answered with a refusal (a 4xx page)
 * leaves nothing behind, even what a service wrote before it refused.
 */
async function asOneChange(db: Kysely<Database>, run: () => Promise<Outcome | void>): Promise<Outcome | void> {
  try {
    return await inTransaction(db, (tx) => runAsUnit(db, tx, async () => {
      const outcome = await run()
      if (outcome && 'page' in outcome && outcome.status >= 400) throw new Undone(outcome)
      return outcome
    }))
  } catch (err) {
    if (err instanceof Undone) return err.outcome
    throw err
  }
}

function noticeOf(key: unknown): Notice | undefined {
  if (typeof key !== 'string' || !Object.hasOwn(adminNotices, key)) return undefined
  return { kind: 'ok', text: adminNotices[key as keyof typeof adminNotices] }
}

/** A refusal as one sentence, for a page without a form to put it on: its field messages, else its message. */
export function refusalText(err: DomainError): string {
  return err.errors ? Object.values(err.errors).flat().join(' ') : err.message
}
