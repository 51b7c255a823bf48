// Response serializers, compiled on a route's first answer with that status (compiled-schemas.ts).
import build from 'fast-json-stringify'
import type { FastifySerializerCompiler } from 'fastify'
import { compiledOnFirstUse } from './compiled-schemas.js'

type Serialize = (data: unknown) => string

const serializers = new Map<string, Serialize>()

export const lazySerializerCompiler: FastifySerializerCompiler<unknown> = ({ schema }) => serializerOf(schema)

/** The serializer of a response schema, for a route that answers one request in another shape. */
export function serializerOf(schema: unknown): Serialize {
  const serializer = compiledOnFirstUse(serializers, schema as object, () => build(schema as Parameters<typeof build>[0]) as Serialize)
  return (data) => serializer()(data)
}
