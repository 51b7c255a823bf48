// Money is an integer count of micros (millionths of the major unit) in a bigint.
// Conversions to and from decimal text never pass through floating point.
import { minorUnits } from './currency.js'

export const MICROS_PER_UNIT = 1_000_000n

/** 1249990000n → "1249.99" (all six decimals kept, trailing zeros trimmed to at least two). */
export function microsToDecimal(micros: bigint): string {
  const { sign, whole, fraction } = decimalParts(micros)
  return `${sign}${whole}.${fraction.replace(/0{1,4}$/, '').padEnd(2, '0')}`
}

/** The sign, the whole units and all six decimals of an amount. */
function decimalParts(micros: bigint): { sign: string; whole: bigint; fraction: string } {
  const abs = micros < 0n ? -micros : micros
  return { sign: micros < 0n ? '-' : '', whole: abs / MICROS_PER_UNIT, fraction: (abs % MICROS_PER_UNIT).toString().padStart(6, '0') }
}

/** 30000000n → "30", 12500000n → "12.5": the shortest exact decimal text (stored rates). */
export function decimalText(micros: bigint): string {
  return microsToDecimal(micros).replace(/\.?0+$/, '')
}

/** For JSON output: Partnero sends money as numbers in major units (1250.00 → 1250). */
export function microsToNumber(micros: bigint): number {
  return Number(microsToDecimal(micros))
}

/**
 * Rounds to the currency's minor unit, half to even — the one rounding rule, used wherever an
 * amount is shown or commission rounding is on.
 */
export function roundToMinorUnit(micros: bigint, currency: string): bigint {
  const step = 10n ** BigInt(6 - minorUnits(currency))
  return step === 1n ? micros : divideHalfEven(micros, step) * step
}

/** n / d rounded half to even (d > 0): the one rounding of the project. */
export function divideHalfEven(n: bigint, d: bigint): bigint {
  const q = n / d
  const r = n % d
  const twice = 2n * (r < 0n ? -r : r)
  if (twice > d || (twice === d && q % 2n !== 0n)) return q + (n < 0n ? -1n : 1n)
  return q
}

/** Rounds toward zero to the minor unit (averages are shown as what was at least earned). */
export function truncateToMinorUnit(micros: bigint, currency: string): bigint {
  const step = 10n ** BigInt(6 - minorUnits(currency))
  return (micros / step) * step
}

/**
 * Exact, in at least the currency's own decimals: "45.15" and "29.997" USD, "1000" JPY. Never
 * rounds: statements and payment files print what the ledger holds.
 */
export function moneyText(micros: bigint, currency: string): string {
  const digits = minorUnits(currency)
  const { sign, whole, fraction } = decimalParts(micros)
  const significant = fraction.replace(/0+$/, '')
  const shown = significant.length > digits ? significant : fraction.slice(0, digits)
  return `${sign}${whole}${shown ? `.${shown}` : ''}`
}
