// A subscription's checkout ties the Stripe customer to ours; its first invoice brings the money.
// Stripe sends both at the same moment, so they race: each must see the other's work, or the
// invoice finds no customer and the checkout no payment, both answer "Handled." and the sale is
// lost. (PostgreSQL only ever lost it: SQLite writes one transaction at a time.)
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startServer, type TestServer } from '../../../../test/support/server.js'
import { makePartner } from '../../../../test/support/partners.js'
import { invoicePaid, sendStripe, setUpStripe, stripeEvent, subscriptionCheckout } from '../../../../test/support/stripe.js'

let server: TestServer
beforeAll(async () => {
  server = await startServer()
})
afterAll(() => server.close())

const RACES = 50

describe('a subscription checkout and its first invoice at the same moment', () => {
  it('make the sale once, every time', async () => {
    const p = await server.program()
    await setUpStripe(server, p.key)
    await makePartner(server, p.key, { key: 'race_ref' })
    for (let n = 0; n < RACES; n++) {
      const res = await server.post('/v1/customers', { key: p.key, body: { key: `race_cus_${n}`, partner: { key: 'race_ref' } } })
      expect(res.status, res.text).toBe(201)
    }
    const answers = await Promise.all(Array.from({ length: RACES }, async (_, n) => {
      // Invoice first in half of the pairs, so neither order is favoured.
      const pair = [
        stripeEvent('checkout.session.completed', subscriptionCheckout(`cus_race_${n}`, `race_cus_${n}`)),
        stripeEvent('invoice.paid', invoicePaid(`pi_race_${n}`, `cus_race_${n}`, 1000 + n, 'usd')),
      ]
      return Promise.all((n % 2 === 0 ? pair : pair.reverse()).map((body) => sendStripe(server, p.publicId, body)))
    }))
    for (const a of answers.flat()) expect(a.json, a.text).toEqual({ status: 1, message: 'Handled.' })

    const sales = await server.store.db.selectFrom('transactions').select(['key', 'amount']).where('program_id', '=', p.id).execute()
    const lost = Array.from({ length: RACES }, (_, n) => `stripe_pi_race_${n}`).filter((key) => !sales.some((s) => s.key === key))
    expect(lost).toEqual([])
    expect(sales).toHaveLength(RACES)
    expect(sales.reduce((sum, s) => sum + BigInt(s.amount), 0n)).toBe(BigInt(Array.from({ length: RACES }, (_, n) => 1000 + n).reduce((a, b) => a + b)) * 10_000n)
  })
})
