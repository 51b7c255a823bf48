// An amount named by a request field: exact micros, or a 422 that names the field.
import { invalidField } from './domain-errors.js'
import { parseAmount } from './money/parse.js'

export function amountField(name: string, value: unknown, { positive = false } = {}): bigint {
  const parsed = parseAmount(value)
  const words = name.replace(/_/g, ' ')
  if ('error' in parsed) throw invalidField(name, `The ${words} ${parsed.error}.`)
  if (parsed.micros < 0n) throw invalidField(name, `The ${words} must be at least 0.`)
  if (positive && parsed.micros === 0n) throw invalidField(name, `The ${words} must be greater than 0.`)
  return parsed.micros
}
