// Stripe retries, and sends events in no promised order. 1,000 events (CI; 400 in a plain `npm test`:
// sales, partial and full refunds, disputes) sent to one program in order, and to another three
// times over, shuffled, by 8 concurrent senders: both programs must end in the same state.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startServer, type TestServer } from '../../../../test/support/server.js'
import { makePartner } from '../../../../test/support/partners.js'
import { seeded, shuffled, thrice } from '../../../../test/support/random.js'
import { scaled } from '../../../../test/support/scale.js'
import { charge, checkout, dispute, sendStripe, setUpStripe, stripeEvent } from '../../../../test/support/stripe.js'

let server: TestServer
beforeAll(async () => {
  server = await startServer()
})
afterAll(() => server.close())

const EVENTS = scaled(400, 1_000)
const CUSTOMERS = 20

function generateEvents(): string[] {
  const random = seeded(20261121)
  const events: string[] = []
  for (let n = 0; events.length < EVENTS; n++) {
    const pi = `pi_order_${n}`
    const currency = random.pick(['usd', 'usd', 'usd', 'eur', 'jpy', 'kwd'])
    const amount = 1000 + random.int(49_000) * 10
    events.push(stripeEvent('checkout.session.completed', checkout(pi, amount, currency, { metadata: { partnero_customer_key: `ord_cus_${n % CUSTOMERS}` } }), `evt_sale_${n}`))
    let refunded = 0
    for (let r = 0; r < 3 && random.chance(0.35); r++) {
      refunded = Math.min(amount, refunded + Math.ceil(random.next() * amount / 2))
      events.push(stripeEvent('charge.refunded', charge(pi, amount, refunded, currency), `evt_refund_${n}_${r}`))
    }
    if (random.chance(0.25)) {
      events.push(stripeEvent('charge.dispute.created', dispute(pi, 'needs_response'), `evt_dispute_${n}`))
      if (random.chance(0.7)) events.push(stripeEvent('charge.dispute.closed', dispute(pi, random.pick(['won', 'lost'])), `evt_closed_${n}`))
    }
  }
  return events.slice(0, EVENTS)
}

async function programWithCustomers() {
  const p = await server.program()
  await setUpStripe(server, p.key)
  for (let i = 0; i < 4; i++) await makePartner(server, p.key, { id: `ord_partner_${i}`, key: `ord_ref_${i}` })
  for (let i = 0; i < CUSTOMERS; i++) {
    const res = await server.post('/v1/customers', { key: p.key, body: { key: `ord_cus_${i}`, partner: { key: `ord_ref_${i % 4}` } } })
    expect(res.status, res.text).toBe(201)
  }
  return p
}

/** Everything the events can move, without ids or times that differ between the programs. */
async function stateOf(p: { id: number; key: string }) {
  const db = server.store.db
  const transactions = await db.selectFrom('transactions').select(['key', 'amount', 'refunded', 'currency', 'archived_at'])
    .where('program_id', '=', p.id).orderBy('key').execute()
  const rewards = await db.selectFrom('rewards as r').innerJoin('transactions as t', 't.id', 'r.transaction_id')
    .select(['t.key', 'r.amount', 'r.status', 'r.archived']).where('r.program_id', '=', p.id).orderBy('t.key').orderBy('r.level').execute()
  const ledger = await db.selectFrom('ledger_entries as l').innerJoin('partners as pa', 'pa.id', 'l.partner_id')
    .select(['pa.public_id', 'l.bucket', 'l.currency', 'l.amount']).where('l.program_id', '=', p.id).execute()
  const balances: Record<string, bigint> = {}
  for (const l of ledger) balances[`${l.public_id}/${l.bucket}/${l.currency}`] = (balances[`${l.public_id}/${l.bucket}/${l.currency}`] ?? 0n) + BigInt(l.amount)
  const partners = []
  for (let i = 0; i < 4; i++) partners.push((await server.get(`/v1/partners/ord_partner_${i}`, { key: p.key })).json.data.commissions)
  const stats = (await server.get('/v1/program', { key: p.key })).json.data.stats
  return {
    transactions: transactions.map((t) => [t.key, BigInt(t.amount), BigInt(t.refunded), t.currency, t.archived_at !== null]),
    rewards: rewards.map((r) => [r.key, BigInt(r.amount), r.status, Number(r.archived)]),
    balances: Object.fromEntries(Object.entries(balances).filter(([, v]) => v !== 0n).sort()),
    partners,
    stats,
  }
}

describe('Stripe events', () => {
  it('in any order and any number of times end in the same state as once in order', async () => {
    const events = generateEvents()
    const inOrder = await programWithCustomers()
    const scrambled = await programWithCustomers()
    for (const body of events) {
      const res = await sendStripe(server, inOrder.publicId, body)
      expect(res.status, res.text).toBe(200)
    }
    const queue = shuffled(thrice(events), seeded(7))
    const answers: number[] = []
    await Promise.all(Array.from({ length: 8 }, async () => {
      for (let body = queue.pop(); body !== undefined; body = queue.pop()) answers.push((await sendStripe(server, scrambled.publicId, body)).status)
    }))
    expect(answers.filter((s) => s !== 200)).toEqual([])
    expect(answers).toHaveLength(3 * EVENTS)

    const expected = await stateOf(inOrder)
    expect(expected.transactions.length).toBeGreaterThan(EVENTS / 5)
    expect(expected.transactions.some(([, , , , archived]) => archived)).toBe(true)
    expect(expected.transactions.some(([, amount, refunded]) => refunded === amount)).toBe(true)
    expect(await stateOf(scrambled)).toEqual(expected)
  }, 300_000)
})
