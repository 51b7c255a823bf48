import { describe, expect, it } from 'vitest'
import { Type } from 'typebox'
import { check, compileInput } from './validation.js'
import { DomainError } from '../domain-errors.js'

const Input = Type.Object({
  domain_id: Type.Optional(Type.Integer({ minimum: 1 })),
  page: Type.Optional(Type.Integer()),
  days: Type.Optional(Type.Integer({ minimum: 1, maximum: 365 })),
  amount: Type.Optional(Type.Number()),
  value: Type.Optional(Type.Unsafe<string | number>({ type: ['string', 'number'] })),
  name: Type.Optional(Type.String()),
  ids: Type.Optional(Type.Array(Type.Integer())),
  settings: Type.Optional(Type.Object({ lifetime: Type.Optional(Type.Integer()) })),
})
const validate = compileInput(Input)

function errorsOf(input: unknown): Record<string, string[]> | undefined {
  try {
    check(validate, input)
    return undefined
  } catch (err) {
    if (!(err instanceof DomainError)) throw err
    return err.errors
  }
}

describe('number bounds', () => {
  it('refuses integers a double cannot hold exactly, however they come (JSON number, query text)', () => {
    const message = 'The domain id must be an integer between -9007199254740991 and 9007199254740991.'
    for (const domainId of [9223372036854775808, 2 ** 53, '9223372036854775808', '1e309', '1e20']) {
      expect(errorsOf({ domain_id: domainId }), String(domainId)).toEqual({ domain_id: [message] })
    }
    expect(errorsOf({ page: -(2 ** 53) })).toEqual({ page: ['The page must be an integer between -9007199254740991 and 9007199254740991.'] })
    expect(errorsOf({ ids: [1, 2 ** 60] })?.['ids.1']).toHaveLength(1)
    expect(errorsOf({ settings: { lifetime: '-1e309' } })?.['settings.lifetime']).toHaveLength(1)
  })

  it('takes every integer up to the limit', () => {
    for (const page of [0, -1, 2 ** 53 - 1, -(2 ** 53 - 1), '9007199254740991']) expect(errorsOf({ page }), String(page)).toBeUndefined()
  })

  it('keeps a field\'s own tighter bounds, and only their message', () => {
    expect(errorsOf({ days: '9223372036854775808' })).toEqual({ days: ['The days may not be greater than 365.'] })
  })

  it('refuses numbers that are not finite, and takes any finite one', () => {
    expect(errorsOf({ amount: '1e309' })).toEqual({ amount: ['The amount must be a finite number.'] })
    expect(errorsOf({ amount: '-1e309' })).toEqual({ amount: ['The amount must be a finite number.'] })
    expect(errorsOf({ amount: 1e300 })).toBeUndefined()
    expect(errorsOf({ value: '1e309' })).toBeUndefined()
  })

  it('leaves text alone: digits in a text field are text', () => {
    expect(errorsOf({ name: '18446744073709551616' })).toBeUndefined()
  })
})
