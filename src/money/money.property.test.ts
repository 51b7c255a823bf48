// Property tests for money text: what a client sends parses to exact micros, and what we print
// parses back to what we hold, in every currency Node knows.
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { formatMoney } from './format.js'
import { microsToDecimal, microsToNumber, roundToMinorUnit } from './micros.js'
import { parseAmount } from './parse.js'

const RUNS = { numRuns: 10_000, seed: 20261121 }
const CURRENCIES = Intl.supportedValuesOf('currency')
const micros = fc.bigInt({ min: -(10n ** 18n), max: 10n ** 18n })

const parsed = (value: unknown) => {
  const result = parseAmount(value)
  if ('error' in result) throw new Error(`${String(value)}: ${result.error}`)
  return result.micros
}

describe('amount parsing', () => {
  it('reads back every decimal text it writes, exactly', () => {
    fc.assert(fc.property(micros, (m) => parsed(microsToDecimal(m)) === m), RUNS)
  })

  it('reads JSON numbers exactly whenever they have at most 15 significant digits', () => {
    // Amounts up to a billion with six decimals: 15 digits at most.
    fc.assert(fc.property(fc.bigInt({ min: -(10n ** 15n) + 1n, max: 10n ** 15n - 1n }), (m) => parsed(microsToNumber(m)) === m), RUNS)
  })

  it('round-trips the formatted amount of every currency at its minor unit', () => {
    fc.assert(fc.property(micros, fc.constantFrom(...CURRENCIES), (m, currency) => {
      // "$1,124.90", "-¥5", "Cg.0.01": the number is the digits run; the sign may sit before the symbol.
      const shown = formatMoney(m, currency)
      const digits = (/\d[\d,]*(\.\d+)?/.exec(shown)?.[0] ?? '').replace(/,/g, '')
      return parsed(`${shown.includes('-') ? '-' : ''}${digits}`) === roundToMinorUnit(m, currency)
    }), RUNS)
  })

  it('accepts the spellings clients send', () => {
    expect(parsed(99.99)).toBe(99_990_000n)
    expect(parsed('99.99')).toBe(99_990_000n)
    expect(parsed(' 100 ')).toBe(100_000_000n)
    expect(parsed('1e3')).toBe(1_000_000_000n)
    expect(parsed('.5')).toBe(500_000n)
    expect(parsed('5.')).toBe(5_000_000n)
    expect(parsed('1.2500000')).toBe(1_250_000n)
  })

  it('refuses what it cannot hold exactly, with a reason', () => {
    for (const bad of ['1.0000001', 0.1 + 0.2, 1e-7, '12abc', '', '.', '-', 'NaN', Infinity, '1e400', 1e30, true, null, [], {}]) {
      expect(parseAmount(bad), String(bad)).toHaveProperty('error')
    }
    expect(parseAmount(1234567890.1234567)).toEqual({ error: expect.stringMatching(/significant digits/) })
  })
})
