// The public tracking endpoints (no API key): the redirect a referral link's URL points at, the
// calls the snippet makes from the merchant's pages, and the snippet itself.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { Type } from 'typebox'
import type { RouteDeps } from '../../http/route-deps.js'
import { Done, Envelope, ok } from '../../http/envelope.js'
import { onUnknownPath } from '../../http/errors-handler.js'
import { DomainError, forbidden, notFound } from '../../domain-errors.js'
import { addRoute } from '../../http/route.js'
import { jsonBodyParser } from '../../http/json-body.js'
import { ownsPageHost, type ProgramPlace } from './programs.js'
import { cookieName, trackingCookie, type CookiePlace } from './redirect.js'
import { DEFAULT_TRACKER_OPTIONS, Tracker, type Redirect, type Visit } from './service.js'
import { signupFromPage } from './signup.js'
import { universalScript } from './universal.js'
import { sendVisitorPage } from './visitor-page.js'

const tags = ['Tracking']
const KEY = Type.String({ minLength: 1, maxLength: 255 })

export function trackingRoutes(app: FastifyInstance, { store, base, config, limits }: RouteDeps) {
  const tracker = new Tracker(store, DEFAULT_TRACKER_OPTIONS, (err) => app.log.error({ err }, 'click not stored'))
  app.addHook('onClose', () => tracker.close())
  // Settings, domains, partners and links changed through this process apply to the next click at
  // once, whether the API or an admin page changed them (what a page only shows, or refused, changes nothing).
  app.addHook('onResponse', async (request, reply) => {
    if (request.method === 'GET' && !request.routeOptions.config.changesState) return
    const page = request.routeOptions.config.changesProgram === true && reply.statusCode < 400
    if (page || request.url.startsWith('/v1/program')) tracker.programs.forget()
    // A refer-a-friend customer is made with its link, and its links are changed under /v1/customer….
    const referral = request.caller !== undefined && (request.caller.program as { type?: string }).type === 'referral'
    if (page || /^\/v1\/(partner|program)/.test(request.url) || (referral && /^\/v1\/customer/.test(request.url))) tracker.links.forget()
  })

  const sendRedirect = (request: FastifyRequest, reply: FastifyReply, r: Redirect) => {
    const place: CookiePlace = { requestHost: request.hostname, destinationHost: r.location.hostname, secure: request.protocol === 'https' }
    const cookies = r.target && !keepsFirstClick(r.place.program, request.headers.cookie, r.target.key) ? [
      trackingCookie(r.place.program, cookieName(r.place.program), r.target.key, place),
      r.click?.clickId !== undefined ? trackingCookie(r.place.program, 'partnero_click', `clk_${r.click.clickId}`, place) : undefined,
    ].filter((c): c is string => c !== undefined) : []
    if (cookies.length > 0) reply.header('set-cookie', cookies)
    // Every visit must reach us again to be counted: no cache may answer for us.
    reply.header('cache-control', 'no-store').header('referrer-policy', 'no-referrer-when-downgrade')
    return reply.redirect(r.location.toString(), 302)
  }

  const visitOf = (request: FastifyRequest, programHint?: string): Visit => ({
    method: request.method, ip: request.ip, userAgent: request.headers['user-agent'], host: request.hostname, programHint,
  })

  addRoute(app, base, {
    method: 'GET', url: '/r/:key', public: true, tags,
    summary: 'Follow a referral link: counts the click and redirects (302) to the program\'s website with the key',
    params: Type.Object({ key: KEY }),
    input: Type.Object({ program: Type.Optional(Type.String({ maxLength: 64, description: 'The program\'s public id, when a key is used by several programs' })) }),
    response: { 302: Type.Null({ description: 'Location: the destination; Set-Cookie: the referral cookie when the hosts share a domain' }) },
    handler: async ({ params, input, request, reply, base }) => followLink(request, reply, params.key as string, input.program, base),
  })

  /** A visitor following a link: redirected, or told in a page why not. */
  const followLink = async (request: FastifyRequest, reply: FastifyReply, key: string, hint: string | undefined, base: string) => {
    try {
      return await sendRedirect(request, reply, await tracker.redirect(key, visitOf(request, hint), base))
    } catch (err) {
      if (err instanceof DomainError) return sendVisitorPage(reply, err)
      throw err
    }
  }

  // The path form (`/aff/{key}` on the tracking host): any program's referral parameter, else a 404.
  onUnknownPath(app, async (request, reply) => {
    const match = /^\/([A-Za-z0-9_-]{1,32})\/([A-Za-z0-9_-]{1,255})\/?(?:\?|$)/.exec(request.url)
    if (!match || match[1] === 'v1') return false
    const params = (await tracker.programs.all()).map((p) => p.program.settings.program.referral_param)
    if (!params.includes(match[1] as string)) return false
    const hint = new URL(request.url, 'http://x').searchParams.get('program') ?? undefined
    await followLink(request, reply, match[2] as string, hint, base(request))
    return true
  })

  // The snippet's calls come from the merchant's pages, cross-origin. It sends text/plain (a CORS
  // "simple" request, no preflight), so this scope reads text/plain bodies as JSON too.
  void app.register(async (scope) => {
    scope.addContentTypeParser('text/plain', { parseAs: 'string' }, jsonBodyParser(config.jsonMaxDepth))
    const perIp = limits.perIp('tracking', config.trackingRateLimit.max, config.trackingRateLimit.windowSeconds)

    /** The program a /t/ call names, if the calling page may speak for it (CORS from its own hosts only). */
    const programFor = async (publicId: string, request: FastifyRequest, reply: FastifyReply): Promise<ProgramPlace> => {
      const place = await tracker.programs.byPublicId(publicId)
      if (!place) throw notFound('Program not found')
      allowOrigin(place, request, reply)
      return place
    }

    scope.options('/t/*', { schema: { hide: true }, config: { public: true } }, async (request, reply) => {
      const origin = request.headers.origin
      const host = origin ? originHost(origin) : undefined
      if (origin && host && (await tracker.programs.all()).some((p) => ownsPageHost(p, host))) {
        reply.header('access-control-allow-origin', origin).header('vary', 'Origin')
          .header('access-control-allow-methods', 'GET, POST').header('access-control-allow-headers', 'content-type')
          .header('access-control-max-age', '86400')
      }
      return reply.code(204).send()
    })

    addRoute(scope, base, {
      method: 'GET', url: '/t/programs/:public_id', public: true, tags,
      summary: 'What the snippet needs to know about a program: its referral parameter, cookie and link style',
      params: Type.Object({ public_id: Type.String({ maxLength: 64 }) }),
      response: { 200: Envelope(ProgramForScript) },
      handler: async ({ params, request, reply }) => {
        const { program } = await programFor(params.public_id as string, request, reply)
        reply.header('cache-control', 'public, max-age=300')
        const s = program.settings.program
        return ok({
          type: program.type, param: s.referral_param, style: s.referral_link_style, cookie: cookieName(program), cookie_lifetime: s.cookie_lifetime,
          attribution: program.type === 'referral' ? s.referral_attribution : 'last_click',
        })
      },
    })

    addRoute(scope, base, {
      method: 'POST', url: '/t/click', public: true, tags,
      summary: 'Report a visit that arrived with a referral key (the snippet calls this)',
      input: Type.Object({ program: Type.String({ minLength: 1, maxLength: 64 }), key: KEY }),
      response: { 200: Envelope(ClickAnswer) },
      handler: async ({ input, request, reply }) => {
        await perIp(request, reply)
        const place = await programFor(input.program, request, reply)
        const click = await tracker.reportedClick(place, input.key, visitOf(request))
        return ok({
          click_id: click.clickId !== undefined ? `clk_${click.clickId}` : null, counted: click.counted, reason: click.reason ?? null,
          key_active: click.reason !== 'unknown_key' && click.reason !== 'inactive_partner',
        })
      },
    })

    addRoute(scope, base, {
      method: 'POST', url: '/t/signup', public: true, tags, successStatus: 202,
      summary: 'A sign-up on the merchant\'s page: creates the customer, credited to the partner the visitor arrived through',
      description: 'Always 202 with the same body, whether or not a customer was created: the answer never tells whether an email is known.',
      input: SignupInput,
      response: { 202: Done },
      handler: async ({ input, request, reply, base }) => {
        await perIp(request, reply)
        const place = await programFor(input.program, request, reply)
        await signupFromPage(store, tracker, place, input, visitOf(request), base)
        return { status: 1 as const }
      },
    })
  })

  addRoute(app, base, {
    method: 'GET', url: '/js/universal.js', public: true, tags,
    summary: 'The tracking snippet (Partnero\'s universal.js loader contract)',
    response: { 200: Type.String({ description: 'JavaScript' }) },
    handler: async ({ request, reply }) => {
      const script = await universalScript()
      reply.header('content-type', 'application/javascript; charset=utf-8')
        .header('cache-control', 'public, max-age=3600').header('etag', script.etag).header('vary', 'Accept-Encoding')
      if (request.headers['if-none-match'] === script.etag) return reply.code(304).send()
      if (/\bgzip\b/.test(String(request.headers['accept-encoding'] ?? ''))) return reply.header('content-encoding', 'gzip').send(script.gzipped)
      return reply.send(script.plain)
    },
  })
}

const ClickAnswer = Type.Object({
  click_id: Type.Union([Type.String(), Type.Null()]),
  counted: Type.Boolean(),
  reason: Type.Union([Type.String(), Type.Null()], {
    description: 'Why the click was not counted: unknown_key, inactive_partner, bot, not_a_visit, duplicate_within_hour or not_recorded; null when counted',
  }),
  key_active: Type.Boolean({ description: 'The key names an active partner\'s link of this program: the snippet keeps it in the cookie only then' }),
})

/** First-click attribution (refer-a-friend setting): a visitor whose cookie already names another referral key keeps it. */
function keepsFirstClick(program: ProgramPlace['program'], cookieHeader: string | undefined, key: string): boolean {
  if (program.type !== 'referral' || program.settings.program.referral_attribution !== 'first_click' || !cookieHeader) return false
  const name = cookieName(program)
  const found = cookieHeader.split(';').map((c) => c.trim()).find((c) => c.startsWith(`${name}=`))
  const value = found === undefined ? '' : decodedOrEmpty(found.slice(name.length + 1))
  return value !== '' && value !== key
}

/** A cookie value as text; one whose escapes are not UTF-8 is no referral at all (never a 500). */
function decodedOrEmpty(text: string): string {
  try {
    return decodeURIComponent(text)
  } catch {
    return ''
  }
}

const ProgramForScript = Type.Object({
  type: Type.String(),
  param: Type.String(),
  style: Type.String(),
  cookie: Type.String(),
  cookie_lifetime: Type.Integer(),
  attribution: Type.String({ description: 'last_click: a new referral key replaces the cookie; first_click: the first one stays (refer-a-friend setting)' }),
})

const SignupInput = Type.Object({
  program: Type.String({ minLength: 1, maxLength: 64 }),
  /** The partner key the cookie (or the page URL) carries. */
  partner_key: Type.Optional(KEY),
  click_id: Type.Optional(Type.String({ maxLength: 64 })),
  customer: Type.Object({
    key: Type.Optional(Type.String({ minLength: 1, maxLength: 255 })),
    email: Type.Optional(Type.String({ maxLength: 255 })),
    name: Type.Optional(Type.String({ maxLength: 255 })),
    surname: Type.Optional(Type.String({ maxLength: 255 })),
    tags: Type.Optional(Type.Array(Type.String({ maxLength: 255 }), { maxItems: 50 })),
  }),
})

function originHost(origin: string): string | undefined {
  try {
    return new URL(origin).hostname
  } catch {
    return undefined
  }
}

/** A call from a page of another site is refused before it does anything. */
function allowOrigin(place: ProgramPlace, request: FastifyRequest, reply: FastifyReply): void {
  const origin = request.headers.origin
  if (origin === undefined) return // not a browser's cross-origin call (server-side, curl)
  const host = originHost(origin)
  reply.header('access-control-allow-origin', origin).header('vary', 'Origin')
  if (!host || !ownsPageHost(place, host)) {
    // The refusal itself may be read by the page (the origin header above), so the snippet can say
    // why in the browser console instead of doing nothing, silently. It changes nothing.
    const own = [...place.hosts].join(', ') || 'none: the program has no website'
    throw forbidden(`This page's host (${host ?? origin}) is not one of the program's domains or their subdomains (${own}). Set the program website or add the domain.`)
  }
}
