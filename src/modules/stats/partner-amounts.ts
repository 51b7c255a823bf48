// A partner's money counters (partner_amounts): its revenue and what it is owed, in review, payable
// and paid, per currency. Moved by the ledger and by sales in the caller's transaction, deferred
// like the program rollups and written in one statement before commit. A read of the table inside
// a transaction goes through partnerAmounts.read, so it sees what the transaction has moved.
import type { Db } from '../../store/schema.js'
import { readRow, readRows } from '../../store/prepared.js'
import { deferred } from '../../store/unit-of-work.js'
import { appendRows } from '../../store/writes.js'
import { mergeDeltas } from './deltas.js'

/** The metrics kept per partner. */
export const PARTNER_AMOUNT = {
  revenue: 'revenue',
  paid: 'commissions.paid',
  pending: 'commissions.pending',
  notPaid: 'commissions.not_paid',
} as const

export interface AmountDelta {
  metric: string
  currency: string
  value: bigint
}

interface AmountBump extends AmountDelta {
  programId: number
  partnerId: number
}

export const partnerAmounts = deferred<AmountBump>('partner amounts', async (db, bumps) => {
  const live = mergeDeltas(bumps, (b) => `${b.programId}|${b.partnerId}|${b.metric}|${b.currency}`)
    .sort((a, b) => a.programId - b.programId || a.partnerId - b.partnerId || a.metric.localeCompare(b.metric) || a.currency.localeCompare(b.currency))
  if (live.length === 0) return
  await appendRows(db, 'partner_amounts',
    live.map((b) => ({ program_id: b.programId, partner_id: b.partnerId, metric: b.metric, currency: b.currency, value: b.value })),
    'on conflict (program_id, partner_id, metric, currency) do update set value = partner_amounts.value + excluded.value')
})

/** Adds to a partner's money counters, creating rows on first use. */
export async function bumpPartnerAmounts(db: Db, programId: number, partnerId: number, deltas: AmountDelta[]): Promise<void> {
  await partnerAmounts.add(db, deltas.map((d) => ({ ...d, programId, partnerId })))
}

/** One money counter of a partner (0 when it never moved). */
export async function partnerAmount(db: Db, programId: number, partnerId: number, metric: string, currency: string): Promise<bigint> {
  const row = await partnerAmounts.read(db, (db) => readRow<{ value: number | bigint }>(db, 'partner_amount', `
    select value from partner_amounts where program_id = ? and partner_id = ? and metric = ? and currency = ?`, [programId, partnerId, metric, currency]))
  return BigInt(row?.value ?? 0)
}

/** Every money counter of a partner in one currency, by metric (missing ones are 0). */
export async function partnerAmountsIn(db: Db, programId: number, partnerId: number, currency: string): Promise<Map<string, bigint>> {
  const rows = await readRows<{ metric: string; value: number | bigint }>(db, 'partner_amounts_in',
    'select metric, value from partner_amounts where program_id = ? and partner_id = ? and currency = ?', [programId, partnerId, currency])
  return new Map(rows.map((r) => [r.metric, BigInt(r.value)]))
}

/** Every money counter of a partner, by metric then currency (what it moved in the caller's transaction included). */
export async function partnerAmountsAll(db: Db, programId: number, partnerId: number): Promise<Map<string, Map<string, bigint>>> {
  const rows = await partnerAmounts.read(db, (db) => readRows<{ metric: string; currency: string; value: number | bigint }>(db, 'partner_amounts_all',
    'select metric, currency, value from partner_amounts where program_id = ? and partner_id = ? order by currency', [programId, partnerId]))
  const byMetric = new Map<string, Map<string, bigint>>()
  for (const r of rows) {
    const metric = byMetric.get(r.metric) ?? new Map<string, bigint>()
    metric.set(r.currency, BigInt(r.value))
    byMetric.set(r.metric, metric)
  }
  return byMetric
}
