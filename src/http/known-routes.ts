// Which method+path pairs this server answers: used to tell a wrong method (405) from a wrong
// path (404), and by the contract test to compare the routes with the OpenAPI document.
import type { FastifyInstance } from 'fastify'
import FindMyWay from 'find-my-way'

const METHODS = ['GET', 'POST', 'PUT', 'DELETE', 'PATCH'] as const
type Method = (typeof METHODS)[number]

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
  const router = FindMyWay({ ignoreTrailingSlash: true })
  const listed: string[] = []
  app.addHook('onRoute', (route) => {
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
