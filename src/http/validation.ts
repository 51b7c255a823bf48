// Validates the input bag against a route's TypeBox schema with Ajv, coercing query-string text
// ("10", "true") to the declared types, and turns failures into Laravel-style 422 messages,
// which Partnero clients show to their users.
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv'
import { isCurrency } from '../money/currency.js'
import { invalid, type FieldErrors } from '../domain-errors.js'
import { compiledOnFirstUse } from './compiled-schemas.js'
import { NUMBER_BOUND_KEYWORDS, SAFE_INTEGER_LIMIT, withNumberBounds } from './number-bounds.js'

const ajv = new Ajv({ coerceTypes: 'array', useDefaults: true, allErrors: true, strict: false })

ajv.addFormat('url', {
  type: 'string',
  validate: (value: string) => {
    try {
      const url = new URL(value)
      return (url.protocol === 'http:' || url.protocol === 'https:') && (url.hostname.includes('.') || url.hostname === 'localhost')
    } catch {
      return false
    }
  },
})
for (const keyword of NUMBER_BOUND_KEYWORDS) ajv.addKeyword(keyword)
ajv.addFormat('currency', { type: 'string', validate: (value: string) => /^[A-Za-z]{3}$/.test(value) && isCurrency(value) })
// A calendar date that exists (2024-02-29 yes, 2023-02-29 no): a refer-a-friend customer's date of birth.
ajv.addFormat('date', { type: 'string', validate: isCalendarDate })
ajv.addFormat('email', { type: 'string', validate: /^[^\s@]+@[^\s@]+\.[^\s@]+$/ })

/** YYYY-MM-DD naming a day that exists (month 13 or day 32 is no date, not an exception). */
function isCalendarDate(value: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) return false
  const day = new Date(`${value}T00:00:00Z`)
  return !Number.isNaN(day.getTime()) && day.toISOString().startsWith(value)
}

const validators = new Map<string, ValidateFunction>()

/** The check for an input schema, compiled on first use (compiled-schemas.ts). */
export function compileInput(schema: object): ValidateFunction {
  const compiled = compiledOnFirstUse(validators, schema, () => ajv.compile(withNumberBounds(schema)))
  const validate = ((data: unknown) => {
    const real = compiled()
    const valid = real(data)
    validate.errors = real.errors
    return valid
  }) as ValidateFunction
  return validate
}

/** Throws the 422 for a failed validation; returns the (coerced, defaulted) input otherwise. */
export function check<T>(validate: ValidateFunction, input: unknown): T {
  if (!validate(input)) throw invalid(fieldErrors(validate.errors ?? []))
  return input as T
}

export function fieldErrors(errors: ErrorObject[]): FieldErrors {
  const out: FieldErrors = {}
  for (const error of errors) {
    // anyOf/oneOf wrap the branch errors already listed; keep the specific ones.
    if (error.keyword === 'anyOf' || error.keyword === 'oneOf' || error.keyword === 'if') continue
    const field = fieldName(error)
    const message = describe(error, field.replace(/_/g, ' '))
    const list = (out[field] ??= [])
    if (!list.includes(message)) list.push(message)
  }
  return out
}

function fieldName(error: ErrorObject): string {
  const base = error.instancePath.split('/').slice(1).map(decodePointer)
  if (error.keyword === 'required') base.push(String(error.params.missingProperty))
  if (error.keyword === 'additionalProperties') base.push(String(error.params.additionalProperty))
  return base.join('.') || 'input'
}

function decodePointer(part: string): string {
  return part.replace(/~1/g, '/').replace(/~0/g, '~')
}

function describe(error: ErrorObject, field: string): string {
  const p = error.params as Record<string, unknown>
  switch (error.keyword) {
    case 'required':
      return `The ${field} field is required.`
    case 'type':
      return `The ${field} ${typeWording(String(p.type))}`
    case 'maxLength':
      return `The ${field} may not be greater than ${p.limit} characters.`
    case 'minLength':
      return Number(p.limit) === 1 ? `The ${field} field is required.` : `The ${field} must be at least ${p.limit} characters.`
    case 'maximum':
      return `The ${field} may not be greater than ${p.limit}.`
    case 'minimum':
      return `The ${field} must be at least ${p.limit}.`
    case 'maxItems':
      return `The ${field} may not have more than ${p.limit} items.`
    case 'enum':
    case 'const':
      return `The selected ${field} is invalid.`
    case 'format':
    case 'pattern':
      return `The ${field} format is invalid.`
    case 'additionalProperties':
      return `The ${field} field is not recognised.`
    case 'safeInteger':
      return `The ${field} must be an integer between -${SAFE_INTEGER_LIMIT} and ${SAFE_INTEGER_LIMIT}.`
    case 'finite':
      return `The ${field} must be a finite number.`
    default:
      return `The ${field} is invalid.`
  }
}

const TYPE_NOUNS: Record<string, string> = {
  string: 'text', integer: 'an integer', number: 'a number', boolean: 'true or false', array: 'a list', object: 'an object',
}

function typeWording(type: string): string {
  const types = type.split(',')
  if (types.length > 1) {
    const nouns = types.map((t) => TYPE_NOUNS[t] ?? t)
    return `must be ${nouns.slice(0, -1).join(', ')} or ${nouns[nouns.length - 1]}.`
  }
  switch (types[0]) {
    case 'string':
      return 'must be a string.'
    case 'integer':
      return 'must be an integer.'
    case 'number':
      return 'must be a number.'
    case 'boolean':
      return 'field must be true or false.'
    case 'array':
      return 'must be an array.'
    case 'object':
      return 'must be an object.'
    default:
      return 'is invalid.'
  }
}
