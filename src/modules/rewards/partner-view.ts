// A partner's own rewards as its portal shows them: newest first, each with its sale (what was
// sold, for how much, what was refunded), and the partner's commission per day for its chart.
// Both read through the (program, partner, id) index: a page costs the partner's rows, not the program's.
import type { Db, RewardKind, RewardStatus } from '../../store/schema.js'
import { readJson } from '../../store/json.js'
import { readRows } from '../../store/prepared.js'
import type { AppliedRule } from '../commissions/engine.js'

export interface PartnerReward {
  id: number
  kind: RewardKind
  level: number
  status: RewardStatus
  amount: bigint
  currency: string
  rule: AppliedRule
  reviewUntil: number | null
  description: string | null
  createdAt: number
  sale: { key: string | null; amount: bigint; refunded: bigint; currency: string } | null
  customerKey: string | null
}

interface Row {
  id: number | bigint; kind: RewardKind; level: number | bigint; status: RewardStatus; amount: number | bigint; currency: string; rule: unknown
  review_until: number | bigint | null; description: string | null; created_at: number | bigint
  sale_key: string | null; sale_amount: number | bigint | null; sale_refunded: number | bigint | null; sale_currency: string | null
  customer_key: string | null
}

/** The partner's rewards, newest first, `limit` from before reward `before` (a page). Archived rewards are the merchant's to see. */
export async function partnerRewards(db: Db, programId: number, partnerId: number, page: { limit: number; before?: number }): Promise<PartnerReward[]> {
  // The limit is written into the text (a whole number the code chose): bound as a parameter,
  // SQLite's plan for this query took five times as long.
  const limit = Math.max(1, Math.min(1000, Math.trunc(page.limit)))
  const rows = await readRows<Row>(db, `partner_rewards_${limit}`, `
    select r.id, r.kind, r.level, r.status, r.amount, r.currency, r.rule, r.review_until, r.description, r.created_at,
      coalesce(t."key", t.deleted_key) as sale_key, t.amount as sale_amount, t.refunded as sale_refunded, t.currency as sale_currency,
      coalesce(c."key", c.deleted_key) as customer_key
    from rewards r left join transactions t on t.id = r.transaction_id left join customers c on c.id = r.customer_id
    where r.program_id = ? and r.partner_id = ? and r.archived = 0 and r.id < ?
    order by r.id desc limit ${limit}`, [programId, partnerId, page.before ?? Number.MAX_SAFE_INTEGER])
  return rows.map((r) => ({
    id: Number(r.id), kind: r.kind, level: Number(r.level), status: r.status, amount: BigInt(r.amount), currency: r.currency,
    rule: readJson<AppliedRule>(r.rule), reviewUntil: r.review_until === null ? null : Number(r.review_until), description: r.description,
    createdAt: Number(r.created_at), customerKey: r.customer_key,
    sale: r.sale_amount === null ? null : { key: r.sale_key, amount: BigInt(r.sale_amount), refunded: BigInt(r.sale_refunded ?? 0), currency: r.sale_currency ?? r.currency },
  }))
}

/** Commission (not rejected) per UTC day since `since`, in `currency`: {day number → micros}. */
export async function partnerDailyCommission(db: Db, programId: number, partnerId: number, currency: string, since: number): Promise<Map<number, bigint>> {
  // Summed per day by the store: at most one row per day leaves it.
  const rows = await readRows<{ day: number | bigint; amount: number | bigint | string }>(db, 'partner_daily_commission', `
    select created_at / 86400000 as day, sum(amount) as amount from rewards
    where program_id = ? and partner_id = ? and created_at >= ? and currency = ? and status <> 'rejected' and archived = 0
    group by created_at / 86400000`, [programId, partnerId, since, currency])
  return new Map(rows.map((r) => [Number(r.day), BigInt(r.amount)]))
}
