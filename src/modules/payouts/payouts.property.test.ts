// Property: whatever happens — sales in two currencies, releases from review, refunds and deletes
// before and after payouts, payout requests (whole balance or chosen rewards), approvals, payments,
// rejections, resubmissions — after every step:
//  * what each partner was paid (the ledger's paid bucket) is exactly what its finished payouts say,
//    and equals what it earned and kept (its rewards' current worth) minus what is still owed;
//  * no reward is paid twice: each finished payout pays each of its rewards once, and a reward's
//    payments never exceed what it was ever worth;
//  * every maintained number (partner commissions, program rollups incl. payout_status_breakdown)
//    equals the same number worked out again from the raw rows.
// The runs call the services directly on a real store (as the ledger property does); each run gets
// a fresh program so the recomputation stays small.
import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startServer, type TestServer } from '../../../test/support/server.js'
import { scaled } from '../../../test/support/scale.js'
import { statsPair } from '../../../test/support/recompute.js'
import { DomainError } from '../../domain-errors.js'
import { createPartner } from '../partners/service.js'
import { createProgram } from '../api-keys/service.js'
import { updateProgram } from '../programs/service.js'
import { findProgram, type Program } from '../programs/store.js'
import { releaseDueRewards } from '../rewards/review.js'
import { createTransactions, deleteTransaction, refundTransaction } from '../transactions/service.js'
import { actOnPayout, requestPayout } from './service.js'
import type { PayoutAction } from './status.js'

// CI (PARTNERKIT_TEST_FULL=1) runs 80 histories on SQLite and 25 on PostgreSQL; a plain `npm test` half that.
const RUNS = { numRuns: process.env.PARTNERKIT_TEST_STORE === 'postgres' ? scaled(12, 25) : scaled(40, 80), seed: 20261122 }
const DAY = 86_400_000
const PAYPAL = { gateway: 'paypal' as const, payout_settings: { username: 'prop@example.com' } }

let server: TestServer
beforeAll(async () => {
  server = await startServer()
})
afterAll(() => server.close())

// Weighted so that runs reach payouts often: sales and actions are common, deletes (which end a sale) rare.
const Step = fc.oneof(
  { weight: 4, arbitrary: fc.record({ op: fc.constant('sale' as const), partner: fc.nat(1), cents: fc.integer({ min: 1, max: 500_000 }), currency: fc.constantFrom('USD', 'EUR') }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('refund' as const), sale: fc.nat(), cents: fc.integer({ min: 1, max: 300_000 }) }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('delete' as const), sale: fc.nat() }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('release' as const), days: fc.integer({ min: 0, max: 2 }) }) },
  { weight: 3, arbitrary: fc.record({ op: fc.constant('request' as const), sale: fc.nat(), pick: fc.option(fc.nat(), { nil: undefined }) }) },
  {
    weight: 5,
    arbitrary: fc.record({
      op: fc.constant('act' as const), payout: fc.nat(),
      action: fc.constantFrom<PayoutAction>('approve', 'approve', 'approve', 'mark_as_paid', 'mark_as_paid', 'mark_as_paid', 'reject', 'request_resubmit', 'resubmit'),
    }),
  },
)
type Step = typeof Step extends fc.Arbitrary<infer T> ? T : never

let run = 0

async function play(steps: Step[], check: (program: Program) => Promise<void>) {
  const db = server.store.db
  const n = ++run
  const made = await createProgram(db, { name: `prop ${n}`, type: 'affiliate' })
  // Every other program has a review period, so requests meet rewards still in review too.
  await updateProgram(db, made.program.id, { program_settings: { commission: { review_days: n % 2 } } })
  const program = (await findProgram(db, made.program.id)) as Program
  const partners: string[] = []
  for (const i of [0, 1]) partners.push((await createPartner(db, program, { email: `p${i}@run${n}.example.com`, id: `p${i}`, key: `k${i}`, password: 'Passw0rdPassw0rd' }, 'http://x')).id)
  // Each sale made so far, with whom it pays and in what currency (a request names a partner who sold).
  const sales: Array<{ key: string; partner: string; currency: string }> = []
  let payouts = 0
  let clock = Date.now()
  const money = (cents: number) => `${Math.floor(cents / 100)}.${String(cents % 100).padStart(2, '0')}`
  for (const step of steps) {
    clock += 1_000
    try {
      if (step.op === 'sale') {
        const sale = { key: `s${sales.length}`, partner: partners[step.partner] as string, currency: step.currency }
        await createTransactions(db, program, {
          key: sale.key, amount: money(step.cents), amount_units: sale.currency, customer: { key: `c${sales.length}`, partner: { id: sale.partner } },
          options: { create_customer: true },
        }, clock)
        sales.push(sale)
      } else if (step.op === 'release') {
        clock += step.days * DAY
        await releaseDueRewards(db, clock)
      } else if (step.op === 'act') {
        if (payouts === 0) continue
        // Mostly the newest request, so that one often goes all the way.
        const number = payouts - (step.payout % Math.min(payouts, 2))
        await actOnPayout(db, program, number, step.action, { reason: 'because', resubmit: {} }, clock)
      } else {
        const sale = sales[step.sale % Math.max(sales.length, 1)]
        if (sale === undefined) continue
        if (step.op === 'refund') await refundTransaction(db, program, sale.key, money(step.cents), clock)
        else if (step.op === 'delete') await deleteTransaction(db, program, sale.key, clock)
        else {
          const rewardIds = step.pick === undefined ? undefined : await somePayable(program, sale.partner, step.pick)
          await requestPayout(db, program, { partner: { id: sale.partner }, amount_units: sale.currency, ...PAYPAL, ...(rewardIds ? { reward_ids: rewardIds } : {}) }, clock)
          payouts++
        }
      }
    } catch (err) {
      // Refusals (nothing payable, an open request, a status out of order, a refund past the sale) are part of the play.
      if (!(err instanceof DomainError)) throw err
    }
    await check(program)
  }
}

/** One of the partner's rewards with a positive payable balance, if any. */
async function somePayable(program: Program, partnerId: string, pick: number): Promise<number[] | undefined> {
  const rows = await server.store.db.selectFrom('ledger_entries as l').innerJoin('partners as p', 'p.id', 'l.partner_id')
    .select('l.reward_id').where('l.program_id', '=', program.id).where('p.public_id', '=', partnerId).where('l.bucket', '=', 'payable')
    .groupBy('l.reward_id').having((eb) => eb.fn.sum('l.amount'), '>', 0).orderBy('l.reward_id').execute()
  const row = rows[pick % Math.max(rows.length, 1)]
  return row ? [Number(row.reward_id)] : undefined
}

async function checkEverything(program: Program) {
  const db = server.store.db
  const [ledger, payouts, lines, rewards] = await Promise.all([
    db.selectFrom('ledger_entries').selectAll().where('program_id', '=', program.id).execute(),
    db.selectFrom('payout_requests').selectAll().where('program_id', '=', program.id).execute(),
    db.selectFrom('payout_rewards').selectAll().where('program_id', '=', program.id).execute(),
    db.selectFrom('rewards').selectAll().where('program_id', '=', program.id).execute(),
  ])
  const sum = (values: Array<number | bigint>) => values.reduce<bigint>((a, v) => a + BigInt(v), 0n)
  const finished = payouts.filter((p) => p.status === 'finished')

  // Paid per partner and currency = the finished payouts' amounts; each payout's amount = its lines.
  const keys = new Set([...ledger.map((e) => `${e.partner_id}|${e.currency}`), ...payouts.map((p) => `${p.partner_id}|${p.currency}`)])
  for (const key of keys) {
    const paidInLedger = sum(ledger.filter((e) => `${e.partner_id}|${e.currency}` === key && e.bucket === 'paid').map((e) => e.amount))
    const paidByPayouts = sum(finished.filter((p) => `${p.partner_id}|${p.currency}` === key).map((p) => p.amount))
    expect(paidInLedger, key).toBe(paidByPayouts)
  }
  for (const p of payouts) expect(sum(lines.filter((l) => String(l.payout_id) === String(p.id)).map((l) => l.amount))).toBe(BigInt(p.amount))

  // Nothing paid twice: one paid row per (payout, reward), and never more than a reward was worth at its most.
  const paidRows = ledger.filter((e) => e.bucket === 'paid')
  expect(new Set(paidRows.map((e) => `${e.payout_id}|${e.reward_id}`)).size).toBe(paidRows.length)
  for (const r of rewards) {
    const everEarned = sum(ledger.filter((e) => String(e.reward_id) === String(r.id) && e.amount > 0 && e.kind !== 'payout' && e.kind !== 'release').map((e) => e.amount))
    const paid = sum(paidRows.filter((e) => String(e.reward_id) === String(r.id)).map((e) => e.amount))
    expect(paid <= everEarned, `reward ${r.id}: paid ${paid} of at most ${everEarned}`).toBe(true)
  }
  // At most one open request per partner and currency.
  const open = payouts.filter((p) => ['requested', 'approved', 'resubmit_requested', 'resubmitted'].includes(p.status))
  expect(new Set(open.map((p) => `${p.partner_id}|${p.currency}`)).size).toBe(open.length)

  const { recomputed, maintained } = await statsPair(db, program.id)
  expect(maintained).toEqual(recomputed)
}

describe('payouts and the ledger', () => {
  it('pay exactly what was earned and kept, never twice, and every number agrees after each step', async () => {
    // One history written out, besides the random ones: paid, refunded after payout, netted, paid again.
    const clawback: Step[] = [
      { op: 'sale', partner: 0, cents: 10_000, currency: 'USD' }, { op: 'release', days: 2 }, { op: 'request', sale: 0, pick: undefined },
      { op: 'act', payout: 0, action: 'approve' }, { op: 'act', payout: 0, action: 'mark_as_paid' }, { op: 'refund', sale: 0, cents: 4_000 },
      { op: 'sale', partner: 0, cents: 20_000, currency: 'USD' }, { op: 'release', days: 2 }, { op: 'request', sale: 1, pick: undefined },
      { op: 'act', payout: 0, action: 'approve' }, { op: 'act', payout: 0, action: 'mark_as_paid' },
    ]
    await fc.assert(fc.asyncProperty(fc.array(Step, { minLength: 16, maxLength: 32 }), (steps) => play(steps, checkEverything)), { ...RUNS, examples: [[clawback]] })
    // The runs did reach what the property is about: payments, rejections and netted clawbacks.
    const db = server.store.db
    const count = async (status: 'finished' | 'rejected') => (await db.selectFrom('payout_requests').select('id').where('status', '=', status).execute()).length
    const reached = { finished: await count('finished'), rejected: await count('rejected'), clawbacks: (await db.selectFrom('payout_rewards').select('reward_id').where('amount', '<', 0).execute()).length }
    expect(reached, JSON.stringify(reached)).toEqual({ finished: expect.any(Number), rejected: expect.any(Number), clawbacks: expect.any(Number) })
    for (const [what, n] of Object.entries(reached)) expect(n, `${what}: ${JSON.stringify(reached)}`).toBeGreaterThan(0)
  }, 900_000)
})
