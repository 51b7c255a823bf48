// The program's stats recomputed from its rows (transactions, customers, rewards, ledger), in the
// shape GET /v1/program answers them, and the partners and customers whose maintained counters
// disagree with their rows. The API reads only the counters; this says whether they are true,
// after a generator filled the store or after a write benchmark.
import path from 'node:path'
import { root } from './lib.js'

const dist = (p) => import(path.join(root, 'dist', p))
// A sale that still counts: neither deleted nor archived.
const live = (t) => `${t}.deleted_at is null and ${t}.archived_at is null`
const LIVE = live('transactions')

/** Counts and per-currency sums as bigints, whatever the driver hands back (number, bigint, text). */
const big = (v) => BigInt(String(v ?? 0))

export async function recount(raw, programId, currency) {
  const { formatMoneyMap } = await dist('money/format.js')
  const one = async (text, params = []) => big(Object.values((await raw.all(text, [programId, ...params]))[0])[0])
  const perCurrency = async (text, params = []) => {
    const out = new Map()
    for (const r of await raw.all(text, [programId, ...params])) if (big(r.v) !== 0n) out.set(r.currency, big(r.v))
    return out
  }
  const money = (map) => formatMoneyMap(map)
  // The maps that always show the program currency, as the API does ("$0.00" when empty).
  const shown = (map) => formatMoneyMap(map, currency)
  const bucket = (name) => perCurrency('select currency, sum(amount) as v from ledger_entries where program_id = ? and bucket = ? group by currency', [name])
  const [payable, review, paid] = [await bucket('payable'), await bucket('review'), await bucket('paid')]
  const pending = new Map(payable)
  for (const [c, v] of review) pending.set(c, (pending.get(c) ?? 0n) + v)
  // A deleted partner's row stays (its sales are still counted, and reversible); the partner counts skip it.
  const partnersWith = (status) => one('select count(*) from partners where program_id = ? and deleted_at is null and status = ?', [status])

  const stats = {
    total_partners: String(await one('select count(*) from partners where program_id = ? and deleted_at is null')),
    total_purchases: String(await one(`select count(*) from transactions where program_id = ? and ${LIVE}`)),
    total_signups: String(await one('select count(*) from customers where program_id = ? and deleted_at is null and partner_id is not null')),
    total_paid_accounts: String(await one(`select count(distinct customer_id) from transactions where program_id = ? and ${LIVE}`)),
    total_reward: shown(await perCurrency(`select currency, sum(amount) as v from rewards where program_id = ? and archived = 0 and status <> 'rejected' group by currency`)),
    total_revenue: shown(await perCurrency(`select currency, sum(amount - refunded) as v from transactions where program_id = ? and ${LIVE} group by currency`)),
    // No click rows exist yet: the partners' click counters are the nearest thing to count.
    affiliate_referred_visitors_clicks: String(await one('select coalesce(sum(clicks), 0) from partners where program_id = ?')),
    total_paid: Object.values(money(paid)),
    total_pending: Object.values(money(pending)),
    rewards_breakdown: { unclaimed: shown(payable), in_review: shown(review), paid: shown(paid) },
    partner_activity: {
      partners_with_signups: String(await one('select count(distinct partner_id) from customers where program_id = ? and deleted_at is null')),
      active_partners: String(await one(`select count(distinct partner_id) from transactions where program_id = ? and ${LIVE}`)),
      approved: String(await one('select count(*) from partners where program_id = ? and deleted_at is null and approved = 1')),
      waiting_for_approval: String(await partnersWith('pending')),
      rejected: String(await partnersWith('rejected')),
    },
  }
  return { stats, partnersOff: Number(await one(PARTNERS_OFF, [currency, currency, currency, currency])), customersOff: Number(await one(CUSTOMERS_OFF)) }
}

const amountOf = (metric) => `coalesce((select a.value from partner_amounts a
  where a.program_id = p.program_id and a.partner_id = p.id and a.metric = '${metric}' and a.currency = ?), 0)`

/** Partners whose sales, referrals, revenue or unpaid commission counter is not what their rows add up to. */
const PARTNERS_OFF = `select count(*) from partners p where p.program_id = ? and (
  p.sales_count <> (select count(*) from transactions t where t.program_id = p.program_id and t.partner_id = p.id and ${live('t')})
  or p.referrals_count <> (select count(*) from customers c where c.program_id = p.program_id and c.partner_id = p.id and c.deleted_at is null)
  or ${amountOf('revenue')} <> coalesce((select sum(t.amount - t.refunded) from transactions t where t.program_id = p.program_id
    and t.partner_id = p.id and ${live('t')} and t.currency = ?), 0)
  or ${amountOf('commissions.not_paid')} <> coalesce((select sum(e.amount) from ledger_entries e where e.program_id = p.program_id
    and e.partner_id = p.id and e.bucket = 'payable' and e.currency = ?), 0))`

/** Customers whose live-sales counter (what makes them a paid account) is not their live sales. */
const CUSTOMERS_OFF = `select count(*) from customers c where c.program_id = ? and c.live_sales <>
  (select count(*) from transactions t where t.program_id = c.program_id and t.customer_id = c.id and ${live('t')})`

/** The fields where the API's stats block differs from the rows: [] when they all agree. */
export function statsMismatches(api, fromRows) {
  return Object.keys(fromRows)
    .filter((field) => JSON.stringify(api[field]) !== JSON.stringify(fromRows[field]))
    .map((field) => `${field}: API ${JSON.stringify(api[field])}, rows ${JSON.stringify(fromRows[field])}`)
}
