// Stripe events becoming transactions, refunds and dispute reversals, through the real webhook
// endpoint, signed by independent test code.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startServer, type TestServer } from '../../../../test/support/server.js'
import { makePartner } from '../../../../test/support/partners.js'
import { charge, checkout, dispute, sendStripe, setUpStripe, stripeEvent } from '../../../../test/support/stripe.js'

let server: TestServer
beforeAll(async () => {
  server = await startServer()
})
afterAll(() => server.close())

async function programWithCustomer(customer: Record<string, unknown> = { key: 'cus_1', email: 'buyer@example.com' }) {
  const p = await server.program()
  await setUpStripe(server, p.key)
  await makePartner(server, p.key, { id: 'stripe_partner', key: 'stripe_ref' })
  const res = await server.post('/v1/customers', { key: p.key, body: { ...customer, partner: { key: 'stripe_ref' } } })
  expect(res.status, res.text).toBe(201)
  return p
}

async function send(p: { publicId: string }, type: string, object: Record<string, unknown>) {
  const res = await sendStripe(server, p.publicId, stripeEvent(type, object))
  expect(res.status, res.text).toBe(200)
  return res.json
}

const transaction = async (p: { key: string }, key: string) => (await server.get(`/v1/transactions/${key}`, { key: p.key })).json.data

describe('a Stripe payment', () => {
  it('becomes a rewarded transaction of the customer named in its metadata', async () => {
    const p = await programWithCustomer()
    const answer = await send(p, 'checkout.session.completed', checkout('pi_a', 4999, 'usd', { metadata: { partnero_customer_key: 'cus_1' } }))
    expect(answer).toEqual({ status: 1, message: 'Handled.' })
    const t = await transaction(p, 'stripe_pi_a')
    expect(t).toMatchObject({ key: 'stripe_pi_a', amount: 49.99, amount_units: 'USD', customer: 'cus_1' })
    expect(t.rewards).toHaveLength(1)
    expect(t.rewards[0].amount).toBeGreaterThan(0)
  })

  it('finds its customer by client_reference_id, by email, or makes one for metadata.partner_key', async () => {
    const p = await programWithCustomer({ key: 'cus_ref', email: 'ref@example.com' })
    await send(p, 'checkout.session.completed', checkout('pi_ref', 1000, 'usd', { client_reference_id: 'cus_ref' }))
    await send(p, 'invoice.paid', { id: 'in_mail', object: 'invoice', payment_intent: 'pi_mail', amount_paid: 2000, currency: 'eur', customer_email: 'REF@example.com', created: 1_700_000_000 })
    await send(p, 'checkout.session.completed', checkout('pi_new', 3000, 'usd', { metadata: { customer_key: 'brand_new', partner_key: 'stripe_ref' }, customer_details: { email: 'new@example.com' } }))
    expect(await transaction(p, 'stripe_pi_ref')).toMatchObject({ amount: 10, customer: 'cus_ref' })
    expect(await transaction(p, 'stripe_pi_mail')).toMatchObject({ amount: 20, amount_units: 'EUR', customer: 'cus_ref' })
    expect(await transaction(p, 'stripe_pi_new')).toMatchObject({ amount: 30, customer: 'brand_new' })
    const made = (await server.get('/v1/customers/brand_new', { key: p.key })).json.data
    expect(made).toMatchObject({ key: 'brand_new', email: 'new@example.com', partner: 'stripe_partner' })
  })

  it('is read in the currency\'s own minor units: JPY has none, KWD has three', async () => {
    const p = await programWithCustomer()
    const meta = { metadata: { partnero_customer_key: 'cus_1' } }
    await send(p, 'checkout.session.completed', checkout('pi_jpy', 5000, 'jpy', meta))
    await send(p, 'checkout.session.completed', checkout('pi_kwd', 1500, 'kwd', meta))
    await send(p, 'checkout.session.completed', checkout('pi_usd', 1500, 'usd', meta))
    expect(await transaction(p, 'stripe_pi_jpy')).toMatchObject({ amount: 5000, amount_units: 'JPY' })
    expect(await transaction(p, 'stripe_pi_kwd')).toMatchObject({ amount: 1.5, amount_units: 'KWD' })
    expect(await transaction(p, 'stripe_pi_usd')).toMatchObject({ amount: 15, amount_units: 'USD' })
  })

  it('that nobody here knows is kept, and becomes a transaction once a subscription checkout ties its customer', async () => {
    const p = await programWithCustomer()
    await send(p, 'invoice.paid', { id: 'in_sub1', object: 'invoice', customer: 'cus_stripe_9', payment_intent: 'pi_sub1', amount_paid: 900, currency: 'usd' })
    expect((await server.get('/v1/transactions/stripe_pi_sub1', { key: p.key })).status).toBe(404)
    await send(p, 'checkout.session.completed', { id: 'cs_sub', object: 'checkout.session', mode: 'subscription', customer: 'cus_stripe_9', client_reference_id: 'cus_1', payment_status: 'paid' })
    expect(await transaction(p, 'stripe_pi_sub1')).toMatchObject({ amount: 9, customer: 'cus_1' })
    // Its next invoice carries no hints, and is matched through the tie.
    await send(p, 'invoice.paid', { id: 'in_sub2', object: 'invoice', customer: 'cus_stripe_9', payment_intent: 'pi_sub2', amount_paid: 900, currency: 'usd' })
    expect(await transaction(p, 'stripe_pi_sub2')).toMatchObject({ amount: 9, customer: 'cus_1' })
  })
})

describe('refunds and disputes', () => {
  it('refund by the cumulative amount Stripe reports, partial then full', async () => {
    const p = await programWithCustomer()
    await send(p, 'checkout.session.completed', checkout('pi_r', 10000, 'usd', { metadata: { partnero_customer_key: 'cus_1' } }))
    const before = (await transaction(p, 'stripe_pi_r')).rewards[0].amount
    await send(p, 'charge.refunded', charge('pi_r', 10000, 2500))
    const partial = await transaction(p, 'stripe_pi_r')
    expect(partial.amount).toBe(75)
    expect(partial.rewards[0].amount).toBeCloseTo(before * 0.75, 6)
    await send(p, 'charge.refunded', charge('pi_r', 10000, 10000))
    expect(await transaction(p, 'stripe_pi_r')).toMatchObject({ amount: 0, rewards: [{ amount: 0 }] })
    // An older, smaller report arriving late changes nothing.
    await send(p, 'charge.refunded', charge('pi_r', 10000, 2500))
    expect((await transaction(p, 'stripe_pi_r')).rewards[0].amount).toBe(0)
  })

  it('a dispute takes the commission back while open and gives it back when won; a repeated event does nothing', async () => {
    const p = await programWithCustomer()
    await send(p, 'checkout.session.completed', checkout('pi_d', 8000, 'usd', { metadata: { partnero_customer_key: 'cus_1' } }))
    const partner = async () => (await server.get('/v1/partners/stripe_partner', { key: p.key })).json.data.commissions
    const earned = await partner()
    const opened = stripeEvent('charge.dispute.created', dispute('pi_d', 'needs_response'))
    expect((await sendStripe(server, p.publicId, opened)).json.message).toBe('Handled.')
    expect(await transaction(p, 'stripe_pi_d')).toMatchObject({ deleted_at: expect.any(String) })
    expect((await partner()).not_paid).toEqual([])
    expect((await sendStripe(server, p.publicId, opened)).json.message).toBe('Already handled.')
    await send(p, 'charge.dispute.closed', dispute('pi_d', 'won'))
    expect(await transaction(p, 'stripe_pi_d')).toMatchObject({ deleted_at: null })
    expect(await partner()).toEqual(earned)
  })

  it('leave the commission alone when the program says disputes do not reverse', async () => {
    const p = await programWithCustomer()
    await server.put('/v1/integrations/stripe', { key: p.key, body: { reverse_on_dispute: false } })
    await send(p, 'checkout.session.completed', checkout('pi_keep', 8000, 'usd', { metadata: { partnero_customer_key: 'cus_1' } }))
    await send(p, 'charge.dispute.created', dispute('pi_keep', 'needs_response'))
    await send(p, 'charge.dispute.closed', dispute('pi_keep', 'lost'))
    expect(await transaction(p, 'stripe_pi_keep')).toMatchObject({ deleted_at: null })
  })
})

describe('the Stripe setup', () => {
  it('is set through the API and shows the webhook URL, never the secret', async () => {
    const p = await server.program()
    const empty = (await server.get('/v1/integrations/stripe', { key: p.key })).json.data
    expect(empty).toMatchObject({ configured: false, reverse_on_dispute: true, updated_at: null })
    await setUpStripe(server, p.key, { reverse_on_dispute: false })
    const set = await server.get('/v1/integrations/stripe', { key: p.key })
    expect(set.json.data).toMatchObject({ configured: true, reverse_on_dispute: false })
    expect(set.json.data.webhook_url).toBe(`${server.url}/integrations/stripe/${p.publicId}/webhook`)
    expect(set.text).not.toContain('whsec_')
  })
})
