// A payout is a whole number of its currency's minor units: a provider sends 29.99 USD or 30 JPY,
// never 29.997. Commissions stay unrounded (29.997 on 99.99, as Partnero computes them), so a
// balance may hold fractions of a cent: a payout takes the whole units and leaves the rest payable
// on the newest rewards, for the next payout. What a payout file sends is then exactly what the
// ledger records as paid.
import { truncateToMinorUnit } from '../../money/micros.js'
import type { PayableLine } from './store.js'

export function inWholeMinorUnits(lines: PayableLine[], currency: string): PayableLine[] {
  const total = lines.reduce((sum, l) => sum + l.amount, 0n)
  let left = total > 0n ? total - truncateToMinorUnit(total, currency) : 0n
  if (left === 0n) return lines
  const trimmed = lines.map((l) => ({ ...l }))
  // The positive lines add up to more than the total, so the fraction always fits in them.
  for (const line of [...trimmed].reverse()) {
    if (left === 0n) break
    if (line.amount <= 0n) continue
    const taken = line.amount < left ? line.amount : left
    line.amount -= taken
    left -= taken
  }
  return trimmed.filter((l) => l.amount !== 0n)
}
