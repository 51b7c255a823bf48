// Currencies come from the ICU data Node ships: the ISO 4217 list, minor units and symbols.
const KNOWN = new Set(Intl.supportedValuesOf('currency'))

export function isCurrency(code: string): boolean {
  return KNOWN.has(code.toUpperCase())
}

const minorUnitsCache = new Map<string, number>()

/** Digits after the decimal point in everyday use: USD 2, JPY 0, KWD 3. */
export function minorUnits(currency: string): number {
  const code = currency.toUpperCase()
  let digits = minorUnitsCache.get(code)
  if (digits === undefined) {
    digits = new Intl.NumberFormat('en-US', { style: 'currency', currency: code }).resolvedOptions().maximumFractionDigits ?? 2
    minorUnitsCache.set(code, digits)
  }
  return digits
}
