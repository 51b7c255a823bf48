// Numbers a field takes only as far as they are exact: an integer within ±(2^53−1) (beyond that a
// double rounds it, 9223372036854775808 → 9223372036854776000, and PostgreSQL's bigint refuses it),
// any number finite (`?limit=1e309` coerces to Infinity, which no column holds). Ajv has no keyword
// for either, so every numeric schema gets one of ours before it is compiled: `safeInteger` or
// `finite`. A field whose own bounds are tighter already says all there is, and gets nothing.

const LIMIT = Number.MAX_SAFE_INTEGER

type Node = Record<string, unknown>

/** The schema with `safeInteger`/`finite` on each numeric part: a plain copy, the original untouched. */
export function withNumberBounds<T>(schema: T): T {
  return bound(JSON.parse(JSON.stringify(schema))) as T
}

function bound(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(bound)
  if (!node || typeof node !== 'object') return node
  const out: Node = {}
  for (const [key, value] of Object.entries(node)) {
    // `properties` and friends map names to schemas; a `default` or `enum` value is data, not schema.
    out[key] = key === 'default' || key === 'enum' || key === 'const' || key === 'examples' ? value : bound(value)
  }
  const types = [out.type].flat()
  if (types.includes('integer') && !withinSafeRange(out)) out.safeInteger = true
  else if (types.includes('number') && !withinSafeRange(out)) out.finite = true
  return out
}

function withinSafeRange(schema: Node): boolean {
  const { minimum, maximum } = schema
  return typeof minimum === 'number' && typeof maximum === 'number' && minimum >= -LIMIT && maximum <= LIMIT
}

/** The keywords, for Ajv's addKeyword: each applies to numbers only (after query-text coercion). */
export const NUMBER_BOUND_KEYWORDS = [
  { keyword: 'safeInteger', type: 'number' as const, schemaType: 'boolean' as const, validate: (_: boolean, data: number) => Number.isSafeInteger(data) },
  { keyword: 'finite', type: 'number' as const, schemaType: 'boolean' as const, validate: (_: boolean, data: number) => Number.isFinite(data) },
]

export const SAFE_INTEGER_LIMIT = LIMIT
