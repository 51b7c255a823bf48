// The commission ledger (architecture §5). Every change to what a partner is owed is a posting: a
// signed amount into one of three buckets. A partner's `commissions.pending` is the sum of its
// review bucket, `not_paid` of its payable bucket, `paid` of its paid bucket; the program's
// rewards breakdown is the same sums over all partners. post() writes the rows and moves those
// counters in the caller's transaction, so the counters are always the ledger's sums.
import type { Db, LedgerBucket, LedgerKind } from '../../store/schema.js'
import { epochDay } from '../../wire-time.js'
import { METRIC } from '../stats/metrics.js'
import { PARTNER_AMOUNT, bumpPartnerAmounts, bumpRollups, type RollupDelta } from '../stats/service.js'
import { appendEntries } from './store.js'

export interface Posting {
  partnerId: number
  rewardId: number | null
  kind: LedgerKind
  bucket: LedgerBucket
  /** signed micros */
  amount: bigint
  currency: string
  /** The payout request (row id) a payout or a payout's rejection moves money for. */
  payoutId?: number
}

const PARTNER_METRIC: Record<LedgerBucket, string> = {
  review: PARTNER_AMOUNT.pending,
  payable: PARTNER_AMOUNT.notPaid,
  paid: PARTNER_AMOUNT.paid,
}

// Program-wide: in review + payable is what the program still owes (`total_pending`).
const PROGRAM_METRICS: Record<LedgerBucket, string[]> = {
  review: [METRIC.rewardsInReview, METRIC.pending],
  payable: [METRIC.rewardsUnclaimed, METRIC.pending],
  paid: [METRIC.rewardsPaid, METRIC.paid],
}

export async function post(tx: Db, programId: number, postings: Posting[], now: number): Promise<void> {
  const live = postings.filter((p) => p.amount !== 0n)
  if (live.length === 0) return
  await appendEntries(tx, live.map((p) => ({
    program_id: programId, partner_id: p.partnerId, reward_id: p.rewardId, payout_id: p.payoutId ?? null,
    kind: p.kind, bucket: p.bucket, amount: p.amount, currency: p.currency, created_at: now,
  })))
  for (const partnerId of new Set(live.map((p) => p.partnerId))) {
    const mine = live.filter((p) => p.partnerId === partnerId)
    await bumpPartnerAmounts(tx, programId, partnerId, mine.map((p) => ({ metric: PARTNER_METRIC[p.bucket], currency: p.currency, value: p.amount })))
  }
  const rollups: RollupDelta[] = live.flatMap((p) => PROGRAM_METRICS[p.bucket].map((metric) => ({ metric, currency: p.currency, value: p.amount })))
  await bumpRollups(tx, programId, epochDay(now), rollups)
}

/** Moving a reward's worth from one bucket to another (release from review): two postings. */
export function move(partnerId: number, rewardId: number, kind: LedgerKind, from: LedgerBucket, to: LedgerBucket, amount: bigint, currency: string): Posting[] {
  return [
    { partnerId, rewardId, kind, bucket: from, amount: -amount, currency },
    { partnerId, rewardId, kind, bucket: to, amount, currency },
  ]
}
