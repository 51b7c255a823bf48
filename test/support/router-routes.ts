// The app's GET and POST routes under some prefixes, read from the router's own tree, for tests
// that must cover every page and form (a new one is covered without touching the test).
import type { FastifyInstance } from 'fastify'

export interface RouterRoute {
  method: 'GET' | 'POST'
  /** The whole path as registered: '/portal/:program/links', '/admin/partners/:id/approve'… */
  url: string
}

/**
 * printRoutes writes one line a node, four characters of indent a level, the methods in brackets;
 * each route read is confirmed with hasRoute, so a misread tree fails here rather than leaving routes out.
 */
export function routesUnder(app: FastifyInstance, prefixes: string[]): RouterRoute[] {
  const routes: RouterRoute[] = []
  const stack: string[] = []
  for (const line of app.printRoutes({ commonPrefix: false }).split('\n')) {
    const node = /^((?:\u2502 {3}| {4})*)[\u251c\u2514]\u2500\u2500 (.*?)(?: \(([A-Z, ]+)\))?$/.exec(line)
    if (!node) continue
    stack.length = (node[1] as string).length / 4
    stack.push(node[2] as string)
    const url = stack.join('')
    if (!prefixes.some((p) => url === p || url.startsWith(`${p}/`))) continue
    for (const method of (node[3] ?? '').split(', ')) {
      if (method !== 'GET' && method !== 'POST') continue
      if (!app.hasRoute({ method, url })) throw new Error(`misread the route tree: ${method} ${url}`)
      routes.push({ method, url })
    }
  }
  return routes
}
