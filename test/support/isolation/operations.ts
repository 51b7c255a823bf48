// What the isolation suite calls, read from the OpenAPI document: every operation that needs a key,
// and in each, every place an id goes (path parameters, and input fields that name an object).
// A new route or field is covered as it appears. The document cannot say everything: which object a
// field name means, which fields name nothing of ours, and how a few operations are used. That is
// in the commented tables below, and an id-like field they do not explain stops the suite.
import { NAMED_BY, type Kind, type Names } from './world.js'

export interface Schema {
  type?: string | string[]
  properties?: Record<string, Schema>
  required?: string[]
  items?: Schema
  enum?: unknown[]
  anyOf?: Schema[]
  format?: string
}

export interface Operation {
  method: string
  path: string
  /** "PUT /v1/partners/{id}" */
  label: string
  /** The input as one object: a GET's query parameters, any other method's JSON body. */
  input: Schema
  /** It answers 201: its own ids in the input are new ones. */
  creates: boolean
  /** It answers a page: ids in its input are filters. */
  lists: boolean
  /** The kind of object its path's collection holds. */
  subject?: Kind
}

/**
 * What an id in this place must do with another program's id:
 * lookup    — name the object to act on: 404, exactly as for a missing id;
 * reference — name another object the operation needs: refused exactly as a missing one;
 * filter    — narrow a list: exactly the answer for a missing id;
 * new       — the id of an object being made: ids are per program, so it is free here;
 * rename    — a new id for the object acted on: free here too.
 */
export type Category = 'lookup' | 'reference' | 'filter' | 'new' | 'rename'

export interface Field {
  in: 'path' | 'input'
  /** The path parameter's name, or the field's place in the input. */
  at: Array<string | number>
  kind: Kind
  attribute: keyof Names
  /** A list of ids (reward_ids). */
  many: boolean
  integer: boolean
  category: Category
  /** Text the id travels in (a referral key inside a URL). */
  wrap?: (id: string) => string
}

/** One way an operation is used: input it always carries, and categories the document cannot tell. */
export interface Usage {
  input?: Record<string, unknown>
  /** By the place of the object that holds the field ('' for the top level); 'unread' skips it. */
  categories?: Record<string, Category | 'unread'>
}

export interface Probe {
  op: Operation
  usage: Usage
  /** The field that carries the other program's id. */
  field: Field
  /** Every id field of the operation in this usage: the others are filled with the caller's own. */
  fields: Field[]
}

// The collection a path names, by its segment (`/v1/partners/{id}`, `/v1/webhooks/{key}/deliveries/{id}`).
const COLLECTIONS: Record<string, Kind> = {
  partners: 'partner', partner: 'partner', partner_referral_links: 'link', customers: 'customer', customer: 'customer',
  transactions: 'transaction', leads: 'lead', payout_requests: 'payout', webhooks: 'webhook', deliveries: 'delivery',
}

// The object a field names, by its name or its prefix (`partner`, `partner_key`, `reward_ids`, `domainId`).
const FIELD_KINDS: Record<string, Kind> = {
  partner: 'partner', referring_partner: 'partner', customer: 'customer', transaction: 'transaction',
  transactions: 'transaction', reward: 'reward', domain: 'domain',
}

// Fields that name another object of the kind an operation makes or changes: a partner's referrer.
const OTHERS = new Set(['referring_partner'])

// Named like ids, naming nothing a program owns: the merchant's own product ids, the payee's
// own address among payout details, and the portal's signup questions (a key is a custom_fields name).
const NOT_IDS = new Set(['product_id', 'payout_settings', 'signup_fields'])

// Ids the document cannot see: the key of the referral link a URL carries (`?aff=KEY`).
const HIDDEN: Record<string, Pick<Field, 'kind' | 'attribute' | 'wrap'>> = {
  'options.referral_url': { kind: 'link', attribute: 'key', wrap: (key) => `https://shop.example.com/?aff=${key}` },
}

// Operations used in more than one way, or whose fields mean what the document cannot say.
const USAGES: Record<string, Usage[]> = {
  'POST /v1/transactions': [
    // A sale for an existing customer: the customer is a reference; partner fields and the
    // referral URL are read only when the sale makes its customer.
    { categories: { partner: 'unread', 'customer.partner': 'unread', options: 'unread' } },
    // A sale that makes its customer (options.create_customer): it cannot 404 on a customer key
    // another program uses, because it creates a new customer of the caller's with that key.
    { input: { options: { create_customer: true }, customer: {} }, categories: { customer: 'new' } },
  ],
  // The legacy form may carry the customer's first sale, made with it: its key is a new one.
  'POST /v1/customers': [{ categories: { transaction: 'new' } }],
  'POST /v1/customer': [{ categories: { transaction: 'new' } }],
}

interface Document {
  paths: Record<string, Record<string, {
    security?: unknown[]
    parameters?: Array<{ in: string; name: string; required?: boolean; schema: Schema }>
    requestBody?: { content: Record<string, { schema: Schema }> }
    responses: Record<string, { content?: Record<string, { schema: Schema }> }>
  }>>
}

/**
 * Served to refer-a-friend programs' keys only (an affiliate key gets 400 wrong_program_type before
 * any look-up): the generated suites run on affiliate programs, so they leave these out. Their
 * isolation and hostile input are proved by customers/referral.security.test.ts and .error.
 */
export const REFER_A_FRIEND_ONLY = /^\/v1\/(customer_referral_links|customers:invite|customers:sign-in-url|customers\/\{key\}\/(referrals|stats|balance|referral_links))/

/**
 * Every operation that needs a key (but those of refer-a-friend programs only). Public ones have no caller to isolate: they name their program
 * themselves (tracking by its public id, Stripe by its signed endpoint) and have suites of their own.
 */
export function operationsOf(doc: Document): Operation[] {
  return Object.entries(doc.paths).filter(([path]) => !REFER_A_FRIEND_ONLY.test(path))
    .flatMap(([path, ops]) => Object.entries(ops).filter(([, op]) => op.security).map(([method, op]) => {
    const query = (op.parameters ?? []).filter((p) => p.in === 'query')
    const input: Schema = method === 'get'
      ? { properties: Object.fromEntries(query.map((p) => [p.name, p.schema])), required: query.filter((p) => p.required).map((p) => p.name) }
      : op.requestBody?.content['application/json']?.schema ?? {}
    const page = op.responses['200']?.content?.['application/json']?.schema.properties
    return {
      method: method.toUpperCase(),
      path,
      label: `${method.toUpperCase()} ${path}`,
      input,
      creates: '201' in op.responses,
      lists: page?.data?.type === 'array' && page.links !== undefined,
      subject: COLLECTIONS[segmentName(path.split('/')[2] ?? '')],
    }
  }))
}

/** `partners:search` → `partners` */
function segmentName(segment: string): string {
  return segment.split(':')[0] as string
}

/** Every id field of every operation, each a probe. */
export function probesOf(ops: Operation[]): Probe[] {
  const probes: Probe[] = []
  for (const op of ops) {
    const seen = new Set<string>()
    for (const usage of USAGES[op.label] ?? [{}]) {
      const fields = [...pathFields(op), ...categorized(op, usage, [...inputFields(op, op.input, [], op.subject)])]
      for (const field of fields) {
        // A field means the same in every usage unless a usage says otherwise: probe it once.
        const id = `${field.in}:${field.at.join('.')}:${field.attribute}:${field.category}`
        if (seen.has(id)) continue
        seen.add(id)
        probes.push({ op, usage, field, fields })
      }
    }
  }
  return probes
}

/** A path parameter names the object of the collection before it, by each text that names one. */
export function pathFields(op: Operation): Field[] {
  const segments = op.path.split('/')
  return segments.flatMap((segment, i) => {
    const name = /^\{(\w+)\}$/.exec(segment)?.[1]
    if (!name) return []
    const kind = COLLECTIONS[segmentName(segments[i - 1] ?? '')]
    if (!kind) throw new Error(`${op.label}: which object does {${name}} name? Add its collection to COLLECTIONS.`)
    return NAMED_BY[kind].map((attribute): Field => ({ in: 'path', at: [name], kind, attribute, many: false, integer: false, category: 'lookup' }))
  })
}

type Uncategorized = Omit<Field, 'category'>

function* inputFields(op: Operation, schema: Schema, at: Array<string | number>, holder: Kind | undefined): Generator<Uncategorized> {
  for (const [name, prop] of Object.entries(schema.properties ?? {})) {
    if (NOT_IDS.has(name)) continue
    const here = [...at, name]
    const hidden = HIDDEN[here.join('.')]
    if (hidden) {
      yield { in: 'input', at: here, many: false, integer: false, ...hidden }
      continue
    }
    const own = /^(id|key|email)$/.exec(name)
    const named = /^(\w+?)(?:_(id|key|email|ids)|(Id))$/.exec(name)
    if (own) {
      if (!holder) throw new Error(`${op.label}: which object does ${here.join('.')} name? Add it to FIELD_KINDS or NOT_IDS.`)
      yield { in: 'input', at: here, kind: holder, attribute: name as keyof Names, many: false, integer: isInteger(prop) }
    } else if (named) {
      const kind = FIELD_KINDS[named[1] as string]
      if (!kind) throw new Error(`${op.label}: which object does ${here.join('.')} name? Add it to FIELD_KINDS or NOT_IDS.`)
      const many = named[2] === 'ids'
      const attribute = (many || named[3] ? 'id' : named[2]) as keyof Names
      yield { in: 'input', at: here, kind, attribute, many, integer: isInteger(many ? prop.items ?? {} : prop) }
    }
    // `update` holds the changes to the object the operation acts on (Partnero's convention).
    const inner = name === 'update' ? op.subject : FIELD_KINDS[name]
    if (prop.properties) yield* inputFields(op, prop, here, inner)
    if (prop.items?.properties) yield* inputFields(op, prop.items, [...here, 0], inner)
  }
}

function isInteger(schema: Schema): boolean {
  return schema.type === 'integer'
}

function categorized(op: Operation, usage: Usage, fields: Uncategorized[]): Field[] {
  return fields.flatMap((field) => {
    const holder = field.at.slice(0, -1).filter((p) => typeof p === 'string').join('.')
    const category = usage.categories?.[holder] ?? categoryOf(op, field)
    return category === 'unread' ? [] : [{ ...field, category }]
  })
}

function categoryOf(op: Operation, field: Uncategorized): Category {
  if (field.at[0] === 'update') return 'rename'
  if (op.lists) return 'filter'
  if (field.kind !== op.subject || field.at.some((step) => OTHERS.has(String(step)))) return 'reference'
  if (/\{\w+\}/.test(op.path)) return 'rename'
  return op.creates ? 'new' : 'lookup'
}
