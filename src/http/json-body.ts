// The one body parser: JSON only (exactly what Partnero clients send). An empty body is no input,
// nesting beyond the configured depth is refused before parsing, and `__proto__` (and
// `constructor.prototype`) keys are refused so no parsed body can reach an object's prototype.
import sjson from 'secure-json-parse'
import { ApiError } from './errors.js'

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

export function parseJsonBody(text: string, maxDepth: number): unknown {
  if (text.trim() === '') return undefined
  if (nestingDepth(text) > maxDepth) {
    throw new ApiError(400, 'json_too_deep', `The request body is nested deeper than ${maxDepth} levels.`)
  }
  try {
    return sjson.parse(text, undefined, { protoAction: 'error', constructorAction: 'error' })
  } catch (err) {
    if (err instanceof SyntaxError && /forbidden prototype property/.test(err.message)) {
      throw new ApiError(400, 'forbidden_key', 'The request body uses a forbidden key (__proto__ or constructor).')
    }
    throw new ApiError(400, 'invalid_json', 'The request body is not valid JSON.')
  }
}

/** Deepest bracket nesting outside strings; a linear scan, so hostile input cannot blow the stack. */
export function nestingDepth(text: string): number {
  let depth = 0
  let deepest = 0
  let inString = false
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i)
    if (inString) {
      if (ch === 92 /* \ */) i++
      else if (ch === 34 /* " */) inString = false
    } else if (ch === 34) inString = true
    else if (ch === 123 || ch === 91 /* { [ */) {
      depth++
      if (depth > deepest) deepest = depth
    } else if (ch === 125 || ch === 93 /* } ] */) depth--
  }
  return deepest
}
