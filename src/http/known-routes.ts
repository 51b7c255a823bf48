// Which method+path pairs this server answers: used to tell a wrong method (405) from a wrong
// path (404), and by the contract test to compare the routes with the OpenAPI document.
import type { FastifyInstance } from 'fastify'
import FindMyWay from 'find-my-way'

const METHODS = ['GET', 'POST', 'PUT', 'DELETE', 'PATCH'] as const
type Method = (typeof METHODS)[number]

/**
 * Path ids may be as long as the longest id an object may have (255 characters), each a 4-byte
 * UTF-8 character percent-encoded as 12; longer ones are a 414 (protocol-errors.ts), not a look-up.
 */
export const MAX_PATH_ID_LENGTH = 255 * 12

/** The router's options: the app's (app.ts) and this copy's alike, so both match the same paths. */
export const ROUTER_OPTIONS = { ignoreTrailingSlash: true, maxParamLength: MAX_PATH_ID_LENGTH }

export interface KnownRoutes {
  /** "GET /v1/program", … (HEAD twins left out). */
  list(): string[]
  /** Methods other than `method` that serve `path`. */
  otherMethods(method: string, path: string): Method[]
}

declare module 'fastify' {
  interface FastifyInstance {
    knownRoutes: KnownRoutes
  }
}

export function trackRoutes(app: FastifyInstance): KnownRoutes {
  const router = FindMyWay(ROUTER_OPTIONS)
  const listed: string[] = []
  app.addHook('onRoute', (route) => {
    // Pages are not API operations: not listed, and no cause for a 405 (a portal path on a host
    // that is no portal is simply unknown).
    if (route.config?.web) return
    for (const method of [route.method].flat()) {
      if (!METHODS.includes(method as Method) || router.hasRoute(method as Method, route.url)) continue
      router.on(method as Method, route.url, () => {})
      // As the wire shows it: the router writes a literal colon (`partners:search`) as `::`.
      listed.push(`${method} ${route.url.replace(/::/g, ':')}`)
    }
  })
  const known: KnownRoutes = {
    list: () => [...listed],
    otherMethods: (method, path) => METHODS.filter((m) => m !== method && router.find(m, path) !== null),
  }
  app.decorate('knownRoutes', known)
  return known
}
