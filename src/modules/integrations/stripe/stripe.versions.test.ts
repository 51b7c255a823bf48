// Subscriptions on both shapes of Stripe's API, through the real webhook endpoint, with payloads
// built from Stripe's reference for each version and signed by the official `stripe` package.
// Up to 2025-02-24 (tested: 2024-06-20) an invoice names its PaymentIntent, and its sale is keyed
// by it; from 2025-03-31 (tested: 2025-03-31.basil) it does not, its sale is keyed by the invoice,
// and the refunds and disputes that name only the PaymentIntent reach that sale through
// `invoice_payment.paid`, whichever of them comes first.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startServer, type TestServer } from '../../../../test/support/server.js'
import { makePartner } from '../../../../test/support/partners.js'
import {
  API_VERSIONS, NEW_API, OLD_API, invoiceCharge, invoiceDispute, invoicePaymentOf, paidInvoice, sendStripe, setUpStripe, stripeEvent,
  subscriptionSession, type ApiVersion, type Subscription,
} from '../../../../test/support/stripe.js'

let server: TestServer
beforeAll(async () => {
  server = await startServer()
})
afterAll(() => server.close())

type Program = { id: number; publicId: string; key: string }

const PARTNER = 'ver_partner'

async function program(customers: string[]): Promise<Program> {
  const p = await server.program()
  await setUpStripe(server, p.key)
  await makePartner(server, p.key, { id: PARTNER, key: 'ver_ref' })
  for (const key of customers) {
    const res = await server.post('/v1/customers', { key: p.key, body: { key, partner: { key: 'ver_ref' } } })
    expect(res.status, res.text).toBe(201)
  }
  return p
}

/** The events of one subscription invoice, as Stripe sends them to an endpoint on `version`. */
function eventsOf(s: Subscription, version: ApiVersion) {
  const event = (type: string, object: Record<string, unknown>) => stripeEvent(type, object, undefined, version)
  return {
    checkout: event('checkout.session.completed', subscriptionSession(s, version)),
    invoice: event('invoice.paid', paidInvoice(s, version)),
    /** Sent from 2025-03-31 only: the InvoicePayment that ties the PaymentIntent to the invoice. */
    payment: version === NEW_API ? event('invoice_payment.paid', invoicePaymentOf(s)) : undefined,
    refund: (cumulative: number) => event('charge.refunded', invoiceCharge(s, version, cumulative)),
    disputed: event('charge.dispute.created', invoiceDispute(s, 'needs_response')),
    closed: (status: 'won' | 'lost') => event('charge.dispute.closed', invoiceDispute(s, status)),
  }
}

/** The sale's transaction key: its PaymentIntent's id up to 2025-02-24, its invoice's after. */
const saleKey = (s: Subscription, version: ApiVersion) => (version === OLD_API ? `stripe_pi_${s.n}` : `stripe_in_${s.n}`)

async function send(p: Program, body: string | undefined): Promise<void> {
  if (body === undefined) return
  const res = await sendStripe(server, p.publicId, body)
  expect(res.json, res.text).toEqual({ status: 1, message: 'Handled.' })
}

/** The sale as the API shows it: net amount, its one reward, and whether it is archived. */
async function sale(p: Program, key: string) {
  const res = await server.get(`/v1/transactions/${key}`, { key: p.key })
  if (res.status === 404) return undefined
  expect(res.status, res.text).toBe(200)
  const t = res.json.data
  expect(t.rewards).toHaveLength(1)
  return { amount: t.amount, units: t.amount_units, customer: t.customer, commission: t.rewards[0].amount, archived: t.deleted_at !== null }
}

async function owed(p: Program) {
  return (await server.get(`/v1/partners/${PARTNER}`, { key: p.key })).json.data.commissions.not_paid
}

function permutations<T>(list: T[]): T[][] {
  if (list.length <= 1) return [list]
  return list.flatMap((first, i) => permutations([...list.slice(0, i), ...list.slice(i + 1)]).map((rest) => [first, ...rest]))
}

for (const version of API_VERSIONS) {
  describe(`a subscription on Stripe API ${version}`, () => {
    it('is a sale of the checkout\'s customer, refunded in part and then in full, its commission with it', async () => {
      const p = await program(['sub_buyer'])
      const s: Subscription = { stripeCustomer: 'cus_refunds', customerKey: 'sub_buyer', n: 'refunds', amount: 10000, currency: 'usd' }
      const events = eventsOf(s, version)
      await send(p, events.checkout)
      await send(p, events.invoice)
      await send(p, events.payment)
      expect(await sale(p, saleKey(s, version))).toEqual({ amount: 100, units: 'USD', customer: 'sub_buyer', commission: 30, archived: false })

      await send(p, events.refund(2500))
      expect(await sale(p, saleKey(s, version))).toMatchObject({ amount: 75, commission: 22.5, archived: false })
      expect(await owed(p)).toEqual([{ currency: 'USD', amount: 22.5 }])

      await send(p, events.refund(10000))
      expect(await sale(p, saleKey(s, version))).toMatchObject({ amount: 0, commission: 0 })
      expect(await owed(p)).toEqual([])
      // One sale, under the one key: nothing was recorded twice under the other id.
      const keys = (await server.get('/v1/transactions', { key: p.key })).json.data.map((t: { key: string }) => t.key)
      expect(keys).toEqual([saleKey(s, version)])
    })

    it('is archived while its dispute is open, restored when it is won, and stays archived when one is lost', async () => {
      const p = await program(['won_buyer', 'lost_buyer'])
      const won: Subscription = { stripeCustomer: 'cus_won', customerKey: 'won_buyer', n: 'won', amount: 4990, currency: 'eur' }
      const lost: Subscription = { stripeCustomer: 'cus_lost', customerKey: 'lost_buyer', n: 'lost', amount: 1000, currency: 'eur' }
      for (const s of [won, lost]) {
        const events = eventsOf(s, version)
        for (const body of [events.checkout, events.invoice, events.payment, events.disputed]) await send(p, body)
        expect(await sale(p, saleKey(s, version))).toMatchObject({ archived: true })
      }
      expect(await owed(p)).toEqual([])
      await send(p, eventsOf(won, version).closed('won'))
      await send(p, eventsOf(lost, version).closed('lost'))
      expect(await sale(p, saleKey(won, version))).toEqual({ amount: 49.9, units: 'EUR', customer: 'won_buyer', commission: 14.97, archived: false })
      expect(await sale(p, saleKey(lost, version))).toMatchObject({ archived: true })
      expect(await owed(p)).toEqual([{ currency: 'EUR', amount: 14.97 }])
    })

    it('ends the same whatever order its checkout, invoice, invoice payment and refund come in', async () => {
      const steps: ('checkout' | 'invoice' | 'payment' | 'refund')[] = ['checkout', 'invoice', ...(version === NEW_API ? ['payment' as const] : []), 'refund']
      const orders = permutations(steps)
      const p = await program(orders.map((_, i) => `order_buyer_${i}`))
      const subscriptions = orders.map((_, i): Subscription => ({ stripeCustomer: `cus_order_${i}`, customerKey: `order_buyer_${i}`, n: `order_${i}`, amount: 10000, currency: 'usd' }))
      for (const [i, order] of orders.entries()) {
        const events = eventsOf(subscriptions[i] as Subscription, version)
        // The dispute follows the refund, so it too comes before, between and after the others.
        for (const step of order) for (const body of step === 'refund' ? [events.refund(2500), events.disputed] : [events[step]]) await send(p, body)
      }
      const got = []
      for (const [i, order] of orders.entries()) got.push([order.join(' → '), await sale(p, saleKey(subscriptions[i] as Subscription, version))])
      expect(got).toEqual(orders.map((order, i) => [order.join(' → '), { amount: 75, units: 'USD', customer: `order_buyer_${i}`, commission: 22.5, archived: true }]))
      expect(await owed(p)).toEqual([])

      for (const s of subscriptions) await send(p, eventsOf(s, version).closed('won'))
      expect(await owed(p)).toEqual([{ currency: 'USD', amount: 22.5 * orders.length }])
    })

    it('loses nothing when its events arrive at the same moment, many subscriptions at once', async () => {
      const RACES = 20
      const p = await program(Array.from({ length: RACES }, (_, i) => `race_buyer_${i}`))
      const subscriptions = Array.from({ length: RACES }, (_, i): Subscription => ({ stripeCustomer: `cus_race_${i}`, customerKey: `race_buyer_${i}`, n: `race_${i}`, amount: 2000 + 10 * i, currency: 'usd' }))
      const answers = await Promise.all(subscriptions.flatMap((s) => {
        const events = eventsOf(s, version)
        return [events.checkout, events.invoice, events.payment, events.refund(1000)].filter((b) => b !== undefined).map((body) => sendStripe(server, p.publicId, body))
      }))
      for (const a of answers) expect(a.json, a.text).toEqual({ status: 1, message: 'Handled.' })
      for (const [i, s] of subscriptions.entries()) {
        // In cents: 1,000 of each refunded; 30 % of the rest owed (whole cents, by the amounts chosen).
        const net = s.amount - 1000
        expect(await sale(p, saleKey(s, version)), s.n).toEqual({ amount: net / 100, units: 'USD', customer: `race_buyer_${i}`, commission: (net * 30 / 100) / 100, archived: false })
      }
    })
  })
}

describe('on Stripe API 2025-03-31 and later', () => {
  const version = NEW_API

  it('an invoice whose payments were expanded needs no invoice_payment.paid to meet its refunds', async () => {
    const p = await program(['expanded_buyer'])
    const s: Subscription = { stripeCustomer: 'cus_expanded', customerKey: 'expanded_buyer', n: 'expanded', amount: 3000, currency: 'usd' }
    const events = eventsOf(s, version)
    await send(p, events.refund(1500))
    await send(p, events.checkout)
    await send(p, stripeEvent('invoice.paid', paidInvoice(s, version, { payments: true }), undefined, version))
    expect(await sale(p, 'stripe_in_expanded')).toMatchObject({ amount: 15, commission: 4.5 })
  })

  it('an invoice paid in two parts counts the refunds of each, and a dispute of either', async () => {
    const p = await program(['split_buyer'])
    const s: Subscription = { stripeCustomer: 'cus_split', customerKey: 'split_buyer', n: 'split', amount: 10000, currency: 'usd' }
    const parts = [{ paymentIntent: 'pi_split_a', amount: 6000 }, { paymentIntent: 'pi_split_b', amount: 4000 }]
    const event = (type: string, object: Record<string, unknown>) => stripeEvent(type, object, undefined, version)
    await send(p, eventsOf(s, version).checkout)
    await send(p, event('charge.refunded', invoiceCharge(s, version, 1000, parts[0])))
    for (const part of parts) await send(p, event('invoice_payment.paid', invoicePaymentOf(s, part)))
    await send(p, eventsOf(s, version).invoice)
    await send(p, event('charge.refunded', invoiceCharge(s, version, 4000, parts[1])))
    // 10,000 paid, 1,000 + 4,000 refunded: 50.00 left, 30 % of it owed.
    expect(await sale(p, 'stripe_in_split')).toEqual({ amount: 50, units: 'USD', customer: 'split_buyer', commission: 15, archived: false })
    await send(p, event('charge.dispute.created', invoiceDispute(s, 'needs_response', parts[0])))
    expect(await sale(p, 'stripe_in_split')).toMatchObject({ archived: true })
    await send(p, event('charge.dispute.closed', invoiceDispute(s, 'won', parts[0])))
    expect(await sale(p, 'stripe_in_split')).toMatchObject({ archived: false, commission: 15 })
  })

  it('an invoice paid while the endpoint was on an older version keeps its sale when refunded after the upgrade', async () => {
    const p = await program(['upgraded_buyer'])
    const s: Subscription = { stripeCustomer: 'cus_upgraded', customerKey: 'upgraded_buyer', n: 'upgraded', amount: 8000, currency: 'usd' }
    const before = eventsOf(s, OLD_API)
    const after = eventsOf(s, NEW_API)
    await send(p, before.checkout)
    await send(p, before.invoice)
    await send(p, after.payment)
    await send(p, after.refund(2000))
    expect(await sale(p, 'stripe_pi_upgraded')).toMatchObject({ amount: 60, commission: 18 })
    expect(await sale(p, 'stripe_in_upgraded')).toBeUndefined()
  })

  it('a refund whose invoice payment never comes is kept, not applied elsewhere', async () => {
    const p = await program(['waiting_buyer'])
    const s: Subscription = { stripeCustomer: 'cus_waiting', customerKey: 'waiting_buyer', n: 'waiting', amount: 5000, currency: 'usd' }
    const events = eventsOf(s, version)
    for (const body of [events.checkout, events.invoice, events.refund(5000)]) await send(p, body)
    expect(await sale(p, 'stripe_in_waiting')).toMatchObject({ amount: 50, commission: 15 })
    expect(await sale(p, 'stripe_pi_waiting')).toBeUndefined()
    await send(p, events.payment)
    expect(await sale(p, 'stripe_in_waiting')).toMatchObject({ amount: 0, commission: 0 })
  })
})
