// A deleted partner's sales can still be reversed (issue 17): after DELETE /v1/partners/{id}, a
// partial refund, a transaction deleted, archived and restored, a customer deleted and a Stripe
// refund all answer 2xx and move the exact amounts, the ledger stays balanced and every maintained
// counter equals a recount of the rows. The deleted partner itself stays "404 as if missing", and
// a new partner may take its id, key and email. A partner deleted by an older version (its row
// gone) cannot come back, but reversing its sales must not fail either.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startServer, type TestServer } from './support/server.js'
import { makePartner } from './support/partners.js'
import { makeCustomer, makeSale } from './support/sales.js'
import { statsPair } from './support/recompute.js'
import { charge, checkout, dispute, sendStripe, setUpStripe, stripeEvent } from './support/stripe.js'

let server: TestServer
beforeAll(async () => {
  server = await startServer()
})
afterAll(() => server.close())

type Program = Awaited<ReturnType<TestServer['program']>>

const GONE = { id: 'gone', key: 'gone_ref', email: 'gone@example.com' }
const CUSTOMERS = ['cus_refund', 'cus_delete', 'cus_archive', 'cus_removed', 'cus_stripe'] as const

/**
 * A program whose partner `gone` referred five customers who bought 100.00 each (30.00 commission,
 * payable at once); the fifth paid through Stripe. `deleteGone` removes the partner afterwards.
 */
async function programWithSales(deleteGone: (p: Program) => Promise<void>): Promise<Program> {
  const p = await server.program()
  await setUpStripe(server, p.key)
  await makePartner(server, p.key, GONE)
  // A partner that stays, so the program's figures are not only the deleted one's.
  await makePartner(server, p.key, { id: 'stays', key: 'stays_ref' })
  for (const key of CUSTOMERS) await makeCustomer(server, p.key, { key, partner: { key: GONE.key } })
  for (const key of CUSTOMERS.slice(0, 4)) {
    const sale = await makeSale(server, p.key, { key: `sale_${key}`, amount: '100.00', amount_units: 'USD', customer: { key } })
    expect(sale.rewards).toEqual([expect.objectContaining({ amount: 30, partner: GONE.id })])
  }
  const paid = await sendStripe(server, p.publicId, stripeEvent('checkout.session.completed',
    checkout('pi_gone', 10_000, 'usd', { metadata: { partnero_customer_key: 'cus_stripe' } })))
  expect(paid.status, paid.text).toBe(200)
  expect((await server.get('/v1/transactions/stripe_pi_gone', { key: p.key })).json.data.rewards).toEqual([expect.objectContaining({ amount: 30 })])
  await deleteGone(p)
  return p
}

const deleteThroughApi = async (p: Program) => {
  const res = await server.delete(`/v1/partners/${GONE.id}`, { key: p.key })
  expect(res.status, res.text).toBe(200)
}

/** What an older version's DELETE left: no partner row, no links (they went with it by foreign key). */
const deleteRowLikeOlderVersions = async (p: Program) => {
  await server.store.db.deleteFrom('partners').where('program_id', '=', p.id).where('public_id', '=', GONE.id).execute()
}

/** The five reversals, each answered 2xx. */
async function reverseEverything(p: Program) {
  const answers = [
    await server.post('/v1/transactions/sale_cus_refund/refund', { key: p.key, body: { amount: '10.00' } }),
    await server.delete('/v1/transactions/sale_cus_delete', { key: p.key }),
    await server.post('/v1/transactions/sale_cus_archive/archive', { key: p.key }),
    await server.delete('/v1/customers/cus_removed', { key: p.key }),
    await sendStripe(server, p.publicId, stripeEvent('charge.refunded', charge('pi_gone', 10_000, 2_500))),
  ]
  for (const res of answers) expect(res.status, res.text).toBeLessThan(300)
  expect(answers.at(-1)?.json).toEqual({ status: 1, message: 'Handled.' })
}

const transaction = async (p: Program, key: string) => (await server.get(`/v1/transactions/${key}`, { key: p.key })).json.data

/** Micros as text per (partner row, bucket): the ledger's sums. */
async function ledgerSums(p: Program) {
  const rows = await server.store.db.selectFrom('ledger_entries').select(['partner_id', 'bucket', 'amount']).where('program_id', '=', p.id).execute()
  const sums: Record<string, bigint> = {}
  for (const r of rows) sums[r.bucket] = (sums[r.bucket] ?? 0n) + BigInt(r.amount)
  return Object.fromEntries(Object.entries(sums).map(([k, v]) => [k, String(v)]))
}

/** Every maintained counter equals the recount; the deleted partner's own counters, as maintained. */
async function expectCountersEqualRecount(p: Program) {
  const { recomputed, maintained } = await statsPair(server.store.db, p.id)
  expect(maintained).toEqual(recomputed)
  return Object.entries(maintained.partners).find(([name]) => name.startsWith(`${GONE.id} (deleted`))?.[1]
}

describe('a partner deleted through the API', () => {
  it('keeps its sales reversible: refund, delete, archive, customer delete and a Stripe refund move exact amounts', async () => {
    const p = await programWithSales(deleteThroughApi)
    await reverseEverything(p)

    expect(await transaction(p, 'sale_cus_refund')).toMatchObject({ amount: 90, rewards: [expect.objectContaining({ amount: 27 })] })
    expect((await server.get('/v1/transactions/sale_cus_delete', { key: p.key })).status).toBe(404)
    // An archived sale shows on the wire as deleted.
    expect((await transaction(p, 'sale_cus_archive')).deleted_at).toEqual(expect.any(String))
    expect((await server.get('/v1/transactions/sale_cus_removed', { key: p.key })).status).toBe(404)
    expect(await transaction(p, 'stripe_pi_gone')).toMatchObject({ amount: 75, rewards: [expect.objectContaining({ amount: 22.5 })] })

    // What is left: 27.00 + 22.50 payable, on 90.00 + 75.00 of live revenue.
    expect(await ledgerSums(p)).toEqual({ payable: '49500000' })
    const stats = (await server.get('/v1/program', { key: p.key })).json.data.stats
    expect(stats).toMatchObject({ total_revenue: { usd: '$165.00' }, total_purchases: '2', total_paid_accounts: '2', total_signups: '4', total_partners: '1' })
    expect(stats.rewards_breakdown.unclaimed).toEqual({ usd: '$49.50' })
    // The deleted partner's counters followed: two live sales (90.00 and 75.00) of four customers.
    expect(await expectCountersEqualRecount(p)).toEqual({
      'commissions.not_paid|USD': '49500000', paid_accounts: '2', referrals_count: '4', 'revenue|USD': '165000000', sales_count: '2', signups: '4',
    })

    // Restoring the archived sale gives back its 100.00 and its 30.00.
    expect((await server.post('/v1/transactions/sale_cus_archive/revoke-archive', { key: p.key })).status).toBe(200)
    expect(await ledgerSums(p)).toEqual({ payable: '79500000' })
    await expectCountersEqualRecount(p)

    // A Stripe dispute takes the rest of the Stripe sale's commission back while open, and gives it back when won.
    for (const [type, status, payable] of [['charge.dispute.created', 'needs_response', '57000000'], ['charge.dispute.closed', 'won', '79500000']] as const) {
      const res = await sendStripe(server, p.publicId, stripeEvent(type, dispute('pi_gone', status)))
      expect(res.status, res.text).toBe(200)
      expect(await ledgerSums(p)).toEqual({ payable })
      await expectCountersEqualRecount(p)
    }
  })

  it('answers 404 for the partner, its links and its key as if it never existed', async () => {
    const p = await programWithSales(deleteThroughApi)
    const missing = [
      `/v1/partners/${GONE.id}`, `/v1/partners/${GONE.key}`, `/v1/partners/${GONE.id}/referral_links`,
      `/v1/partner_referral_links/${GONE.key}`, `/v1/partners/${GONE.id}/commission`, `/v1/partners/${GONE.id}/payout_settings`,
    ]
    for (const path of missing) expect((await server.get(path, { key: p.key })).status, path).toBe(404)
    expect((await server.post(`/v1/partners/${GONE.id}/reward`, { key: p.key, body: { amount: 5 } })).status).toBe(404)
    expect((await server.delete(`/v1/partners/${GONE.id}`, { key: p.key })).status).toBe(404)
    expect((await server.get(`/v1/partner?email=${GONE.email}`, { key: p.key })).status).toBe(404)

    const listed = (await server.get('/v1/partners', { key: p.key })).json.data.map((x: { id: string }) => x.id)
    expect(listed).toEqual(['stays'])
    for (const filter of [`id=${GONE.id}`, `key=${GONE.key}`, `email=${GONE.email}`]) {
      expect((await server.get(`/v1/partners:search?${filter}`, { key: p.key })).json.data, filter).toEqual([])
    }
    expect((await server.get(`/v1/partner_referral_links:search?id=${GONE.key}`, { key: p.key })).json.data).toEqual([])

    // A click on its key goes where a click on a key nobody ever had goes, and counts nowhere.
    const click = (key: string) => server.get(`/r/${key}?program=${p.publicId}`, { headers: { 'user-agent': 'Mozilla/5.0 Chrome/126.0' } })
    const [gone, never] = [await click(GONE.key), await click('never_existed')]
    expect([gone.status, gone.headers.location]).toEqual([never.status, never.headers.location])

    // New customers cannot be credited to it; its old customers show no partner, as before.
    const credited = await server.post('/v1/customers', { key: p.key, body: { key: 'late', partner: { key: GONE.key } } })
    expect(credited.status).toBe(400)
    expect((await server.get('/v1/customers/cus_refund', { key: p.key })).json.data.partner).toBeNull()
    expect((await transaction(p, 'sale_cus_refund')).partner).toBeNull()
  })

  it('credits a later sale of its customer to nobody', async () => {
    const p = await programWithSales(deleteThroughApi)
    const sale = await makeSale(server, p.key, { key: 'after_delete', amount: '50.00', amount_units: 'USD', customer: { key: 'cus_refund' } })
    expect(sale).toMatchObject({ partner: null, rewards: [] })
    await expectCountersEqualRecount(p)
  })

  it('lets a new partner take its id, key and email, and gives the new one none of its history', async () => {
    const p = await programWithSales(deleteThroughApi)
    const again = await server.post('/v1/partners', { key: p.key, body: { ...GONE, name: 'New' } })
    expect(again.status, again.text).toBe(201)
    const view = (await server.get(`/v1/partners/${GONE.id}`, { key: p.key })).json.data
    expect(view).toMatchObject({ id: GONE.id, name: 'New', referrals_count: 0, commissions: { paid: 0, pending: [], not_paid: [] } })
    expect(view.referrals).toMatchObject({ signups: 0, revenue: [], sales_count: 0, paid_accounts: 0 })
    expect((await server.get(`/v1/partners/${GONE.key}`, { key: p.key })).json.data.name).toBe('New')

    // The old partner's sales are still reversible, and still not the new one's.
    await reverseEverything(p)
    expect((await transaction(p, 'sale_cus_refund')).partner).toBeNull()
    expect((await server.get(`/v1/partners/${GONE.id}`, { key: p.key })).json.data.commissions.not_paid).toEqual([])
    await expectCountersEqualRecount(p)

    // Deleting the new one frees the names again.
    expect((await server.delete(`/v1/partners/${GONE.id}`, { key: p.key })).status).toBe(200)
    expect((await server.post('/v1/partners', { key: p.key, body: { ...GONE, name: 'Third' } })).status).toBe(201)
  })
})

describe('a partner deleted by an older version (its row gone)', () => {
  it('does not stop its sales being reversed', async () => {
    const p = await programWithSales(deleteRowLikeOlderVersions)
    await reverseEverything(p)
    expect(await transaction(p, 'sale_cus_refund')).toMatchObject({ amount: 90, partner: null, rewards: [expect.objectContaining({ amount: 27 })] })
    expect(await ledgerSums(p)).toEqual({ payable: '49500000' })
    expect((await server.get(`/v1/partners/${GONE.id}`, { key: p.key })).status).toBe(404)
    expect((await server.post('/v1/partners', { key: p.key, body: GONE })).status).toBe(201)
  })
})
