// Program rollups: one row per program, metric, currency and day, updated in the transaction of
// the event that changes them, so reading program stats is one indexed range scan whatever the size.
import type { Db } from '../../store/schema.js'
import type { Store } from '../../store/store.js'
import { deferred, isTx } from '../../store/unit-of-work.js'
import { appendRows } from '../../store/writes.js'
import { mergeDeltas } from './deltas.js'

export interface RollupDelta {
  metric: string
  currency?: string
  value: number | bigint
}

/**
 * PostgreSQL only: how many rows one metric's day may be split into. Each transaction writes to the
 * shard of its lane (store/transaction.ts), so up to this many concurrent transactions of a process
 * never wait for each other on a rollup row. Lanes are taken lowest first: light traffic uses few shards.
 */
const SHARDS = 16
/** Where this process's lanes start: several processes' lanes then mostly fall on different shards. */
const FIRST_SHARD = Math.floor(Math.random() * SHARDS)

/** Only PostgreSQL transactions have lanes; SQLite, with its one writer, always uses shard 0. */
function shardOf(tx: Db): number {
  const lane = isTx(tx) ? tx.unit.lane : undefined
  return lane === undefined ? 0 : (FIRST_SHARD + lane) % SHARDS
}

interface Bump {
  programId: number
  day: number
  delta: RollupDelta
}

// Inside a transaction the deltas are written in one statement just before commit, in a fixed row
// order: on PostgreSQL the shared rollup rows are held for the shortest time, always locked in one order.
const rollups = deferred<Bump>('program rollups', (db, bumps) => writeRollups(db, bumps))

/** Adds to a program's rollups for `day`. */
export async function bumpRollups(tx: Db, programId: number, day: number, deltas: RollupDelta[]): Promise<void> {
  await rollups.add(tx, deltas.map((delta) => ({ programId, day, delta })))
}

async function writeRollups(tx: Db, bumps: Bump[]): Promise<void> {
  const rows = bumps.map(({ programId, day, delta }) => ({
    program_id: programId, day, metric: delta.metric, currency: delta.currency?.toUpperCase() ?? '', value: delta.value,
  }))
  const live = mergeDeltas(rows, (r) => `${r.program_id}|${r.metric}|${r.currency}|${r.day}`)
    .sort((a, b) => a.program_id - b.program_id || a.metric.localeCompare(b.metric) || a.currency.localeCompare(b.currency) || a.day - b.day)
  if (live.length === 0) return
  const shard = shardOf(tx)
  await appendRows(tx, 'program_rollups', live.map((r) => ({ ...r, shard })),
    'on conflict (program_id, metric, currency, day, shard) do update set value = program_rollups.value + excluded.value')
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

/** One metric's value per day from `fromDay` on (days without any left out): the rollup rows of a range, summed over shards. */
export async function dailyRollup(db: Db, programId: number, metric: string, currency: string, fromDay: number): Promise<Map<number, bigint>> {
  const rows = await db.selectFrom('program_rollups')
    .select(['day', (eb) => eb.fn.sum<number | bigint | string>('value').as('value')])
    .where('program_id', '=', programId).where('metric', '=', metric).where('currency', '=', currency.toUpperCase())
    .where('day', '>=', fromDay)
    .groupBy('day')
    .execute()
  return new Map(rows.map((r) => [Number(r.day), BigInt(r.value ?? 0)]))
}
