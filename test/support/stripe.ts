// Stripe events for tests, signed by the official `stripe` package's test helper
// (generateTestHeaderString): the receiver's check is tested against Stripe's own code, not ours.
import Stripe from 'stripe'
import type { Answer } from './client.js'
import type { TestServer } from './server.js'

export const STRIPE_SECRET = 'whsec_test_partnerkit_0123456789abcdef'

// No API calls are made: the client is only there for its webhook helpers.
const stripe = new Stripe('sk_test_partnerkit_unused')

export function stripeHeader(body: string, secret = STRIPE_SECRET, atSeconds = Math.floor(Date.now() / 1000)): string {
  return stripe.webhooks.generateTestHeaderString({ payload: body, secret, timestamp: atSeconds })
}

let counter = 0
export function stripeEvent(type: string, object: Record<string, unknown>, id = `evt_${++counter}_${Date.now()}`): string {
  return JSON.stringify({ id, object: 'event', api_version: '2024-06-20', created: Math.floor(Date.now() / 1000), type, data: { object } })
}

export async function sendStripe(server: TestServer, publicId: string, body: string, header = stripeHeader(body)): Promise<Answer> {
  return server.post(`/integrations/stripe/${publicId}/webhook`, { body, headers: { 'stripe-signature': header } })
}

export async function setUpStripe(server: TestServer, key: string, more: Record<string, unknown> = {}): Promise<void> {
  const res = await server.put('/v1/integrations/stripe', { key, body: { webhook_secret: STRIPE_SECRET, ...more } })
  if (res.status !== 200) throw new Error(`Stripe setup failed: ${res.text}`)
}

/** A paid one-off checkout (PaymentIntent `pi`) of `amount` minor units. */
export const checkout = (pi: string, amount: number, currency: string, more: Record<string, unknown> = {}) => ({
  id: `cs_${pi}`, object: 'checkout.session', mode: 'payment', payment_status: 'paid', payment_intent: pi,
  amount_total: amount, currency, created: Math.floor(Date.now() / 1000) - 60, metadata: {}, ...more,
})

export const charge = (pi: string, amount: number, refunded: number, currency = 'usd') => ({
  id: `ch_${pi}`, object: 'charge', payment_intent: pi, amount, amount_refunded: refunded, currency, refunded: refunded === amount,
})

export const dispute = (pi: string, status: string) => ({ id: `dp_${pi}`, object: 'dispute', charge: `ch_${pi}`, payment_intent: pi, status })

/** A subscription checkout: it ties the Stripe customer to our customer `customerKey`; it brings no money. */
export const subscriptionCheckout = (stripeCustomer: string, customerKey: string) => ({
  id: `cs_${stripeCustomer}`, object: 'checkout.session', mode: 'subscription', customer: stripeCustomer, subscription: `sub_${stripeCustomer}`,
  payment_status: 'paid', metadata: { partnero_customer_key: customerKey },
})

/** A paid invoice of a subscription (PaymentIntent `pi`): it names only the Stripe customer. */
export const invoicePaid = (pi: string, stripeCustomer: string, amount: number, currency: string) => ({
  id: `in_${pi}`, object: 'invoice', customer: stripeCustomer, subscription: `sub_${stripeCustomer}`, payment_intent: pi,
  amount_paid: amount, currency, status_transitions: { paid_at: Math.floor(Date.now() / 1000) - 60 },
})
