// How a portal page is served. A page file declares its path, method and who may see it, and
// returns a component or a redirect; this file does what every page needs first: find the program
// (from the path, or from the host when the program has its own portal domain), find the session,
// refuse cross-site posts and posts without the session's token, and send the page with its headers.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { Kysely } from 'kysely'
import type { VNode } from 'preact'
import type { Database } from '../../store/schema.js'
import type { RateLimits } from '../../http/rate-limit.js'
import { DomainError, notFound, type ErrorKind } from '../../domain-errors.js'
import { programByPublicId, type Program } from '../../modules/programs/service.js'
import { sessionOf, type Session } from '../../modules/sign-in/service.js'
import { readCookie } from '../session/cookie.js'
import { requireSameOrigin, requireToken } from '../session/csrf.js'
import { redirect, sendPage } from '../layout/render.js'
import { en, type NoticeKey } from '../i18n/en.js'
import type { Notice } from '../layout/shell.js'
import type { Form } from '../layout/form-data.js'

export { field, fields, type Form } from '../layout/form-data.js'
import { portalHostProgram } from './hosts.js'
import { portalLogoPath } from './logo.js'

export interface PortalDeps {
  db: Kysely<Database>
  limits: RateLimits
  /** This server's absolute address as the request reached it (PUBLIC_URL when set). */
  origin: (request: FastifyRequest) => string
}


export interface PageContext {
  request: FastifyRequest
  reply: FastifyReply
  db: Kysely<Database>
  limits: RateLimits
  program: Program
  /** The signed-in partner's session (always there on partner pages). */
  session?: Session
  params: Record<string, string>
  query: Record<string, string | undefined>
  /** The posted form (empty on GET). */
  form: Form
  /** A portal path as this request addresses the portal: `/portal/PID/links`, or `/links` on the portal's own host. */
  path(to: string): string
  /** The same, absolute: for links in mails and the sign-in URL. */
  absolute(to: string): string
  /** This server's absolute address (what API answers start their URLs with). */
  origin: string
  /** What the form before the redirect here said happened. */
  notice?: Notice
  /** The program's logo as this request addresses it, when it has one. */
  logo?: string
}

export type Outcome = VNode | { redirect: string } | { status: number; page: VNode }

export interface PageSpec {
  method: 'GET' | 'POST'
  /** After the program: `/links`, `/payouts/:number/statement`… */
  path: string
  /** guest: signing in and applying (a signed-in partner goes to the dashboard); partner: signed in only; open: anyone. */
  access: 'guest' | 'partner' | 'open'
  /** A partner still waiting for approval may open this page too (the others need an approved partner). */
  pending?: boolean
  handle(ctx: PageContext): Promise<Outcome | void>
}


/**
 * A service's refusal a form shows as messages (a field that fails its rule, a wrong password):
 * the error itself when it is one of `kinds`; anything else goes on to the error page.
 */
export function refusal(err: unknown, ...kinds: ErrorKind[]): DomainError {
  if (err instanceof DomainError && kinds.includes(err.kind)) return err
  throw err
}

/**
 * Where pages of one kind live: the partner portal (affiliate programs, /portal/ID and the
 * program's own portal host) or a referring customer's page (refer-a-friend, /refer/ID). Both sign
 * in the same way: a refer-a-friend customer's session is its earner row's (partners/earner.ts).
 */
export interface Area {
  prefix: string
  type: Program['type']
  onPortalHost: boolean
  missing: string
}

export const PORTAL: Area = { prefix: '/portal', type: 'affiliate', onPortalHost: true, missing: 'There is no partner portal here.' }
export const REFER: Area = { prefix: '/refer', type: 'referral', onPortalHost: false, missing: 'There is no refer-a-friend page here.' }

/** Pages register here; the portal plugin adds each at /portal/:program and on portal hosts. */
export function portalPage(app: FastifyInstance, deps: PortalDeps, spec: PageSpec, area = PORTAL) {
  const handler = async (request: FastifyRequest, reply: FastifyReply) => {
    const params = request.params as Record<string, string>
    const hosted = params.program === undefined
    const program = hosted ? await portalHostProgram(deps.db, request.hostname) : await programByPublicId(deps.db, params.program as string)
    // Off a portal host these paths are the API's unknown routes, answered as the API answers them.
    if (hosted && !program) return reply.callNotFound()
    if (!program || program.type !== area.type) throw notFound(area.missing)
    const prefix = hosted ? '' : `${area.prefix}/${program.publicId}`
    const path = (to: string) => `${prefix}${to}` || '/'
    const ctx: PageContext = {
      request, reply, db: deps.db, limits: deps.limits, program, params,
      query: request.query as Record<string, string | undefined>,
      form: (request.method === 'POST' ? request.body ?? {} : {}) as Form,
      path,
      absolute: (to) => `${deps.origin(request)}${path(to)}`,
      origin: deps.origin(request),
      notice: noticeOf((request.query as Record<string, unknown>).notice),
      logo: await portalLogoPath(deps.db, program, path),
    }
    if (request.method === 'POST') requireSameOrigin(request)
    const cookie = readCookie(request, program.publicId)
    ctx.session = cookie ? await sessionOf(deps.db, program, cookie) : undefined
    if (spec.access === 'partner' && !ctx.session) {
      return redirect(reply, path(`/sign-in${request.method === 'GET' ? `?next=${encodeURIComponent(spec.path)}` : ''}`))
    }
    if (spec.access === 'guest' && ctx.session && request.method === 'GET') return redirect(reply, path('/'))
    if (spec.access === 'partner' && ctx.session!.partner.status !== 'active' && !spec.pending) return redirect(reply, path('/'))
    // A browser with a session sends its token with every form but the guest ones (signing in,
    // applying), which the origin check guards.
    if (request.method === 'POST' && ctx.session && spec.access !== 'guest') requireToken(ctx.form._csrf, ctx.session.csrf)
    const outcome = await spec.handle(ctx)
    if (outcome === undefined) return reply
    if ('redirect' in outcome) return redirect(reply, outcome.redirect)
    if ('page' in outcome) return sendPage(reply, outcome.page, outcome.status)
    return sendPage(reply, outcome)
  }
  const config = { public: true, web: true }
  const schema = { hide: true }
  app.route({ method: spec.method, url: `${area.prefix}/:program${spec.path === '/' ? '' : spec.path}`, config, schema, handler })
  // On a program's own portal host the same pages answer without the prefix; on any other host
  // these paths are nobody's (the handler answers 404).
  if (area.onPortalHost) app.route({ method: spec.method, url: spec.path, config, schema, handler })
}

function noticeOf(key: unknown): Notice | undefined {
  if (typeof key !== 'string' || !Object.hasOwn(en.notices, key)) return undefined
  return { kind: 'ok', text: en.notices[key as NoticeKey] }
}
