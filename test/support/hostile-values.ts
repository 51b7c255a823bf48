// Values a client can send that JavaScript takes but PostgreSQL refuses or a double cannot hold, and
// where the fuzz suite puts them: every path id, and every typed field of every operation's input
// as the OpenAPI document declares it (a GET's query parameters, any other method's JSON body).
import type { Schema } from './isolation/operations.js'

export interface Operation {
  method: string
  /** "/v1/partners/{id}" */
  path: string
  input: Schema
}

/** A field of an input, at its place (`program_settings.cookie_lifetime`, `rewards.0`), and the types it takes. */
export interface Leaf {
  at: Array<string | number>
  types: string[]
}

interface Document {
  paths: Record<string, Record<string, {
    parameters?: Array<{ in: string; name: string; schema: Schema }>
    requestBody?: { content: Record<string, { schema: Schema }> }
  }>>
}

export function operationsOf(doc: Document): Operation[] {
  return Object.entries(doc.paths).flatMap(([path, ops]) => Object.entries(ops).map(([method, op]) => {
    const query = (op.parameters ?? []).filter((p) => p.in === 'query')
    const input: Schema = method === 'get'
      ? { properties: Object.fromEntries(query.map((p) => [p.name, p.schema])) }
      : op.requestBody?.content['application/json']?.schema ?? {}
    return { method: method.toUpperCase(), path, input }
  }))
}

/** Every typed field, nested objects and list items included (three levels deep is all inputs use). */
export function leavesOf(schema: Schema, at: Array<string | number> = []): Leaf[] {
  if (at.length > 3) return []
  const types = typesOf(schema)
  const here = at.length > 0 && types.some((t) => t !== 'object' && t !== 'array') ? [{ at, types }] : []
  const members = Object.entries(schema.properties ?? {}).flatMap(([name, prop]) => leavesOf(prop, [...at, name]))
  const items = schema.items ? leavesOf(schema.items, [...at, 0]) : []
  return [...here, ...members, ...items]
}

function typesOf(schema: Schema): string[] {
  const own = schema.type === undefined ? [] : [schema.type].flat()
  return [...new Set([...own, ...(schema.anyOf ?? []).flatMap(typesOf)])]
}

export const numeric = (leaf: Leaf) => leaf.types.includes('integer') || leaf.types.includes('number')
export const textOnly = (leaf: Leaf) => leaf.types.includes('string') && !numeric(leaf)

/** A JSON body with `literal` (raw JSON text: `1e309` has no JSON.stringify form) at the leaf's place. */
export function bodyWith(leaf: Leaf, literal: string): string {
  const mark = '\u0001hostile\u0001'
  const root: Record<string, unknown> = {}
  let node: Record<string | number, unknown> = root
  leaf.at.forEach((step, i) => {
    const next = leaf.at[i + 1]
    if (next === undefined) node[step] = mark
    else node = (node[step] ??= typeof next === 'number' ? [] : {}) as Record<string | number, unknown>
  })
  return JSON.stringify(root).replace(JSON.stringify(mark), literal)
}

/** The query-string form of the same: `program_settings.cookie_lifetime=1e309`, `rewards[0]=…`. */
export function queryWith(leaf: Leaf, text: string): string {
  const name = leaf.at.map((step, i) => (typeof step === 'number' ? `[${step}]` : i === 0 ? step : `.${step}`)).join('')
  return `${encodeURIComponent(name)}=${encodeURIComponent(text)}`
}

/**
 * Numbers outside what the store and a double hold: beyond bigint, beyond the exact doubles, beyond
 * any double (1e309 parses to Infinity). Integers get a 422; a number field only with the last.
 */
export const OUT_OF_RANGE = ['1e309', '9223372036854775808', '-9223372036854775809', '18446744073709551616', '-1e309',
  '9007199254740992', '1e20', '123456789012345678901234567890', '-9007199254740993', '1.7976931348623157e309']
export const NOT_FINITE = new Set(['1e309', '-1e309', '1.7976931348623157e309'])

/** JSON numbers sent for text: a double would round each (18446744073709551616 → 18446744073709552000). */
export const HUGE_FOR_TEXT = ['18446744073709551616', '9223372036854775808', '-9223372036854775809', '123456789012345678901234567890']

/** How JSON.parse would have rounded a literal: what must not come back for a text field. */
export function rounded(literal: string): string {
  return String(Number(literal))
}

/**
 * Path ids PostgreSQL cannot compare (a NUL), percent-encoded; `extra` more are generated around a
 * NUL. Each must be answered exactly as an id that names nothing.
 */
export function nulIds(generated: string[]): string[] {
  return ['%00', 'a%00b', 'fuzz-id%00', '%00fuzz-id', 'fuzz%00-id', '%00%00%00', '1%00', '%00%20',
    ...generated.map((text, i) => `${encodeURIComponent(text.slice(0, i % (text.length + 1)))}%00${encodeURIComponent(text.slice(i % (text.length + 1)))}`)]
}

/** Percent-encodings that are not UTF-8 text (an overlong NUL, a surrogate, a stray byte): refused as bad URLs. */
export const NOT_UTF8_IDS = ['%C0%80', '%ED%A0%80', '%FF', 'a%E0%A4', '%', 'a%zz']
