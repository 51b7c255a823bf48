// A probe as one request: the probed place carries the given id text; every other input is what a
// real client of the calling program would send (its own objects, new ids where something is made,
// and whatever the operation needs besides).
import type { Field, Probe, Schema } from './operations.js'
import type { World } from './world.js'

export interface Request {
  method: string
  url: string
  body: Record<string, unknown>
}

// Inputs the document cannot tell how to fill: it says "a string" where only some strings work, or
// calls a field optional because another one may stand in for it.
const FILLS: Record<string, { value: unknown; always?: boolean; with?: string }> = {
  // The SSRF guard refuses any address that is not public.
  url: { value: 'https://93.184.215.14/isolation' },
  // Event names valid for the program type.
  events: { value: ['partner.created'] },
  // A sale needs `amount` or `reward`; 1 is less than any sale of a world, so refunds fit too.
  amount: { value: 1, always: true },
  // A payout request needs details unless the partner saved some (the worlds' partners have none).
  gateway: { value: 'paypal', always: true },
  payout_settings: { value: { username: 'isolation@example.com' }, always: true, with: 'gateway' },
  // Sending a payout request back needs a reason for the partner.
  reason: { value: 'isolation', always: true },
}

/** The request for `probe`, made by `world`, with `text` in the probed place; `fresh` makes new ids. */
export async function requestFor(probe: Probe, world: World, text: string, fresh: string): Promise<Request> {
  const { op, field } = probe
  const params = new Map<string, string>()
  const body = structuredClone(probe.usage.input ?? {})
  const filled = new Set<string>()
  // The probed field first: the objects it makes may hold new ids to fill.
  if (field.in === 'path') params.set(String(field.at[0]), text)
  else put(body, field, text)
  for (const other of probe.fields) {
    if (other === field || !fills(other, field, filled)) continue
    if (other.in === 'path') {
      const name = String(other.at[0])
      if (!params.has(name)) params.set(name, await ownName(world, other))
    }
    else if (other.category === 'new') {
      if (holderExists(body, other)) put(body, other, other.attribute === 'email' ? `${fresh}@example.com` : fresh)
    } else put(body, other, await ownName(world, other))
  }
  fillNeeds(body, op.input, fresh)
  const url = op.path.replace(/\{(\w+)\}/g, (_, name: string) => encodeURIComponent(params.get(name) as string))
  return { method: op.method, url, body }
}

/** The id text the world has for this place. */
export async function ownName(world: World, field: Field): Promise<string> {
  const names = await world.names(field.kind)
  const text = field.attribute === 'id' ? names.id ?? names.key : names[field.attribute]
  if (text === undefined) throw new Error(`a ${field.kind} has no ${field.attribute}`)
  return text
}

/**
 * Whether to fill `other` with the caller's own id: every path parameter; the first of the
 * alternatives that name the object acted on (unless the probe names it); one field per object
 * referred to (not the probe's: it names that one); new ids where they are made. Filters and
 * renames stay out: they would narrow or change what the probe sees.
 */
function fills(other: Field, probed: Field, filled: Set<string>): boolean {
  if (other.in === 'path' || other.category === 'new') return true
  if (other.category !== 'lookup' && other.category !== 'reference') return false
  if (other.category === 'lookup' && probed.category === 'lookup') return false
  const slot = `${other.category}:${other.kind}`
  if (other.kind === probed.kind && other.category === probed.category) return false
  if (filled.has(slot)) return false
  filled.add(slot)
  return true
}

/** A new id goes at the top level, or into an object the request already has. */
function holderExists(body: Record<string, unknown>, field: Field): boolean {
  let node: unknown = body
  for (const step of field.at.slice(0, -1)) {
    node = (node as Record<string | number, unknown> | undefined)?.[step]
    if (node === undefined) return false
  }
  return true
}

function put(body: Record<string, unknown>, field: Field, text: string): void {
  const id = field.wrap ? field.wrap(text) : text
  const value = field.integer ? Number(id) : id
  let node: Record<string | number, unknown> = body
  field.at.forEach((step, i) => {
    if (i === field.at.length - 1) node[step] = field.many ? [value] : value
    else node = (node[step] ??= typeof field.at[i + 1] === 'number' ? [] : {}) as Record<string | number, unknown>
  })
}

/** Required fields, and those an operation needs though the document calls them optional, in every object the body has. */
function fillNeeds(node: Record<string, unknown>, schema: Schema, fresh: string): void {
  for (const [name, prop] of Object.entries(schema.properties ?? {})) {
    const fill = FILLS[name]
    const wanted = schema.required?.includes(name) || (fill?.always && (!fill.with || schema.properties?.[fill.with]))
    if (node[name] === undefined && wanted) {
      node[name] = fill ? structuredClone(fill.value) : sample(prop, fresh)
    }
    const value = node[name]
    if (prop.properties && isObject(value)) fillNeeds(value, prop, fresh)
    if (prop.items?.properties && Array.isArray(value)) for (const item of value) if (isObject(item)) fillNeeds(item, prop.items, fresh)
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/** A value the schema accepts. */
function sample(schema: Schema, fresh: string): unknown {
  const choice = schema.anyOf?.[0]
  if (choice) return sample(choice, fresh)
  if (schema.enum) return schema.enum[0]
  const type = Array.isArray(schema.type) ? schema.type[0] : schema.type
  if (type === 'integer' || type === 'number') return 1
  if (type === 'boolean') return true
  if (type === 'array') return [sample(schema.items ?? {}, fresh)]
  if (type === 'object') {
    const node: Record<string, unknown> = {}
    fillNeeds(node, schema, fresh)
    return node
  }
  return schema.format === 'email' ? `${fresh}@example.com` : 'isolation'
}

