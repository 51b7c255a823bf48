// The success envelope every endpoint answers with.
import { Type, type TSchema } from 'typebox'

export function ok<T>(data: T): { data: T; status: 1 } {
  return { data, status: 1 }
}

export function done(message?: string): { status: 1; message?: string } {
  return message ? { status: 1, message } : { status: 1 }
}

export const Envelope = <T extends TSchema>(data: T) => Type.Object({ data, status: Type.Literal(1) })

export const Done = Type.Object({ status: Type.Literal(1), message: Type.Optional(Type.String()) })

export const ErrorResponse = Type.Object({
  message: Type.String(),
  errors: Type.Optional(Type.Record(Type.String(), Type.Array(Type.String()))),
  code: Type.String(),
  status: Type.Literal(0),
})
