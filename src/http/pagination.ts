// Laravel "simple paginator" lists, as the Partnero API answers them: links and meta, no totals.
// links.next is absolute and keeps every filter the caller sent (n8n follows it verbatim).
import { Type, type TSchema } from 'typebox'
import type { Bag } from './input.js'

export interface PageBounds {
  defaultLimit: number
  maxLimit: number
  minLimit: number
}

export const DEFAULT_PAGE: PageBounds = { defaultLimit: 15, minLimit: 1, maxLimit: 250 }

export interface Page {
  page: number
  limit: number
  offset: number
}

/** Out-of-range values are clamped, not refused: clients disagree on the ranges (spec §8.17). */
export function pageOf(input: { page?: number; limit?: number }, bounds: PageBounds = DEFAULT_PAGE): Page {
  const limit = Math.min(bounds.maxLimit, Math.max(bounds.minLimit, Math.trunc(input.limit ?? bounds.defaultLimit)))
  const page = Math.max(1, Math.trunc(input.page ?? 1))
  return { page, limit, offset: (page - 1) * limit }
}

export const PageInput = {
  page: Type.Optional(Type.Integer({ minimum: -1e9, maximum: 1e9, description: 'Page number, from 1.' })),
  limit: Type.Optional(Type.Integer({ minimum: -1e9, maximum: 1e9, description: 'Items per page (clamped to the allowed range).' })),
}

export const PagedEnvelope = <T extends TSchema>(item: T) =>
  Type.Object({
    data: Type.Array(item),
    links: Type.Object({
      first: Type.String(),
      last: Type.Null(),
      prev: Type.Union([Type.String(), Type.Null()]),
      next: Type.Union([Type.String(), Type.Null()]),
    }),
    meta: Type.Object({
      current_page: Type.Integer(),
      from: Type.Union([Type.Integer(), Type.Null()]),
      path: Type.String(),
      per_page: Type.Integer(),
      to: Type.Union([Type.Integer(), Type.Null()]),
    }),
    status: Type.Literal(1),
  })

/**
 * `rows` holds up to limit + 1 items: the extra one only tells that a next page exists.
 * `path` is the absolute URL of the list without its query; `input` is the caller's input bag.
 */
/** A list's own URL, without its query: what its links (first, next, …) and meta.path start with. */
export function listPath(base: string, request: { url: string }): string {
  return `${base}${request.url.split('?')[0]}`
}

export function paged<T>(rows: T[], page: Page, path: string, input: Bag) {
  const data = rows.slice(0, page.limit)
  const hasMore = rows.length > page.limit
  const filters = queryOf(input)
  const link = (n: number) => `${path}?${[...filters, `page=${n}`].join('&')}`
  const from = data.length > 0 ? page.offset + 1 : null
  return {
    data,
    links: {
      first: link(1),
      last: null,
      prev: page.page > 1 ? link(page.page - 1) : null,
      next: hasMore ? link(page.page + 1) : null,
    },
    meta: {
      current_page: page.page,
      from,
      path,
      per_page: page.limit,
      to: from === null ? null : page.offset + data.length,
    },
    status: 1 as const,
  }
}

/** The caller's input as query parts (nested as a[b]=c, arrays as a[]=x), without `page`. */
function queryOf(input: Bag, prefix = ''): string[] {
  const parts: string[] = []
  for (const [key, value] of Object.entries(input)) {
    if (prefix === '' && key === 'page') continue
    const name = prefix === '' ? key : `${prefix}[${key}]`
    if (Array.isArray(value)) {
      for (const item of value) if (isScalar(item)) parts.push(`${enc(`${name}[]`)}=${enc(String(item))}`)
    } else if (typeof value === 'object' && value !== null) {
      parts.push(...queryOf(value as Bag, name))
    } else if (isScalar(value)) {
      parts.push(`${enc(name)}=${enc(String(value))}`)
    }
  }
  return parts
}

const isScalar = (v: unknown) => typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean'
const enc = (s: string) => encodeURIComponent(s).replace(/%5B/g, '[').replace(/%5D/g, ']')
