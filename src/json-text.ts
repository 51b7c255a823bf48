// JSON text read safely, for request bodies (http/json-body.ts) and the bodies webhooks bring
// (Stripe's, parsed after its signature is checked against the exact bytes). An empty body is no input,
// nesting beyond the configured depth is refused before parsing, and `__proto__` (and
// `constructor.prototype`) keys are refused so no parsed body can reach an object's prototype.
// A number a double cannot hold (an integer past ±(2^53−1), or past any double) arrives as its
// exact text: see exactDigits().
import sjson from 'secure-json-parse'
import { badRequest } from './domain-errors.js'

export function parseJsonBody(text: string, maxDepth: number): unknown {
  if (text.trim() === '') return undefined
  if (nestingDepth(text) > maxDepth) {
    throw badRequest(`The request body is nested deeper than ${maxDepth} levels.`, 'json_too_deep')
  }
  try {
    return sjson.parse(exactDigits(text), undefined, { protoAction: 'error', constructorAction: 'error' })
  } catch (err) {
    if (err instanceof SyntaxError && /forbidden prototype property/.test(err.message)) {
      throw badRequest('The request body uses a forbidden key (__proto__ or constructor).', 'forbidden_key')
    }
    throw badRequest('The request body is not valid JSON.', 'invalid_json')
  }
}

/** Deepest bracket nesting outside strings. */
export function nestingDepth(text: string): number {
  let depth = 0
  let deepest = 0
  outsideStrings(text, (_, ch) => {
    if (ch === 123 || ch === 91 /* { [ */) {
      depth++
      if (depth > deepest) deepest = depth
    } else if (ch === 125 || ch === 93 /* } ] */) depth--
  })
  return deepest
}

/**
 * Calls `visit` with each character outside strings (its index and code); `visit` may answer the
 * index to go on from. A linear scan, so hostile input cannot blow the stack.
 */
function outsideStrings(text: string, visit: (i: number, ch: number) => number | void): void {
  let inString = false
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i)
    if (inString) {
      if (ch === 92 /* \ */) i++
      else if (ch === 34 /* " */) inString = false
    } else if (ch === 34) inString = true
    else i = visit(i, ch) ?? i
  }
}

/**
 * The body with every number a double cannot hold as written turned into a string of its digits:
 * integers past ±(2^53−1) (`18446744073709551616` would read as 18446744073709552000) and numbers
 * past any double (`1e309` would read as Infinity). The field then decides, as it does for query
 * text: a text field keeps the client's exact digits (a webhook key of 18446744073709551616), a
 * numeric one reads the text as a number and refuses it as out of range (validation.ts), and an
 * amount parses it exactly (money/parse.ts). Nothing is rounded on the way in.
 */
export function exactDigits(text: string): string {
  // Every such number has 16 digits in a row or a 3-digit exponent: most bodies need no scan.
  if (!/\d{16}|[eE][+]?\d{3}/.test(text)) return text
  let out = ''
  let from = 0
  for (const [start, end] of numberTokens(text)) {
    const token = text.slice(start, end)
    if (!JSON_NUMBER.test(token) || heldExactly(token)) continue
    out += `${text.slice(from, start)}"${token}"`
    from = end
  }
  return from === 0 ? text : out + text.slice(from)
}

const JSON_NUMBER = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?$/

function heldExactly(token: string): boolean {
  const value = Number(token)
  if (!Number.isFinite(value)) return false
  return /[.eE]/.test(token) || Number.isSafeInteger(value)
}

/** Where each run of number characters outside strings starts and ends. */
function numberTokens(text: string): Array<[number, number]> {
  const tokens: Array<[number, number]> = []
  outsideStrings(text, (start, ch) => {
    if (ch !== 45 /* - */ && (ch < 48 || ch > 57)) return
    let end = start + 1
    while (end < text.length && /[-+.\deE]/.test(text[end] as string)) end++
    tokens.push([start, end])
    return end - 1
  })
  return tokens
}
