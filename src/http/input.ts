// The input bag: query string and JSON body merged for every method, as Laravel's
// $request->input() does and as Partnero clients expect (the PHP SDK sends JSON bodies on GET and
// DELETE). A body of `[]` is no input; `null` and `""` mean "not given" (Laravel's middleware turns
// empty strings into null, and n8n sends "" for every optional field left empty); `partner.key=x`
// and `partner[key]=x` in the query become {partner: {key: x}}; a query key given twice takes its
// last value, as PHP reads it (n8n appends its query again to `links.next`); the body wins on conflict.
import { ApiError } from './errors.js'
import { invalid, type FieldErrors } from '../domain-errors.js'
import { storableText } from '../store/text-keys.js'

export type Bag = Record<string, unknown>

const UNSAFE_KEYS = new Set(['__proto__', 'constructor', 'prototype'])

export function inputBag(query: unknown, body: unknown): Bag {
  const fromQuery = expandQuery((query ?? {}) as Record<string, unknown>)
  const bag = withoutBlanks(deepMerge(fromQuery, bodyObject(body))) as Bag
  refuseUnstorableText(bag)
  return bag
}

/**
 * Text that cannot be stored faithfully is refused everywhere: U+0000 (PostgreSQL rejects it) and
 * lone UTF-16 surrogates (not Unicode; they would turn into U+FFFD on the way to the store). So no
 * stored key holds one, which is what lets look-ups by such a key answer "not found" (store/text-keys.ts).
 */
function refuseUnstorableText(value: unknown, at = ''): void {
  const errors: FieldErrors = {}
  const visit = (v: unknown, path: string) => {
    const field = path || 'input'
    if (typeof v === 'string') {
      if (storableText(v)) return
      if (v.includes('\u0000')) errors[field] = [`The ${field.replace(/_/g, ' ')} must not contain NUL characters.`]
      else errors[field] = [`The ${field.replace(/_/g, ' ')} must be valid Unicode text.`]
    } else if (v && typeof v === 'object') {
      for (const [k, member] of Object.entries(v)) visit(member, path ? `${path}.${k}` : k)
    }
  }
  visit(value, at)
  if (Object.keys(errors).length > 0) throw invalid(errors)
}

function bodyObject(body: unknown): Bag {
  if (body === undefined || body === null || Array.isArray(body)) return {}
  if (typeof body === 'object') return body as Bag
  throw new ApiError(400, 'invalid_body', 'The request body must be a JSON object.')
}

/** `a.b=1`, `a[b]=1`, `tags[]=x`, `tags[0]=x` → nested objects and arrays; `a=1&a=2` → a=2. */
export function expandQuery(query: Record<string, unknown>): Bag {
  const out: Bag = {}
  for (const [rawKey, given] of Object.entries(query)) {
    const value = Array.isArray(given) && !rawKey.endsWith('[]') ? given[given.length - 1] : given
    const path = rawKey.replace(/\]/g, '').split(/\[|\./).filter((part, i) => part !== '' || i > 0)
    if (path.some((part) => UNSAFE_KEYS.has(part))) continue
    assignPath(out, path, value)
  }
  return out
}

function assignPath(target: Bag, path: string[], value: unknown): void {
  let node: Bag = target
  for (let i = 0; i < path.length - 1; i++) {
    const part = path[i] as string
    const next = node[part]
    if (typeof next !== 'object' || next === null) node[part] = /^\d*$/.test(path[i + 1] as string) ? [] : {}
    node = node[part] as Bag
  }
  const last = path[path.length - 1] as string
  if (last === '' && Array.isArray(node)) {
    ;(node as unknown[]).push(...(Array.isArray(value) ? value : [value]))
  } else if (Array.isArray(node) && /^\d+$/.test(last)) {
    ;(node as unknown[])[Number(last)] = value
  } else {
    node[last] = value
  }
}

function isPlainObject(value: unknown): value is Bag {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

function deepMerge(base: Bag, over: Bag): Bag {
  const out: Bag = { ...base }
  for (const [key, value] of Object.entries(over)) {
    const existing = out[key]
    out[key] = isPlainObject(existing) && isPlainObject(value) ? deepMerge(existing, value) : value
  }
  return out
}

/** Drops null and "" members of objects, at every depth (array items stay as sent). */
function withoutBlanks(value: unknown): unknown {
  if (Array.isArray(value)) return value.map((item) => (isPlainObject(item) ? withoutBlanks(item) : item))
  if (!isPlainObject(value)) return value
  const out: Bag = {}
  for (const [key, member] of Object.entries(value)) {
    if (member !== null && member !== '') out[key] = withoutBlanks(member)
  }
  return out
}
