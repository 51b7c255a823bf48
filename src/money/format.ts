// Formatted money strings as Partnero's program stats show them: "$1,124.90".
import { microsToDecimal, roundToMinorUnit } from './micros.js'

const formatters = new Map<string, Intl.NumberFormat>()

export function formatMoney(micros: bigint, currency: string): string {
  const code = currency.toUpperCase()
  let formatter = formatters.get(code)
  if (!formatter) {
    formatter = new Intl.NumberFormat('en-US', { style: 'currency', currency: code, currencyDisplay: 'narrowSymbol' })
    formatters.set(code, formatter)
  }
  // Intl formats a decimal string exactly; the rounding is ours, done once, beforehand.
  return formatter.format(microsToDecimal(roundToMinorUnit(micros, code)) as unknown as number)
}

/**
 * {USD: 1124900000n} → {usd: "$1,124.90"}: the per-currency maps in program stats. `always` names a
 * currency shown even at zero (a client reads `total_revenue.usd` of a program with no sales yet).
 */
export function formatMoneyMap(amounts: Map<string, bigint>, always?: string): Record<string, string> {
  const out: Record<string, string> = {}
  const all = always === undefined || amounts.has(always) ? amounts : new Map([...amounts, [always, 0n]])
  for (const [currency, micros] of [...all].sort(([a], [b]) => a.localeCompare(b))) {
    out[currency.toLowerCase()] = formatMoney(micros, currency)
  }
  return out
}
