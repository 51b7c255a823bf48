import { describe, expect, it } from 'vitest'
import { exactDigits, nestingDepth, parseJsonBody } from './json-text.js'

const parse = (text: string) => parseJsonBody(text, 32)

describe('exactDigits', () => {
  it('keeps the digits of integers a double cannot hold, as text', () => {
    expect(parse('{"key":18446744073709551616}')).toEqual({ key: '18446744073709551616' })
    expect(parse('{"a":[9223372036854775808,-9223372036854775809]}')).toEqual({ a: ['9223372036854775808', '-9223372036854775809'] })
    expect(parse('9007199254740992')).toBe('9007199254740992')
  })

  it('keeps numbers past any double as written, rather than Infinity', () => {
    expect(parse('{"n":1e309,"m":-1E+400,"d":1.5e999}')).toEqual({ n: '1e309', m: '-1E+400', d: '1.5e999' })
  })

  it('leaves every number a double holds as a number', () => {
    expect(parse('{"a":9007199254740991,"b":-9007199254740991,"c":1e20,"d":99.99,"e":0,"f":-0.5e-400,"g":1e308}'))
      .toEqual({ a: 9007199254740991, b: -9007199254740991, c: 1e20, d: 99.99, e: 0, f: -0, g: 1e308 })
  })

  it('never touches strings, however many digits they hold', () => {
    const text = '{"s":"18446744073709551616","t":"a \\" 99999999999999999999 1e999","u":123}'
    expect(exactDigits(text)).toBe(text)
  })

  it('leaves what is not a JSON number to the parser to refuse', () => {
    expect(() => parse('{"n":00000000000000000001}')).toThrow('not valid JSON')
    expect(() => parse('{"n":1e3090.5}')).toThrow('not valid JSON')
    expect(() => parse('{"n":-}')).toThrow('not valid JSON')
  })
})

describe('nestingDepth', () => {
  it('counts brackets outside strings only, escaped quotes included', () => {
    expect(nestingDepth('{"a":[{"b":[]}]}')).toBe(4)
    expect(nestingDepth('{"a":"[[[[\\"{{{{"}')).toBe(1)
    expect(() => parseJsonBody(`${'['.repeat(33)}${']'.repeat(33)}`, 32)).toThrow('nested deeper than 32 levels')
  })
})
