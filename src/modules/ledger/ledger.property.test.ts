// Property: whatever a partner's history — sales in several currencies, partial refunds, deletes,
// archives and restores, bonuses, reviews released — its commission counters are exactly the sums
// of its ledger rows per bucket, and each reward's rows add up to what the reward is worth now.
//
// The runs call the services directly on a real store: 10,000 runs through HTTP would take minutes,
// and the HTTP path is covered by test/stats-recompute.test.ts and test/exactly-once.test.ts.
// In CI (PARTNERKIT_TEST_FULL=1) PostgreSQL gets 1,000 runs (the same statements, ten times slower
// per write) and SQLite 10,000; a plain `npm test` runs a tenth of that (each run is a history of up
// to 8 steps on one of 16 partners whose histories keep growing across runs).
import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startServer, type TestServer } from '../../../test/support/server.js'
import { scaled } from '../../../test/support/scale.js'
import { statsPair } from '../../../test/support/recompute.js'
import { DomainError } from '../../domain-errors.js'
import { findProgram, type Program } from '../programs/store.js'
import { makePartner } from '../../../test/support/partners.js'
import { grantBonus } from '../partners/bonus.js'
import { releaseDueRewards } from '../rewards/review.js'
import { archiveTransaction, createTransactions, deleteTransaction, refundTransaction } from '../transactions/service.js'

const RUNS = { numRuns: process.env.PARTNERKIT_TEST_STORE === 'postgres' ? scaled(100, 1_000) : scaled(1_000, 10_000), seed: 20261121 }
const DAY = 86_400_000

const PARTNERS = 16
let server: TestServer
let program: Program
const partners: string[] = []
beforeAll(async () => {
  server = await startServer()
  const p = await server.program()
  await server.put('/v1/program', {
    key: p.key,
    body: { program_settings: { commission: { review_days: 2, rounding: true, tiers: [{ metric: 'revenue', from: 500, type: 'percent', value: 45 }] } } },
  })
  program = (await findProgram(server.store.db, p.id)) as Program
  // A pool of partners the runs take turns on: their histories grow across runs, as real ones do.
  for (let i = 0; i < PARTNERS; i++) partners.push((await makePartner(server, p.key, { key: `ref_${i}` })).id)
})
afterAll(() => server.close())

const Step = fc.oneof(
  fc.record({ op: fc.constant('sale' as const), cents: fc.integer({ min: 0, max: 10_000_000 }), currency: fc.constantFrom('USD', 'EUR', 'JPY', 'KWD') }),
  fc.record({ op: fc.constant('refund' as const), sale: fc.nat(), cents: fc.integer({ min: 1, max: 2_000_000 }) }),
  fc.record({ op: fc.constantFrom('delete' as const, 'archive' as const, 'restore' as const), sale: fc.nat() }),
  fc.record({ op: fc.constant('bonus' as const), cents: fc.integer({ min: 1, max: 100_000 }) }),
  fc.record({ op: fc.constant('release' as const), days: fc.integer({ min: 0, max: 4 }) }),
)
type Step = typeof Step extends fc.Arbitrary<infer T> ? T : never

let run = 0
/** Plays the steps for one partner of the pool; answers that partner's id. */
async function play(steps: Step[]): Promise<string> {
  const db = server.store.db
  const n = ++run
  const partner = partners[n % PARTNERS] as string
  const sales: string[] = []
  let clock = Date.now()
  const money = (cents: number) => `${Math.floor(cents / 100)}.${String(cents % 100).padStart(2, '0')}`
  for (const step of steps) {
    clock += 1_000
    const sale = 'sale' in step ? sales[step.sale % Math.max(sales.length, 1)] : undefined
    try {
      if (step.op === 'sale') {
        const key = `r${n}_s${sales.length}`
        await createTransactions(db, program, {
          key, amount: money(step.cents), amount_units: step.currency, customer: { key: `r${n}_c${sales.length % 2}`, partner: { id: partner } },
          options: { create_customer: sales.length < 2 },
        }, clock)
        sales.push(key)
      } else if (step.op === 'bonus') {
        await grantBonus(db, program, partner, { amount: money(step.cents) }, clock)
      } else if (step.op === 'release') {
        await releaseDueRewards(db, clock + step.days * DAY)
      } else if (sale === undefined) {
        continue
      } else if (step.op === 'refund') {
        await refundTransaction(db, program, sale, money(step.cents), clock)
      } else if (step.op === 'delete') {
        await deleteTransaction(db, program, sale, clock)
      } else {
        await archiveTransaction(db, program, sale, step.op === 'archive', clock)
      }
    } catch (err) {
      // Refusals (refund past what is left, a deleted sale, a state out of order) are part of the play.
      if (!(err instanceof DomainError)) throw err
    }
  }
  return partner
}

describe('the ledger and the counters', () => {
  it('agree for every partner after any history', async () => {
    await fc.assert(fc.asyncProperty(fc.array(Step, { minLength: 1, maxLength: 8 }), async (steps) => {
      const partner = await play(steps)
      const db = server.store.db
      const row = await db.selectFrom('partners').select('id').where('program_id', '=', program.id).where('public_id', '=', partner).executeTakeFirstOrThrow()
      const counters = await db.selectFrom('partner_amounts').select(['metric', 'currency', 'value'])
        .where('program_id', '=', program.id).where('partner_id', '=', row.id).where('metric', 'like', 'commissions.%').execute()
      const sums = await db.selectFrom('ledger_entries').select(['bucket', 'currency', 'amount'])
        .where('program_id', '=', program.id).where('partner_id', '=', row.id).execute()
      const bucketOf = { review: 'commissions.pending', payable: 'commissions.not_paid', paid: 'commissions.paid' } as const
      const fromLedger = new Map<string, bigint>()
      for (const e of sums) fromLedger.set(`${bucketOf[e.bucket]}|${e.currency}`, (fromLedger.get(`${bucketOf[e.bucket]}|${e.currency}`) ?? 0n) + BigInt(e.amount))
      const fromCounters = new Map(counters.map((c) => [`${c.metric}|${c.currency}`, BigInt(c.value)]))
      for (const key of new Set([...fromLedger.keys(), ...fromCounters.keys()])) {
        expect(fromCounters.get(key) ?? 0n, key).toBe(fromLedger.get(key) ?? 0n)
        expect(fromCounters.get(key) ?? 0n, `${key} is never negative before payouts`).toBeGreaterThanOrEqual(0n)
      }
    }), RUNS)
    // And the whole program, worked out again from the raw rows, matches every maintained number.
    const { recomputed, maintained } = await statsPair(server.store.db, program.id)
    expect(maintained).toEqual(recomputed)
  }, 900_000)
})
