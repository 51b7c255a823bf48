// Every maintained number of a program worked out again from the raw rows (clicks, customers,
// transactions, rewards, ledger entries), next to the maintained counters, for tests that check
// the two agree. Written the slow, obvious way on purpose: it must not share the code it checks.
import type { Db } from '../../src/store/schema.js'

type Figures = Record<string, string>

export interface StatsPair {
  recomputed: { partners: Record<string, Figures>; program: Figures; rewards: Figures }
  maintained: { partners: Record<string, Figures>; program: Figures; rewards: Figures }
}

function add(figures: Figures, name: string, by: bigint): void {
  figures[name] = String(BigInt(figures[name] ?? '0') + by)
}

/** Zero entries dropped, so "never touched" and "back to zero" compare equal. */
function nonZero(figures: Figures): Figures {
  return Object.fromEntries(Object.entries(figures).filter(([, v]) => v !== '0').sort(([a], [b]) => a.localeCompare(b)))
}

const BUCKET_METRIC = { review: 'commissions.pending', payable: 'commissions.not_paid', paid: 'commissions.paid' } as const
const PROGRAM_BUCKET_METRICS = {
  review: ['rewards.in_review', 'commissions.pending'],
  payable: ['rewards.unclaimed', 'commissions.pending'],
  paid: ['rewards.paid', 'commissions.paid'],
} as const

/** Where each payout request status counts in payout_status_breakdown (resubmit_requested: nowhere). */
const PAYOUT_BUCKET: Record<string, string | undefined> = { requested: 'requested', approved: 'approved', finished: 'paid', rejected: 'rejected', resubmitted: 'resubmitted' }

/** The program rollups this recomputes (partner states belong to the partners' tests). */
const CHECKED_ROLLUPS = ['clicks', 'signups', 'customers', 'purchases', 'paid_accounts', 'partners.active', 'partners.with_signups', 'revenue', 'reward',
  'rewards.in_review', 'rewards.unclaimed', 'rewards.paid', 'commissions.pending', 'commissions.paid',
  ...Object.values(PAYOUT_BUCKET).flatMap((b) => [`payouts.${b}.count`, `payouts.${b}.amount`])]

export async function statsPair(db: Db, programId: number): Promise<StatsPair> {
  const [partners, customers, transactions, rewards, ledger, amounts, rollups, payouts, lines, clicks] = await Promise.all([
    db.selectFrom('partners').selectAll().where('program_id', '=', programId).execute(),
    db.selectFrom('customers').selectAll().where('program_id', '=', programId).execute(),
    db.selectFrom('transactions').selectAll().where('program_id', '=', programId).execute(),
    db.selectFrom('rewards').selectAll().where('program_id', '=', programId).execute(),
    db.selectFrom('ledger_entries').selectAll().where('program_id', '=', programId).execute(),
    db.selectFrom('partner_amounts').selectAll().where('program_id', '=', programId).execute(),
    db.selectFrom('program_rollups').selectAll().where('program_id', '=', programId).execute(),
    db.selectFrom('payout_requests').selectAll().where('program_id', '=', programId).execute(),
    db.selectFrom('payout_rewards').selectAll().where('program_id', '=', programId).execute(),
    db.selectFrom('clicks').selectAll().where('program_id', '=', programId).execute(),
  ])
  // What finished payouts paid of each reward.
  const finished = new Set(payouts.filter((p) => p.status === 'finished').map((p) => String(p.id)))
  const paidOf = (rewardId: unknown) => lines.filter((l) => String(l.reward_id) === String(rewardId) && finished.has(String(l.payout_id)))
    .reduce((sum, l) => sum + BigInt(l.amount), 0n)
  const liveCustomers = customers.filter((c) => c.deleted_at === null)
  const liveSales = transactions.filter((t) => t.deleted_at === null && t.archived_at === null)

  const rePartners: Record<string, Figures> = {}
  const mPartners: Record<string, Figures> = {}
  for (const p of partners) {
    const id = String(p.id)
    const mine = liveSales.filter((t) => String(t.partner_id) === id)
    // A deleted partner's row stays, and its counters still follow its rows; a new partner may have
    // its id, so it is named apart.
    const name = p.deleted_at === null ? p.public_id : `${p.public_id} (deleted, row ${id})`
    const r: Figures = (rePartners[name] = {})
    for (const c of clicks.filter((x) => String(x.partner_id) === id)) add(r, 'clicks', BigInt(c.count))
    add(r, 'signups', BigInt(liveCustomers.filter((c) => String(c.partner_id) === id).length))
    add(r, 'referrals_count', BigInt(liveCustomers.filter((c) => String(c.partner_id) === id).length))
    add(r, 'sales_count', BigInt(mine.length))
    add(r, 'paid_accounts', BigInt(new Set(mine.map((t) => String(t.customer_id))).size))
    for (const t of mine) add(r, `revenue|${t.currency}`, BigInt(t.amount) - BigInt(t.refunded))
    for (const e of ledger.filter((l) => String(l.partner_id) === id)) add(r, `${BUCKET_METRIC[e.bucket]}|${e.currency}`, BigInt(e.amount))

    const m: Figures = (mPartners[name] = {})
    for (const name of ['clicks', 'signups', 'referrals_count', 'sales_count', 'paid_accounts'] as const) add(m, name, BigInt(p[name]))
    for (const a of amounts.filter((x) => String(x.partner_id) === id)) add(m, `${a.metric}|${a.currency}`, BigInt(a.value))
  }

  const program: Figures = {}
  for (const c of clicks) add(program, 'clicks', BigInt(c.count))
  add(program, 'signups', BigInt(liveCustomers.filter((c) => c.partner_id !== null).length))
  add(program, 'customers', BigInt(liveCustomers.filter((c) => c.partner_id !== null).length))
  add(program, 'purchases', BigInt(liveSales.length))
  add(program, 'paid_accounts', BigInt(new Set(liveSales.map((t) => String(t.customer_id))).size))
  add(program, 'partners.active', BigInt(partners.filter((p) => liveSales.some((t) => String(t.partner_id) === String(p.id))).length))
  add(program, 'partners.with_signups', BigInt(partners.filter((p) => liveCustomers.some((c) => String(c.partner_id) === String(p.id))).length))
  for (const t of liveSales) add(program, `revenue|${t.currency}`, BigInt(t.amount) - BigInt(t.refunded))
  for (const w of rewards) if (w.status !== 'rejected' && w.archived === 0) add(program, `reward|${w.currency}`, BigInt(w.amount))
  for (const e of ledger) for (const metric of PROGRAM_BUCKET_METRICS[e.bucket]) add(program, `${metric}|${e.currency}`, BigInt(e.amount))
  for (const p of payouts) {
    const bucket = PAYOUT_BUCKET[p.status]
    if (!bucket) continue
    add(program, `payouts.${bucket}.count`, 1n)
    add(program, `payouts.${bucket}.amount|${p.currency}`, BigInt(p.amount))
  }

  const maintained: Figures = {}
  for (const r of rollups.filter((x) => CHECKED_ROLLUPS.includes(x.metric))) {
    add(maintained, r.currency === '' ? r.metric : `${r.metric}|${r.currency}`, BigInt(r.value))
  }

  // Each reward's ledger rows add up to what it is worth now (nothing once archived), in its bucket;
  // what finished payouts paid of it sits in the paid bucket instead of the payable one.
  const reRewards: Figures = {}
  const mRewards: Figures = {}
  for (const w of rewards) {
    const bucket = w.status === 'review_period' ? 'review' : w.status === 'ok' ? 'payable' : 'none'
    if (w.archived === 0 && w.status !== 'rejected') add(reRewards, `${w.id}|${bucket}`, BigInt(w.amount))
    const paid = paidOf(w.id)
    add(reRewards, `${w.id}|payable`, -paid)
    add(reRewards, `${w.id}|paid`, paid)
    for (const e of ledger.filter((l) => String(l.reward_id) === String(w.id))) add(mRewards, `${w.id}|${e.bucket}`, BigInt(e.amount))
  }

  const clean = (all: Record<string, Figures>) => Object.fromEntries(Object.entries(all).map(([k, v]) => [k, nonZero(v)]))
  return {
    recomputed: { partners: clean(rePartners), program: nonZero(program), rewards: nonZero(reRewards) },
    maintained: { partners: clean(mPartners), program: nonZero(maintained), rewards: nonZero(mRewards) },
  }
}
