// How a module declares an endpoint: its path, its input (the merged query+body bag, validated by
// one TypeBox schema whatever the method), its responses, and a thin handler.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { Static, TSchema } from 'typebox'
import { Type } from 'typebox'
import type { ValidateFunction } from 'ajv'
import { ErrorResponse } from './envelope.js'
import { compileInput } from './validation.js'
import type { Bag } from './input.js'

export type Method = 'GET' | 'POST' | 'PUT' | 'DELETE'

/**
 * What the caller's program holds. http/ knows no resource: the programs module fills this in
 * (module augmentation in programs/store.ts), so handlers see the program as it is.
 */
export interface CallerProgram {}

export interface Caller {
  program: CallerProgram
  apiKeyId: number
}

export interface RouteContext<I> {
  input: I
  /** The raw merged input, before coercion: what links.next must carry on. */
  bag: Bag
  params: Record<string, string>
  /** The authenticated program; routes marked public have none. */
  caller: Caller
  /** Absolute base for URLs in the answer (PUBLIC_URL or this request's origin). */
  base: string
  request: FastifyRequest
  reply: FastifyReply
}

export interface RouteSpec<I extends TSchema> {
  method: Method
  url: string
  summary: string
  description?: string
  tags: string[]
  input?: I
  params?: TSchema
  /** Success responses by status code. Error responses are added for every route. */
  response: Record<number, TSchema>
  /** Answer without an API key (health, docs, tracking). */
  public?: boolean
  /** Status for a successful answer (201 for creates). */
  successStatus?: number
  /** A GET that changes data (Partnero's GET /v1/leads/convert): authenticated as a write. */
  changesState?: boolean
  handler: (ctx: RouteContext<Static<I>>) => Promise<unknown>
  /**
   * The same endpoint for callers of another kind (a refer-a-friend program's key on a customer
   * URL, spec §2): its own input check and handler. Its answer is written as the handler shapes it
   * (the route's response schema describes the usual caller's answer).
   */
  variant?: RouteVariant
}

export interface RouteVariant {
  applies: (caller: Caller) => boolean
  input?: TSchema
  /** Its success answers' shapes (checked by the test servers' contract check, like the route's). */
  response: Record<number, TSchema>
  handler: (ctx: RouteContext<any>) => Promise<unknown>
}

declare module 'fastify' {
  interface FastifyRequest {
    caller?: Caller
    bag?: Bag
  }
  interface FastifyContextConfig {
    public?: boolean
    /** The route's input check, run on the merged bag (see app.ts). */
    validateInput?: ValidateFunction
    changesState?: boolean
    /** The variant's input check, and when it applies instead of validateInput. */
    variant?: { applies: (caller: Caller) => boolean; validateInput?: ValidateFunction; response: Record<number, TSchema> }
  }
}

const ERROR_CODES = [400, 401, 403, 404, 409, 413, 415, 422, 429]

export function addRoute<I extends TSchema>(app: FastifyInstance, base: (request: FastifyRequest) => string, spec: RouteSpec<I>) {
  const input = spec.input ?? Type.Object({})
  const errors = Object.fromEntries(
    ERROR_CODES.filter((code) => !(spec.public && code === 401)).map((code) => [code, ErrorResponse]),
  )
  app.route({
    method: spec.method,
    url: spec.url,
    // Without declared input every bag passes unchanged: no check (and no copy) to make per request.
    config: {
      public: spec.public ?? false,
      validateInput: compiledInput(input),
      changesState: spec.changesState ?? false,
      ...(spec.variant
        ? { variant: { applies: spec.variant.applies, validateInput: compiledInput(spec.variant.input ?? Type.Object({})), response: spec.variant.response } }
        : {}),
    },
    schema: {
      summary: spec.summary,
      ...(spec.description ? { description: spec.description } : {}),
      tags: spec.tags,
      // One input bag whatever the method; documented as query parameters for GET, a JSON body otherwise.
      ...(isEmpty(input) ? {} : spec.method === 'GET' ? { querystring: input } : { body: input }),
      ...(spec.params ? { params: spec.params } : {}),
      ...(spec.public ? {} : { security: [{ bearerAuth: [] }] }),
      response: { ...spec.response, ...errors },
    },
    handler: async (request, reply) => {
      const variant = spec.variant && request.caller && spec.variant.applies(request.caller) ? spec.variant : undefined
      const result = await (variant ?? spec).handler({
        input: request.body as Static<I>,
        bag: request.bag ?? {},
        params: (request.params ?? {}) as Record<string, string>,
        caller: request.caller as Caller,
        base: base(request),
        request,
        reply,
      })
      if (spec.successStatus) reply.code(spec.successStatus)
      // The route's response schema describes the usual caller's answer, not the variant's: written as it is.
      if (variant) return reply.type('application/json').send(JSON.stringify(result))
      return result
    },
  })
}

function compiledInput(input: TSchema): ValidateFunction | undefined {
  return takesNoInput(input) ? undefined : compileInput(input)
}

/** Type.Object({}) with nothing added: every object passes, unchanged. */
function takesNoInput(schema: TSchema): boolean {
  return isEmpty(schema) && Object.keys(schema).every((keyword) => keyword === 'type' || keyword === 'properties')
}

function isEmpty(schema: TSchema): boolean {
  const properties = (schema as { properties?: object }).properties
  return Object.keys(properties ?? {}).length === 0
}
