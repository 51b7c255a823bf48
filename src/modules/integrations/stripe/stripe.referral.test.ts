// Stripe payments in a refer-a-friend program (issue 22): a referred customer's payment is a sale
// that rewards its referrer by the program's rules, and Stripe's refund takes the reward back.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startServer, type TestServer } from '../../../../test/support/server.js'
import { charge, checkout, sendStripe, setUpStripe, stripeEvent } from '../../../../test/support/stripe.js'

let server: TestServer
beforeAll(async () => {
  server = await startServer()
})
afterAll(() => server.close())

describe('a Stripe payment in a refer-a-friend program', () => {
  it('rewards the referrer of the customer it names, and its refund takes the reward back', async () => {
    const p = await server.program({ type: 'referral' })
    await setUpStripe(server, p.key)
    await server.post('/v1/customers', { key: p.key, body: { id: 'ann' } })
    await server.post('/v1/customers', { key: p.key, body: { id: 'bob', email: 'bob@example.com', referring_customer: { id: 'ann' } } })
    const paid = await sendStripe(server, p.publicId, stripeEvent('checkout.session.completed', checkout('pi_raf', 5000, 'usd', { metadata: { customer_key: 'bob' } })))
    expect(paid.status, paid.text).toBe(200)
    const t = await server.get('/v1/transactions/stripe_pi_raf', { key: p.key })
    expect(t.json.data).toMatchObject({ amount: 50, customer: 'ann', referred_customer: 'bob' })
    expect(t.json.data.rewards).toEqual([expect.objectContaining({ side: 'referrer', amount: 10 })])
    const created = (await server.store.db.selectFrom('outbox').select('data').where('program_id', '=', p.id).where('type', '=', 'transaction.created').execute())
      .map((r) => (typeof r.data === 'string' ? JSON.parse(r.data) : r.data))
    expect(created).toEqual([expect.objectContaining({ customer: 'ann', referred_customer: 'bob' })])
    await sendStripe(server, p.publicId, stripeEvent('charge.refunded', charge('pi_raf', 5000, 2500)))
    const balance = await server.get('/v1/customers/ann/balance', { key: p.key })
    expect(balance.json.data.balance.currency[0].amount).toBe(5)
  })

  it('makes a customer it does not know a referred one of the referral key in its metadata', async () => {
    const p = await server.program({ type: 'referral' })
    await setUpStripe(server, p.key)
    await server.post('/v1/customers', { key: p.key, body: { id: 'ann', key: 'ann_ref' } })
    const paid = await sendStripe(server, p.publicId, stripeEvent('checkout.session.completed',
      checkout('pi_new', 2000, 'usd', { metadata: { customer_key: 'newbie', partner_key: 'ann_ref' }, customer_details: { email: 'newbie@example.com' } })))
    expect(paid.status, paid.text).toBe(200)
    const made = await server.get('/v1/customers/newbie', { key: p.key })
    expect(made.json.data).toMatchObject({ id: 'newbie', email: 'newbie@example.com', referring_customer: { id: 'ann' } })
    expect(made.json.data.key).toMatch(/^[a-z0-9]{12}$/)
    expect((await server.get('/v1/program', { key: p.key })).json.data).toMatchObject({ total_customers: 2, total_referred_customers: 1, total_referring_customers: 1, total_sales: 1 })
    expect((await server.get('/v1/customers/ann/balance', { key: p.key })).json.data.balance.currency[0].amount).toBe(10)
  })
})
