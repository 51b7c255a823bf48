// The shapes the Partnero API pages show (the project's starting seeds) bind: these JSON examples,
// kept in test/fixtures/seed-shapes so the suite needs nothing outside the repository, are compared
// with real answers key by key and type by type. Lists the pages elide are kept empty.
import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

const SHAPES = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../fixtures/seed-shapes')

export type SeedShape = 'partner' | 'program' | 'referral-links' | 'paginated-list'

/** The JSON example a seed page gives for `shape`. */
export function seedJson(shape: SeedShape): unknown {
  return JSON.parse(fs.readFileSync(path.join(SHAPES, `${shape}.json`), 'utf8'))
}

/** Partnerkit's extension fields (README), which no seed can show. */
const EXTENSIONS = new Set(['tracking_url', 'portal_domain', 'brand_color', 'custom_link_keys_enabled', 'show_customer_emails',
  'payout_requests_enabled', 'terms_url', 'signup_fields'])

const kind = (v: unknown) => (v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v)

/**
 * Differences between `actual` and `expected`: missing or extra keys, and values of another JSON
 * type. Arrays compare their first items when both have one.
 */
export function shapeDifferences(actual: unknown, expected: unknown, at = '$'): string[] {
  if (kind(actual) !== kind(expected)) return [`${at}: ${kind(actual)} where the seed has ${kind(expected)}`]
  if (Array.isArray(expected) && Array.isArray(actual)) {
    return expected.length > 0 && actual.length > 0 ? shapeDifferences(actual[0], expected[0], `${at}[0]`) : []
  }
  if (kind(expected) !== 'object') return []
  // An empty object in a seed is a map whose keys it does not show (per-currency amounts, elisions).
  if (Object.keys(expected as object).length === 0) return []
  const a = actual as Record<string, unknown>
  const e = expected as Record<string, unknown>
  const out: string[] = []
  for (const key of Object.keys(e)) {
    if (!(key in a)) out.push(`${at}.${key}: missing`)
    else out.push(...shapeDifferences(a[key], e[key], `${at}.${key}`))
  }
  for (const key of Object.keys(a)) if (!(key in e) && !EXTENSIONS.has(key)) out.push(`${at}.${key}: not in the seed`)
  return out
}
