// Amounts in a currency's own decimals, as payment providers take them.
import { describe, expect, it } from 'vitest'
import { minorUnitText } from './micros.js'

describe('minorUnitText', () => {
  it('writes exactly the currency\'s minor-unit digits, rounded half to even', () => {
    expect(minorUnitText(45_150_000n, 'USD')).toBe('45.15')
    expect(minorUnitText(30_003_000n, 'USD')).toBe('30.00')
    expect(minorUnitText(1_000_000_000n, 'JPY')).toBe('1000')
    expect(minorUnitText(1_234_500n, 'KWD')).toBe('1.234')
    expect(minorUnitText(1_235_500n, 'KWD')).toBe('1.236')
    expect(minorUnitText(-12_355_000n, 'EUR')).toBe('-12.36')
    expect(minorUnitText(0n, 'USD')).toBe('0.00')
  })
})
