// Property (issue 22): whatever happens in a refer-a-friend program — friends referred and deleted,
// sales in their first and later occurrences, partial refunds, deletes, balances consumed — after
// every step:
//  * each sale's rewards are the ones the program's rules give (who, how much), read from a model
//    written here the obvious way: the referrer's n-th live friend, the friend's first live sale;
//  * each reward is worth exactly its rule on what is left of its sale, however many refunds it took;
//  * each customer's balance is what its rewards are worth now less what was credited, to the micro;
//  * every earner's maintained counters equal the same numbers worked out again from the raw rows.
import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startServer, type TestServer } from '../../../test/support/server.js'
import { scaled } from '../../../test/support/scale.js'
import { statsPair } from '../../../test/support/recompute.js'
import { DomainError } from '../../domain-errors.js'
import { createProgram } from '../api-keys/service.js'
import { commissionOn, type AppliedRule } from '../commissions/engine.js'
import { updateProgram } from '../programs/service.js'
import { findProgram, type Program } from '../programs/store.js'
import { removeSalesOf } from '../transactions/sales.js'
import { createReferralTransactions } from '../transactions/referral-sales.js'
import { deleteTransaction, refundTransaction } from '../transactions/service.js'
import { creditBalance, customerBalance } from './balance.js'
import { createReferralCustomer, deleteReferralCustomer } from './referral-service.js'

const RUNS = { numRuns: process.env.PARTNERKIT_TEST_STORE === 'postgres' ? scaled(8, 20) : scaled(25, 60), seed: 20261203 }
const RULES = [
  { side: 'referrer', trigger: 'sale', type: 'percent', value: 10, recurrence: 'lifetime', to_occurrence: 2 },
  { side: 'referrer', trigger: 'sale', type: 'static', value: 5, from_occurrence: 3 },
  { side: 'friend', trigger: 'sale', type: 'static', value: '2.5' },
  { side: 'referrer', trigger: 'signup', type: 'static', value: 1, unit: 'points' },
]
const REFERRERS = ['r0', 'r1']

const Step = fc.oneof(
  { weight: 3, arbitrary: fc.record({ op: fc.constant('friend' as const), referrer: fc.nat(1) }) },
  { weight: 5, arbitrary: fc.record({ op: fc.constant('sale' as const), friend: fc.nat(), cents: fc.integer({ min: 1, max: 99_999 }) }) },
  { weight: 3, arbitrary: fc.record({ op: fc.constant('refund' as const), sale: fc.nat(), cents: fc.integer({ min: 1, max: 60_000 }) }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('delete' as const), sale: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('unfriend' as const), friend: fc.nat() }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('credit' as const), referrer: fc.nat(1), cents: fc.integer({ min: 1, max: 3_000 }) }) },
)
type Step = typeof Step extends fc.Arbitrary<infer T> ? T : never

interface Friend { id: string; referrer: string; live: boolean; liveSales: number }
interface Sale { key: string; friend: Friend; live: boolean }

let server: TestServer
beforeAll(async () => {
  server = await startServer()
})
afterAll(() => server.close())

const micros = (cents: number) => BigInt(cents) * 10_000n
let run = 0

/** The rewards the rules give a friend's sale, as [side, micros], from the model. */
function expectedRewards(friends: Friend[], friend: Friend, amount: bigint): Array<[string, bigint]> {
  const n = friends.filter((f) => f.referrer === friend.referrer && f.live).indexOf(friend) + 1
  const first = friend.liveSales === 0
  const out: Array<[string, bigint]> = []
  // 10% of whole cents is exact at micros: no rounding to model.
  if (n <= 2) out.push(['referrer', amount / 10n])
  if (n >= 3 && first) out.push(['referrer', 5_000_000n])
  if (first) out.push(['friend', 2_500_000n])
  return out.filter(([, v]) => v > 0n)
}

async function play(steps: Step[]) {
  const db = server.store.db
  const made = await createProgram(db, { name: `raf prop ${++run}`, type: 'referral' })
  await updateProgram(db, made.program.id, { program_settings: { referral_rewards: RULES } })
  const program = await findProgram(db, made.program.id) as Program
  const friends: Friend[] = []
  const sales: Sale[] = []
  const credited = new Map<string, bigint>()
  for (const id of REFERRERS) await createReferralCustomer(db, program, { id }, 'https://pk.example')
  for (const step of steps) {
    await apply(program, step, friends, sales, credited)
    await check(program, credited)
  }
}

async function apply(program: Program, step: Step, friends: Friend[], sales: Sale[], credited: Map<string, bigint>) {
  const db = server.store.db
  const live = friends.filter((f) => f.live)
  const liveSales = sales.filter((s) => s.live)
  switch (step.op) {
    case 'friend': {
      const friend: Friend = { id: `f${friends.length}`, referrer: REFERRERS[step.referrer] as string, live: true, liveSales: 0 }
      await createReferralCustomer(db, program, { id: friend.id, referring_customer: { id: friend.referrer } }, 'https://pk.example')
      friends.push(friend)
      return
    }
    case 'sale': {
      const friend = live[step.friend % Math.max(live.length, 1)]
      if (!friend) return
      const key = `s${sales.length}`
      const view = await createReferralTransactions(db, program, { key, amount: step.cents / 100, customer: { id: friend.id } }) as { rewards: Array<{ side: string; amount: number }> }
      const got = view.rewards.map((r) => [r.side, r.amount])
      expect(got, `rewards of ${key}`).toEqual(expectedRewards(friends, friend, micros(step.cents)).map(([side, v]) => [side, Number(v) / 1e6]))
      friend.liveSales++
      sales.push({ key, friend, live: true })
      return
    }
    case 'refund': {
      const sale = liveSales[step.sale % Math.max(liveSales.length, 1)]
      if (sale) await refuse(() => refundTransaction(db, program, sale.key, step.cents / 100))
      return
    }
    case 'delete': {
      const sale = liveSales[step.sale % Math.max(liveSales.length, 1)]
      if (!sale) return
      await deleteTransaction(db, program, sale.key)
      sale.live = false
      sale.friend.liveSales--
      return
    }
    case 'unfriend': {
      const friend = live[step.friend % Math.max(live.length, 1)]
      if (!friend) return
      await deleteReferralCustomer(db, program, friend.id, (tx, c) => removeSalesOf(tx, program, c, Date.now()), 'https://pk.example')
      friend.live = false
      for (const s of sales) if (s.friend === friend) s.live = false
      return
    }
    case 'credit': {
      const id = REFERRERS[step.referrer] as string
      if (await refuse(() => creditBalance(db, program, id, { amount: step.cents / 100, amount_units: 'USD' }, 'https://pk.example'))) return
      credited.set(id, (credited.get(id) ?? 0n) + micros(step.cents))
    }
  }
}

/** Runs a step the rules may refuse (a refund past what is left, a credit past the balance): true when refused with a 4xx. */
async function refuse(work: () => Promise<unknown>): Promise<boolean> {
  try {
    await work()
    return false
  } catch (err) {
    if (err instanceof DomainError && (err.kind === 'invalid' || err.kind === 'refused')) return true
    throw err
  }
}

async function check(program: Program, credited: Map<string, bigint>) {
  const db = server.store.db
  const [rewards, transactions] = await Promise.all([
    db.selectFrom('rewards').selectAll().where('program_id', '=', program.id).execute(),
    db.selectFrom('transactions').selectAll().where('program_id', '=', program.id).execute(),
  ])
  for (const r of rewards) {
    if (r.transaction_id === null) continue
    const t = transactions.find((x) => Number(x.id) === Number(r.transaction_id))
    const net = t && t.deleted_at === null ? BigInt(t.amount) - BigInt(t.refunded) : 0n
    const rule = (typeof r.rule === 'string' ? JSON.parse(r.rule) : r.rule) as AppliedRule
    expect(BigInt(r.amount), `reward ${r.id}`).toBe(commissionOn(rule, net))
  }
  for (const id of REFERRERS) {
    const balance = await customerBalance(db, program, id, 'https://pk.example')
    const earner = Number((await db.selectFrom('customers').select('earner_id').where('program_id', '=', program.id).where('key', '=', id).executeTakeFirstOrThrow()).earner_id)
    const earned = rewards.filter((r) => Number(r.partner_id) === earner && r.currency === 'USD').reduce((s, r) => s + BigInt(r.amount), 0n)
    const usd = balance.balance.currency.find((l) => l.amount_units === 'USD')
    expect(BigInt(Math.round((usd?.amount ?? 0) * 1e6)), `balance of ${id}`).toBe(earned - (credited.get(id) ?? 0n))
  }
  const pair = await statsPair(db, program.id)
  expect(pair.maintained.partners).toEqual(pair.recomputed.partners)
  expect(pair.maintained.rewards).toEqual(pair.recomputed.rewards)
}

describe('refer-a-friend rewards and balances', () => {
  it('stay exact through any history of friends, sales, refunds, deletes and credits', async () => {
    await fc.assert(fc.asyncProperty(fc.array(Step, { minLength: 1, maxLength: 25 }), play), RUNS)
  }, 300_000)
})
