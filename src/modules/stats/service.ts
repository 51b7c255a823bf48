// Program statistics read from the rollups: totals, growth against the previous period,
// conversions and per-currency amounts. No event table is scanned.
import type { Store } from '../../store/store.js'
import { epochDay } from '../../wire-time.js'
import { sumRollups, type RollupSum } from './store.js'

// Every module that moves a figure adds to the rollups through here, in the caller's transaction.
export { bumpRollups, dailyRollup, type RollupDelta } from './store.js'
// Sales and the ledger move a partner's money counters through here; partners read them.
export { PARTNER_AMOUNT, bumpPartnerAmounts, partnerAmount, partnerAmounts, partnerAmountsAll, partnerAmountsIn, type AmountDelta } from './partner-amounts.js'

/** Growth compares the last GROWTH_WINDOW_DAYS days with the same number of days before them. */
export const GROWTH_WINDOW_DAYS = 30

export interface MetricReading {
  total: bigint
  /** The part of the total that falls in the recent window. */
  recentTotal: bigint
  /** Percent change, recent window vs the one before; 100 when it grew from nothing. */
  growth: number
}

export interface ProgramFigures {
  count(metric: string): MetricReading
  /** Money metric per currency (upper-case), zero amounts left out. */
  amounts(metric: string): Map<string, bigint>
  amountsGrowth(metric: string, currency: string): number
}

export async function readProgramFigures(store: Store, programId: number, now = Date.now()): Promise<ProgramFigures> {
  const today = epochDay(now)
  const recentFrom = today - GROWTH_WINDOW_DAYS + 1
  const sums = await sumRollups(store, programId, recentFrom, recentFrom - GROWTH_WINDOW_DAYS)
  return figuresFrom(sums)
}

export function figuresFrom(sums: RollupSum[]): ProgramFigures {
  const byKey = new Map(sums.map((s) => [`${s.metric}|${s.currency}`, s]))
  const zero: RollupSum = { metric: '', currency: '', total: 0n, recent: 0n, previous: 0n }
  return {
    count(metric) {
      const s = byKey.get(`${metric}|`) ?? zero
      return { total: s.total, recentTotal: s.recent, growth: growthPercent(s.recent, s.previous) }
    },
    amounts(metric) {
      const out = new Map<string, bigint>()
      for (const s of sums) if (s.metric === metric && s.currency !== '' && s.total !== 0n) out.set(s.currency, s.total)
      return out
    },
    amountsGrowth(metric, currency) {
      const s = byKey.get(`${metric}|${currency.toUpperCase()}`) ?? zero
      return growthPercent(s.recent, s.previous)
    },
  }
}

export function growthPercent(recent: bigint, previous: bigint): number {
  if (previous === 0n) return recent > 0n ? 100 : 0
  return Math.round((Number(recent - previous) / Number(previous < 0n ? -previous : previous)) * 100)
}

/** part/whole as a whole percent, 0 when there is no whole. */
export function percentOf(part: bigint, whole: bigint): number {
  if (whole <= 0n) return 0
  return Math.round((Number(part) / Number(whole)) * 100)
}
