// The portal's routes as the app's router holds them, for tests that must cover every page and
// every form (a new one is covered without touching the test); and a picture of the rows a portal
// request can change, to prove that a refused one changed none.
import type { FastifyInstance } from 'fastify'
import type { TestServer } from './server.js'

export const PREFIX = '/portal/:program'

export interface PortalRoute {
  method: 'GET' | 'POST'
  /** After the program: '' (the dashboard), '/sign-in', '/payouts/:number/statement'… */
  path: string
}

/**
 * Every GET and POST route under /portal/:program, read from the router's own tree
 * (printRoutes: one line a node, four characters of indent a level, the methods in brackets), and
 * each confirmed with hasRoute, so a misread tree fails here rather than leaving routes out.
 */
export function portalRoutes(app: FastifyInstance): PortalRoute[] {
  const routes: PortalRoute[] = []
  const stack: string[] = []
  for (const line of app.printRoutes({ commonPrefix: false }).split('\n')) {
    const node = /^((?:\u2502 {3}| {4})*)[\u251c\u2514]\u2500\u2500 (.*?)(?: \(([A-Z, ]+)\))?$/.exec(line)
    if (!node) continue
    stack.length = (node[1] as string).length / 4
    stack.push(node[2] as string)
    const url = stack.join('')
    if (url !== PREFIX && !url.startsWith(`${PREFIX}/`)) continue
    for (const method of (node[3] ?? '').split(', ')) {
      if (method !== 'GET' && method !== 'POST') continue
      if (!app.hasRoute({ method, url })) throw new Error(`misread the route tree: ${method} ${url}`)
      routes.push({ method, path: url.slice(PREFIX.length) })
    }
  }
  return routes
}

/** The route's address in program `publicId`, each `:param` replaced from `values` (or `fallback`). */
export function addressOf(publicId: string, path: string, values: Record<string, string>, fallback = '1'): string {
  const filled = path.replace(/:([A-Za-z_]+)/g, (_m, name: string) => encodeURIComponent(values[name] ?? fallback))
  return `/portal/${publicId}${filled}`
}

const TABLES = ['partners', 'partner_sessions', 'sign_in_tokens', 'referral_links', 'payout_requests', 'mails', 'outbox', 'customers', 'transactions'] as const

/** Every row a portal form could change, comparable across stores (bigints as text, rows sorted). */
export async function storePicture(server: TestServer): Promise<Record<string, string[]>> {
  const picture: Record<string, string[]> = {}
  for (const table of TABLES) {
    const rows = await server.store.db.selectFrom(table).selectAll().execute()
    picture[table] = rows.map((r) => JSON.stringify(r, (_k, v: unknown) => (typeof v === 'bigint' ? String(v) : v))).sort()
  }
  return picture
}
