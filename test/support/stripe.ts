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
export function stripeEvent(type: string, object: Record<string, unknown>, id = `evt_${++counter}_${Date.now()}`, apiVersion: string = OLD_API): string {
  return JSON.stringify({
    id, object: 'event', api_version: apiVersion, created: Math.floor(Date.now() / 1000), livemode: false, pending_webhooks: 1,
    request: { id: null, idempotency_key: null }, type, data: { object },
  })
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

// A subscription's events in the two shapes Stripe has given them, built from Stripe's API
// reference and changelog for each version. Up to 2025-02-24 an invoice names its PaymentIntent,
// charge and subscription, and a charge its invoice. From 2025-03-31 ("basil") neither names the
// other: an InvoicePayment (the object of `invoice_payment.paid`, and the entries of the invoice's
// `payments` when expanded) ties the PaymentIntent to the invoice; the subscription and its
// metadata moved under `parent.subscription_details`, and line items name their price under
// `pricing` and their subscription item under `parent`. The new shape is checked against the
// `stripe` package's own types (its pinned version is later than basil, and agrees on these
// objects), so a field that does not exist there fails to compile.

/** The last version whose invoices name their PaymentIntent, and the first whose do not. */
export const OLD_API = '2024-06-20'
export const NEW_API = '2025-03-31.basil'
export type ApiVersion = typeof OLD_API | typeof NEW_API
export const API_VERSIONS = [OLD_API, NEW_API] as const

/** Any subset of a Stripe object's fields, as JSON carries them. */
export type Shape<T> = T extends { toJSON(): infer J } ? J
  : T extends (infer U)[] ? Shape<U>[]
  : T extends object ? { [K in keyof T]?: Shape<T[K]> }
  : T

/** One subscription's ids and price: the objects below are its checkout, invoice, payment, charge and dispute. */
export interface Subscription {
  /** Stripe's customer (cus_…), and ours that its checkout names. */
  stripeCustomer: string
  customerKey: string
  /** A suffix for the ids of this invoice: `in_<n>`, `pi_<n>`, `ch_<n>`, `inpay_<n>`, `du_<n>`. */
  n: string
  amount: number
  currency: string
}

const at = () => Math.floor(Date.now() / 1000) - 120
const ids = (s: Subscription) => ({
  subscription: `sub_${s.stripeCustomer}`, invoice: `in_${s.n}`, paymentIntent: `pi_${s.n}`, charge: `ch_${s.n}`, invoicePayment: `inpay_${s.n}`,
  price: `price_${s.stripeCustomer}`, product: `prod_${s.stripeCustomer}`, subscriptionItem: `si_${s.stripeCustomer}`,
})

/** The subscription's checkout session (alike in both versions; basil dropped `shipping_details`): it ties `cus_…` to our customer. */
export function subscriptionSession(s: Subscription, version: ApiVersion): Record<string, unknown> {
  const id = ids(s)
  const session = {
    id: `cs_test_${s.n}`, object: 'checkout.session', mode: 'subscription', status: 'complete', payment_status: 'paid',
    amount_subtotal: s.amount, amount_total: s.amount, currency: s.currency, created: at(), livemode: false,
    customer: s.stripeCustomer, customer_details: { email: null, name: 'Test Buyer', phone: null, tax_exempt: 'none', tax_ids: [], address: null },
    client_reference_id: null, invoice: id.invoice, subscription: id.subscription, payment_intent: null,
    metadata: { partnero_customer_key: s.customerKey }, success_url: 'https://shop.example.com/thanks', url: null,
  } satisfies Shape<Stripe.Checkout.Session>
  return version === OLD_API ? { ...session, shipping_details: null } : session
}

/**
 * The invoice of `invoice.paid`. `payments` expands its InvoicePayments (new version only; a
 * webhook never carries them unless the endpoint's payload was expanded, as when it is relayed
 * from a fetched invoice).
 */
export function paidInvoice(s: Subscription, version: ApiVersion, options: { payments?: boolean } = {}): Record<string, unknown> {
  const id = ids(s)
  const paidAt = at()
  const period = { start: paidAt, end: paidAt + 30 * 86400 }
  const common = {
    id: id.invoice, object: 'invoice', account_country: 'US', account_name: 'Shop Example', amount_due: s.amount, amount_paid: s.amount,
    amount_remaining: 0, amount_shipping: 0, attempt_count: 1, attempted: true, auto_advance: false, billing_reason: 'subscription_create',
    collection_method: 'charge_automatically', created: paidAt, currency: s.currency, customer: s.stripeCustomer, customer_email: null,
    customer_name: 'Test Buyer', livemode: false, metadata: {}, number: `EX-${s.n}`, period_end: paidAt, period_start: paidAt, status: 'paid',
    status_transitions: { finalized_at: paidAt, marked_uncollectible_at: null, paid_at: paidAt, voided_at: null },
    subtotal: s.amount, total: s.amount,
    // The fields both versions give: checked against the new one's types too.
  } satisfies Shape<Stripe.Invoice>
  if (version === OLD_API) {
    return {
      ...common, charge: id.charge, paid: true, paid_out_of_band: false, payment_intent: id.paymentIntent, quote: null,
      subscription: id.subscription, subscription_details: { metadata: {} }, subscription_proration_date: null,
      lines: {
        object: 'list', has_more: false, total_count: 1, url: `/v1/invoices/${id.invoice}/lines`,
        data: [{
          id: `il_${s.n}`, object: 'line_item', amount: s.amount, amount_excluding_tax: s.amount, currency: s.currency, description: '1 × Plan',
          discount_amounts: [], discountable: true, discounts: [], invoice: id.invoice, invoice_item: null, livemode: false, metadata: {}, period,
          plan: { id: id.price, object: 'plan', amount: s.amount, currency: s.currency, interval: 'month', interval_count: 1, product: id.product },
          price: { id: id.price, object: 'price', currency: s.currency, product: id.product, type: 'recurring', unit_amount: s.amount },
          proration: false, proration_details: { credited_items: null }, quantity: 1, subscription: id.subscription,
          subscription_item: id.subscriptionItem, tax_amounts: [], tax_rates: [], type: 'subscription', unit_amount_excluding_tax: String(s.amount),
        }],
      },
    }
  }
  const invoice = {
    ...common,
    parent: { type: 'subscription_details', quote_details: null, subscription_details: { metadata: {}, subscription: id.subscription } },
    lines: {
      object: 'list', has_more: false, url: `/v1/invoices/${id.invoice}/lines`,
      data: [{
        id: `il_${s.n}`, object: 'line_item', amount: s.amount, currency: s.currency, description: '1 × Plan', discount_amounts: [],
        discountable: true, discounts: [], invoice: id.invoice, livemode: false, metadata: {}, period, pretax_credit_amounts: [],
        pricing: { type: 'price_details', price_details: { price: id.price, product: id.product }, unit_amount_decimal: String(s.amount) },
        parent: {
          type: 'subscription_item_details', invoice_item_details: null,
          subscription_item_details: { invoice_item: null, proration: false, proration_details: { credited_items: null }, subscription: id.subscription, subscription_item: id.subscriptionItem },
        },
        quantity: 1, subtotal: s.amount, taxes: [],
      }],
    },
    ...(options.payments ? { payments: { object: 'list', has_more: false, url: '/v1/invoice_payments', data: [invoicePaymentOf(s)] } } : {}),
  } satisfies Shape<Stripe.Invoice>
  return invoice
}

/** The InvoicePayment of `invoice_payment.paid` (new version): the PaymentIntent that paid the invoice. */
export function invoicePaymentOf(s: Subscription, part: { paymentIntent?: string; amount?: number } = {}) {
  const id = ids(s)
  const paidAt = at()
  return {
    id: part.paymentIntent ? `inpay_${part.paymentIntent}` : id.invoicePayment, object: 'invoice_payment', amount_paid: part.amount ?? s.amount,
    amount_requested: part.amount ?? s.amount, created: paidAt, currency: s.currency, invoice: id.invoice, is_default: part.paymentIntent === undefined,
    livemode: false, payment: { type: 'payment_intent', payment_intent: part.paymentIntent ?? id.paymentIntent }, status: 'paid',
    status_transitions: { canceled_at: null, paid_at: paidAt },
  } satisfies Shape<Stripe.InvoicePayment>
}

/** The charge of `charge.refunded`, `amountRefunded` being the cumulative refund. Only the old version names the invoice. */
export function invoiceCharge(s: Subscription, version: ApiVersion, amountRefunded: number, part: { paymentIntent?: string; amount?: number } = {}): Record<string, unknown> {
  const paymentIntent = part.paymentIntent ?? ids(s).paymentIntent
  const amount = part.amount ?? s.amount
  const charge = {
    id: `ch_${paymentIntent.slice(3)}`, object: 'charge', amount, amount_captured: amount, amount_refunded: amountRefunded, captured: true,
    created: at(), currency: s.currency, customer: s.stripeCustomer, description: 'Subscription creation', disputed: false, livemode: false,
    metadata: {}, paid: true, payment_intent: paymentIntent, refunded: amountRefunded === amount, status: 'succeeded',
  } satisfies Shape<Stripe.Charge>
  return version === OLD_API ? { ...charge, invoice: ids(s).invoice } : charge
}

/** The dispute of `charge.dispute.created` / `.closed` (the same shape in both versions). */
export function invoiceDispute(s: Subscription, status: 'needs_response' | 'won' | 'lost', part: { paymentIntent?: string; amount?: number } = {}): Record<string, unknown> {
  const paymentIntent = part.paymentIntent ?? ids(s).paymentIntent
  return {
    id: `du_${paymentIntent.slice(3)}`, object: 'dispute', amount: part.amount ?? s.amount, charge: `ch_${paymentIntent.slice(3)}`, created: at(),
    currency: s.currency, is_charge_refundable: false, livemode: false, metadata: {}, payment_intent: paymentIntent, reason: 'fraudulent', status,
  } satisfies Shape<Stripe.Dispute>
}
