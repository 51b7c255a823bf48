// The one body parser: JSON only (exactly what Partnero clients send), read by json-text.ts.
import { parseJsonBody } from '../json-text.js'

/** parseJsonBody as a Fastify content-type parser (string bodies). */
export function jsonBodyParser(maxDepth: number) {
  return (_request: unknown, body: string | Buffer, done: (err: Error | null, body?: unknown) => void) => {
    try {
      done(null, parseJsonBody(body as string, maxDepth))
    } catch (err) {
      done(err as Error, undefined)
    }
  }
}
