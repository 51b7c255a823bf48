// The admin's routes as the app's router holds them, for tests that must cover every page and form
// of an area (a new one is covered without touching the test); and a picture of the rows an admin
// page can change, to prove that a refused post changed none.
import type { FastifyInstance } from 'fastify'
import type { TestServer } from './server.js'
import { routesUnder } from './router-routes.js'

export interface AdminRoute {
  method: 'GET' | 'POST'
  /** The whole path: '/admin', '/admin/partners/:id/approve'… */
  path: string
}

/** Every GET and POST route at `prefix` or under it (`/admin/partners`), as the router holds them. */
export function adminRoutes(app: FastifyInstance, prefix: string): AdminRoute[] {
  return routesUnder(app, [prefix]).map((r) => ({ method: r.method, path: r.url }))
}

/** The route's address, each `:param` replaced from `values` (or `fallback`). */
export function filled(path: string, values: Record<string, string>, fallback = '1'): string {
  return path.replace(/:([A-Za-z_]+)/g, (_m, name: string) => encodeURIComponent(values[name] ?? fallback))
}

const TABLES = ['partners', 'referral_links', 'rewards', 'ledger_entries', 'sign_in_tokens', 'outbox', 'audit_log', 'program_rollups'] as const

/**
 * Every row of `tables` (by default those an admin partners form could change), comparable across
 * stores (bigints as text, rows sorted): a refused post must leave the picture as it was.
 */
export async function adminPicture(server: TestServer, tables: readonly string[] = TABLES): Promise<Record<string, string[]>> {
  const picture: Record<string, string[]> = {}
  for (const table of tables) {
    const rows = await server.store.db.selectFrom(table as 'outbox').selectAll().execute()
    picture[table] = rows.map((r) => JSON.stringify(r, (_k, v: unknown) => (typeof v === 'bigint' ? String(v) : v))).sort()
  }
  return picture
}
