// The Stripe webhook is public: its signature is the only credential. A tampered body, another
// secret, or a timestamp more than 300 s away (either way) is refused with nothing written.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startServer, type TestServer } from '../../../../test/support/server.js'
import { makePartner } from '../../../../test/support/partners.js'
import { checkout, sendStripe, setUpStripe, stripeEvent, stripeHeader, STRIPE_SECRET } from '../../../../test/support/stripe.js'

let server: TestServer
let p: { id: number; publicId: string; key: string }
beforeAll(async () => {
  server = await startServer()
  p = await server.program()
  await setUpStripe(server, p.key)
  await makePartner(server, p.key, { key: 'sec_ref' })
  await server.post('/v1/customers', { key: p.key, body: { key: 'sec_cus', partner: { key: 'sec_ref' } } })
})
afterAll(() => server.close())

async function written() {
  const db = server.store.db
  const count = async (table: 'stripe_events' | 'stripe_payments' | 'transactions' | 'outbox') =>
    (await db.selectFrom(table).select('id').where('program_id', '=', p.id).execute()).length
  return { events: await count('stripe_events'), payments: await count('stripe_payments'), transactions: await count('transactions'), outbox: await count('outbox') }
}

const sale = (pi: string) => stripeEvent('checkout.session.completed', checkout(pi, 1000, 'usd', { metadata: { partnero_customer_key: 'sec_cus' } }))
const now = () => Math.floor(Date.now() / 1000)

describe('a Stripe event', () => {
  it('is refused when tampered with, signed with another secret, or unsigned — and writes nothing', async () => {
    const before = await written()
    const body = sale('pi_tamper')
    const attempts = [
      { body: body.replace('"amount_total":1000', '"amount_total":99999'), header: stripeHeader(body) },
      { body, header: stripeHeader(body, 'whsec_some_other_secret_000000') },
      { body, header: stripeHeader(body).replace(/v1=[0-9a-f]+/, `v1=${'0'.repeat(64)}`) },
      { body, header: stripeHeader(body).replace('v1=', 'v0=') },
      { body, header: '' },
      { body, header: 'garbage' },
    ]
    for (const a of attempts) {
      const res = await sendStripe(server, p.publicId, a.body, a.header)
      expect(res.status).toBe(400)
      expect(res.json).toMatchObject({ status: 0, code: 'invalid_signature' })
    }
    expect(await written()).toEqual(before)
  })

  it('is refused 301 s in the past or the future, and taken within 300 s', async () => {
    const before = await written()
    for (const offset of [-301, 301, -100_000]) {
      const body = sale(`pi_time_${offset}`)
      const res = await sendStripe(server, p.publicId, body, stripeHeader(body, STRIPE_SECRET, now() + offset))
      expect(res.status, String(offset)).toBe(400)
    }
    expect(await written()).toEqual(before)
    for (const offset of [-290, 290]) {
      const body = sale(`pi_time_ok_${offset}`)
      expect((await sendStripe(server, p.publicId, body, stripeHeader(body, STRIPE_SECRET, now() + offset))).status).toBe(200)
    }
    expect((await written()).transactions).toBe(before.transactions + 2)
  })

  it('accepts any of several v1 signatures (a secret being rolled)', async () => {
    const body = sale('pi_roll')
    const header = `${stripeHeader(body, 'whsec_old_secret_0000000000')},${stripeHeader(body).split(',')[1]}`
    expect((await sendStripe(server, p.publicId, body, header)).status).toBe(200)
  })

  it('for an unknown program is a 404, for a program without Stripe a 400, and a signed non-event a 400', async () => {
    const body = sale('pi_nowhere')
    expect((await sendStripe(server, 'NOSUCHPR', body)).status).toBe(404)
    const bare = await server.program()
    const unset = await sendStripe(server, bare.publicId, body)
    expect(unset.status).toBe(400)
    expect(unset.json.code).toBe('stripe_not_configured')
    for (const notEvent of ['{"hello":"world"}', '[]', '"text"', '{"id":"evt_1","type":"x","data":{}}']) {
      const res = await sendStripe(server, p.publicId, notEvent)
      expect(res.status, notEvent).toBe(400)
      expect(res.json.status).toBe(0)
    }
    const notJson = await sendStripe(server, p.publicId, '{not json')
    expect(notJson.status).toBe(400)
  })

  it('naming an id too long to be a transaction key, or one the store cannot hold, signed, is no server error: it is not acted on', async () => {
    // `stripe_` and an id of 249 characters or more do not fit a key (255), and PostgreSQL refuses
    // U+0000 in any text: both were a 500 there. A lone surrogate has no UTF-8 form.
    const long = `pi_${'x'.repeat(250)}`
    const before = await written()
    const bodies = [
      sale('pi_a\u0000b'),
      sale('pi_a\ud800b'),
      stripeEvent('invoice_payment.paid', { id: 'inpay_nul', object: 'invoice_payment', invoice: 'in_\u0000', payment: { type: 'payment_intent', payment_intent: 'pi_short' } }),
      stripeEvent('charge.refunded', { id: 'ch_\u0000', object: 'charge', payment_intent: 'pi_\u0000', amount: 1000, amount_refunded: 100 }),
      sale(long),
      stripeEvent('invoice.paid', { id: `in_${'x'.repeat(250)}`, object: 'invoice', customer: 'cus_long', amount_paid: 500, currency: 'usd' }),
      stripeEvent('invoice_payment.paid', { id: 'inpay_long', object: 'invoice_payment', invoice: `in_${'x'.repeat(250)}`, payment: { type: 'payment_intent', payment_intent: 'pi_short' } }),
      stripeEvent('invoice_payment.paid', { id: 'inpay_long2', object: 'invoice_payment', invoice: 'in_short', payment: { type: 'payment_intent', payment_intent: long } }),
      stripeEvent('charge.refunded', { id: 'ch_long', object: 'charge', payment_intent: long, amount: 1000, amount_refunded: 100 }),
      stripeEvent('charge.dispute.created', { id: 'du_long', object: 'dispute', charge: 'ch_long', payment_intent: long, status: 'needs_response' }),
    ]
    for (const body of bodies) {
      const res = await sendStripe(server, p.publicId, body)
      expect(res.json, body.slice(0, 80)).toEqual({ status: 1, message: 'Not an event Partnerkit acts on.' })
    }
    const longType = await sendStripe(server, p.publicId, stripeEvent(`charge.${'x'.repeat(60)}`, { id: 'ch_1', object: 'charge' }))
    expect(longType.status).toBe(400)
    const nulId = await sendStripe(server, p.publicId, stripeEvent('charge.refunded', { id: 'ch_1', object: 'charge' }, 'evt_\u0000'))
    expect(nulId.status).toBe(400)
    expect(await written()).toEqual({ ...before, events: before.events + bodies.length })
  })
})

describe('the Stripe setup API', () => {
  it('refuses a malformed secret, newsletter programs, and callers without a key', async () => {
    const fresh = await server.program()
    for (const secret of ['', 'sk_live_123', 'whsec_', 'whsec_has space inside']) {
      const res = await server.put('/v1/integrations/stripe', { key: fresh.key, body: { webhook_secret: secret } })
      expect(res.status, secret).toBe(422)
    }
    expect((await server.put('/v1/integrations/stripe', { key: fresh.key, body: { reverse_on_dispute: false } })).status).toBe(422)
    expect((await server.get('/v1/integrations/stripe', { key: fresh.key })).json.data.configured).toBe(false)
    const newsletter = await server.program({ type: 'newsletter' })
    expect((await server.put('/v1/integrations/stripe', { key: newsletter.key, body: { webhook_secret: STRIPE_SECRET } })).status).toBe(400)
    expect((await server.put('/v1/integrations/stripe', { body: { webhook_secret: STRIPE_SECRET } })).status).toBe(401)
    expect((await server.get('/v1/integrations/stripe')).status).toBe(401)
  })
})
