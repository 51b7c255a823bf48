// Program rollups: one row per program, metric, currency and day, updated in the transaction of
// the event that changes them, so reading program stats is one indexed range scan whatever the size.
import { sql } from 'kysely'
import type { Db } from '../../store/schema.js'
import type { Store } from '../../store/store.js'
import { mergeDeltas } from './deltas.js'

export interface RollupDelta {
  metric: string
  currency?: string
  value: number | bigint
}

export async function bumpRollups(tx: Db, programId: number, day: number, deltas: RollupDelta[]): Promise<void> {
  const live = mergeDeltas(deltas, (d) => `${d.metric}|${d.currency?.toUpperCase() ?? ''}`)
  if (live.length === 0) return
  await tx.insertInto('program_rollups')
    .values(live.map((d) => ({
      program_id: programId,
      day,
      metric: d.metric,
      currency: d.currency?.toUpperCase() ?? '',
      value: d.value,
    })))
    .onConflict((oc) => oc.columns(['program_id', 'metric', 'currency', 'day'])
      .doUpdateSet({ value: sql`program_rollups.value + excluded.value` }))
    .execute()
}

export interface RollupSum {
  metric: string
  currency: string
  total: bigint
  /** Sum over [recentFrom, today]. */
  recent: bigint
  /** Sum over [previousFrom, recentFrom). */
  previous: bigint
}

const SUM_ROLLUPS = `
  select metric, currency, sum(value) as total,
    sum(case when day >= ? then value else 0 end) as recent,
    sum(case when day >= ? and day < ? then value else 0 end) as previous
  from program_rollups where program_id = ?
  group by metric, currency`

/** Every metric of a program, all-time and over the two comparison windows: one prepared, indexed read. */
export async function sumRollups(store: Store, programId: number, recentFrom: number, previousFrom: number): Promise<RollupSum[]> {
  type Row = { metric: string; currency: string; total: number | bigint | null; recent: number | bigint | null; previous: number | bigint | null }
  const rows = await store.all<Row>('sum_rollups', SUM_ROLLUPS, [recentFrom, previousFrom, recentFrom, programId])
  return rows.map((r) => ({
    metric: r.metric,
    currency: r.currency,
    total: BigInt(r.total ?? 0),
    recent: BigInt(r.recent ?? 0),
    previous: BigInt(r.previous ?? 0),
  }))
}
