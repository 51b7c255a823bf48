// The portal's routes as the app's router holds them, for tests that must cover every page and
// every form (a new one is covered without touching the test); and a picture of the rows a portal
// request can change, to prove that a refused one changed none.
import type { FastifyInstance } from 'fastify'
import type { TestServer } from './server.js'
import { routesUnder } from './router-routes.js'

export const PREFIX = '/portal/:program'

export interface PortalRoute {
  method: 'GET' | 'POST'
  /** After the program: '' (the dashboard), '/sign-in', '/payouts/:number/statement'… */
  path: string
}

/** Every GET and POST route under /portal/:program, as the router holds them. */
export function portalRoutes(app: FastifyInstance): PortalRoute[] {
  return routesUnder(app, [PREFIX]).map((r) => ({ method: r.method, path: r.url.slice(PREFIX.length) }))
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
