// Amounts as statements and payment files print them: exact, in at least the currency's decimals.
import { describe, expect, it } from 'vitest'
import { moneyText } from './micros.js'

describe('moneyText', () => {
  it('writes the currency\'s minor-unit digits, and more only when the amount has them', () => {
    expect(moneyText(45_150_000n, 'USD')).toBe('45.15')
    expect(moneyText(30_000_000n, 'USD')).toBe('30.00')
    expect(moneyText(29_997_000n, 'USD')).toBe('29.997')
    expect(moneyText(1_000_000_000n, 'JPY')).toBe('1000')
    expect(moneyText(1_000_500_000n, 'JPY')).toBe('1000.5')
    expect(moneyText(1_234_500n, 'KWD')).toBe('1.2345')
    expect(moneyText(1_234_000n, 'KWD')).toBe('1.234')
    expect(moneyText(-12_355_000n, 'EUR')).toBe('-12.355')
    expect(moneyText(0n, 'USD')).toBe('0.00')
    expect(moneyText(1n, 'USD')).toBe('0.000001')
  })
})
