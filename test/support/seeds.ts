// The Partnero seed pages in ../shared/seeds are binding shapes. These helpers pull the JSON
// example out of a seed page and compare a real answer with it key by key and type by type.
import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

const SEEDS = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../shared/seeds')

/** The first complete JSON object in a seed page that starts with `marker` (e.g. '{\n  "status"'). */
export function seedJson(file: string, after = ''): unknown {
  const text = fs.readFileSync(path.join(SEEDS, file), 'utf8')
  const from = after ? text.indexOf(after) : 0
  if (from < 0) throw new Error(`${file}: "${after}" not found`)
  const start = text.indexOf('{', from)
  let depth = 0
  for (let i = start; i < text.length; i++) {
    if (text[i] === '{') depth++
    // Seed pages elide lists as [...] and objects as { ... }: read those as empty.
    else if (text[i] === '}' && --depth === 0) return JSON.parse(text.slice(start, i + 1).replace(/\[\s*\.\.\.\s*\]/g, '[]').replace(/\{\s*\.\.\.\s*\}/g, '{}'))
  }
  throw new Error(`${file}: no complete JSON object`)
}

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
  const a = actual as Record<string, unknown>
  const e = expected as Record<string, unknown>
  const out: string[] = []
  for (const key of Object.keys(e)) {
    if (!(key in a)) out.push(`${at}.${key}: missing`)
    else out.push(...shapeDifferences(a[key], e[key], `${at}.${key}`))
  }
  for (const key of Object.keys(a)) if (!(key in e)) out.push(`${at}.${key}: not in the seed`)
  return out
}
