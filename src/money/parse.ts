// Amounts sent by clients — JSON numbers (`99.99`) or numeric strings (`"99.99"`, old Partnero
// docs) — to exact micros, with no floating-point arithmetic.
//
// A JSON number reaches us as a double. Its shortest round-trip text (String(n)) is the decimal
// the client wrote whenever that decimal has at most 15 significant digits (a double holds 15.95
// decimal digits, so two such decimals never share a double). So: take String(n), refuse it past
// 15 significant digits (the client must send a string then), and parse that text exactly.

const DECIMAL = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d{1,4}))?$/
const MAX_SIGNIFICANT_DIGITS = 15
/** 10^12 major units: far past any real sale, and well inside a signed 64-bit count of micros. */
const MAX_MICROS = 10n ** 18n

export type AmountResult = { micros: bigint } | { error: string }

export function parseAmount(value: unknown): AmountResult {
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) return { error: 'must be a finite number' }
    const text = String(value)
    if (significantDigits(text) > MAX_SIGNIFICANT_DIGITS) {
      return { error: `has more than ${MAX_SIGNIFICANT_DIGITS} significant digits; send it as a string to keep it exact` }
    }
    return parseDecimal(text)
  }
  if (typeof value === 'string') return parseDecimal(value.trim())
  return { error: 'must be a number' }
}

function parseDecimal(text: string): AmountResult {
  const match = DECIMAL.exec(text)
  if (!match || (match[2] === '' && (match[3] ?? '') === '')) return { error: 'must be a number' }
  const [, sign = '', whole = '', fraction = '', exponent = '0'] = match
  // Shift the decimal point by the exponent, then split at six places for micros.
  const digits = `${whole}${fraction}`
  const point = whole.length + Number(exponent)
  const micros = shifted(digits, point + 6)
  if (micros === undefined) return { error: 'must have at most 6 decimal places' }
  if (micros > MAX_MICROS) return { error: 'is too large' }
  return { micros: sign === '-' ? -micros : micros }
}

/** The integer `0.digits × 10^point`, or undefined when non-zero digits fall after the point. */
function shifted(digits: string, point: number): bigint | undefined {
  if (point <= 0) return /^0*$/.test(digits) ? 0n : undefined
  if (point >= digits.length) {
    // Past 19 integer digits the value is out of range anyway: stop before building a huge bigint.
    if (point - digits.replace(/^0+/, '').length > 40) return /^0*$/.test(digits) ? 0n : MAX_MICROS + 1n
    return BigInt(digits.padEnd(point, '0') || '0')
  }
  if (!/^0*$/.test(digits.slice(point))) return undefined
  return BigInt(digits.slice(0, point))
}

function significantDigits(text: string): number {
  const mantissa = text.replace(/^-/, '').replace(/e.*$/i, '').replace('.', '')
  return mantissa.replace(/^0+/, '').replace(/0+$/, '').length
}

