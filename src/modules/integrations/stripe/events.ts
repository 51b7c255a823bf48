// What each Stripe event says about a payment, read defensively (the body is untrusted JSON).
// A payment becomes the transaction `stripe_<id>`, its id being the PaymentIntent's when Stripe
// gives one (checkouts, invoices and charges of one payment all name it), else the invoice's or
// the checkout session's.
//
// Both shapes Stripe has given invoices are read. Up to API version 2025-02-24 an invoice names its
// PaymentIntent (`payment_intent`) and its subscription's metadata (`subscription_details`), and a
// charge names its invoice. From 2025-03-31 ("basil") an invoice names neither PaymentIntent nor
// charge, and charges no invoice: its sale is keyed by the invoice, and what ties its PaymentIntent
// to it is an InvoicePayment, the object of `invoice_payment.paid` (or an entry of the invoice's
// `payments`, when expanded). The subscription's metadata moved to
// `parent.subscription_details.metadata`.
import { storableText } from '../../../store/text-keys.js'
import type { DisputeState } from '../../../store/schema.js'

/** How to find our customer: the keys and email a checkout or invoice carries. */
export interface Hints {
  customerKey?: string
  clientReferenceId?: string
  email?: string
  partnerKey?: string
}

export interface SaleFacts {
  /** Stripe's integer amount, as text (JSON has no bigint). */
  amountMinor: string
  currency: string
  createdAt: number
  hints: Hints
}

export type StripeFacts =
  | {
    kind: 'payment'; transactionKey: string; stripeCustomer?: string; sale?: SaleFacts; refundedMinor?: bigint; dispute?: DisputeState
    /** An invoice keyed by its own id: the keys of the PaymentIntents (or charges) its expanded `payments` name. */
    paidWith?: string[]
  }
  /** A PaymentIntent (or charge) paid the invoice whose sale is `transactionKey`: its refunds and disputes are that sale's. */
  | { kind: 'invoice-payment'; transactionKey: string; paymentKey: string }
  /** A subscription checkout: it ties the Stripe customer to ours; its invoices bring the money. */
  | { kind: 'link'; stripeCustomer: string; hints: Hints }
  | { kind: 'ignored' }

export interface StripeEvent {
  id: string
  type: string
  created: number
  object: Record<string, unknown>
}

/** The envelope of an event, or undefined when the body is not one. */
export function stripeEventOf(body: unknown): StripeEvent | undefined {
  const event = record(body)
  const object = record(record(event?.data)?.object)
  const id = text(event?.id)
  const type = text(event?.type)
  // Stripe's event types are short; the record of handled events keeps 64 characters of one.
  if (!event || !id || !type || type.length > 64 || !object) return undefined
  return { id, type, created: Number(count(event.created) ?? 0n), object }
}

export function factsOf(event: StripeEvent): StripeFacts {
  const o = event.object
  switch (event.type) {
    case 'checkout.session.completed': {
      const hints = hintsOf(o, [record(o.metadata)], text(record(o.customer_details)?.email) ?? text(o.customer_email))
      const stripeCustomer = text(o.customer)
      if (o.mode === 'subscription') return stripeCustomer ? { kind: 'link', stripeCustomer, hints } : { kind: 'ignored' }
      if (o.payment_status !== 'paid') return { kind: 'ignored' }
      return payment(text(o.payment_intent) ?? text(o.id), stripeCustomer, saleOf(o.amount_total, o.currency, o.created ?? event.created, hints))
    }
    case 'invoice.paid': {
      const subscriptionMeta = record(record(o.subscription_details)?.metadata) ?? record(record(record(o.parent)?.subscription_details)?.metadata)
      const hints = hintsOf(o, [record(o.metadata), subscriptionMeta], text(o.customer_email))
      const facts = payment(text(o.payment_intent) ?? text(o.id), text(o.customer), saleOf(o.amount_paid, o.currency, paidAt(o) ?? event.created, hints))
      if (facts.kind !== 'payment' || text(o.payment_intent) !== undefined) return facts
      // Keyed by its own id (no PaymentIntent on it): the payments that paid it, if the list was expanded.
      const paidWith = paymentsOf(o).filter((key) => key !== facts.transactionKey)
      return paidWith.length > 0 ? { ...facts, paidWith } : facts
    }
    case 'invoice_payment.paid': {
      const invoice = keyOf(idOf(o.invoice))
      const paid = paymentKeyOf(record(o.payment))
      return invoice && paid && paid !== invoice ? { kind: 'invoice-payment', transactionKey: invoice, paymentKey: paid } : { kind: 'ignored' }
    }
    case 'charge.refunded': {
      const refundedMinor = count(o.amount_refunded)
      const key = keyOf(text(o.payment_intent) ?? text(o.invoice) ?? text(o.id))
      return key && refundedMinor !== undefined ? { kind: 'payment', transactionKey: key, refundedMinor } : { kind: 'ignored' }
    }
    case 'charge.dispute.created':
    case 'charge.dispute.closed': {
      const key = keyOf(text(o.payment_intent) ?? text(o.charge))
      const dispute: DisputeState = event.type === 'charge.dispute.created' ? 'open' : o.status === 'lost' ? 'lost' : 'won'
      return key ? { kind: 'payment', transactionKey: key, dispute } : { kind: 'ignored' }
    }
    default:
      return { kind: 'ignored' }
  }
}

function payment(id: string | undefined, stripeCustomer: string | undefined, sale: SaleFacts | undefined): StripeFacts {
  const key = keyOf(id)
  if (!key || !sale) return { kind: 'ignored' }
  return { kind: 'payment', transactionKey: key, ...(stripeCustomer ? { stripeCustomer } : {}), sale }
}

/** The transaction key `stripe_<id>`, when it fits the 255 characters a key has (Stripe's own ids are far shorter). */
function keyOf(id: string | undefined): string | undefined {
  return id !== undefined && id.length <= 255 - 'stripe_'.length ? `stripe_${id}` : undefined
}

function saleOf(amount: unknown, currency: unknown, created: unknown, hints: Hints): SaleFacts | undefined {
  const minor = count(amount)
  const code = text(currency)
  if (minor === undefined || minor === 0n || !code || !/^[a-z]{3}$/i.test(code)) return undefined
  return { amountMinor: minor.toString(), currency: code.toUpperCase(), createdAt: Number(count(created) ?? 0n) * 1000, hints }
}

/** `partnero_customer_key` (or `customer_key`) and `partner_key` from the first metadata that has them. */
function hintsOf(o: Record<string, unknown>, metadata: (Record<string, unknown> | undefined)[], email: string | undefined): Hints {
  const first = (name: string) => metadata.map((m) => text(m?.[name])).find((v) => v !== undefined)
  const hints: Hints = {}
  const customerKey = first('partnero_customer_key') ?? first('customer_key')
  const clientReferenceId = text(o.client_reference_id)
  const partnerKey = first('partner_key')
  if (customerKey) hints.customerKey = customerKey
  if (clientReferenceId) hints.clientReferenceId = clientReferenceId
  if (email) hints.email = email
  if (partnerKey) hints.partnerKey = partnerKey
  return hints
}

/** The keys of the payments an invoice's expanded `payments` list names (its first 100). */
function paymentsOf(invoice: Record<string, unknown>): string[] {
  const list = record(invoice.payments)?.data
  if (!Array.isArray(list)) return []
  const keys = list.slice(0, 100).map((entry) => paymentKeyOf(record(record(entry)?.payment))).filter((key): key is string => key !== undefined)
  return [...new Set(keys)]
}

/**
 * An InvoicePayment's `payment`: its PaymentIntent, or its charge when the charge has none (the
 * key the charge's refunds and disputes then name). Either may be expanded into an object.
 */
function paymentKeyOf(payment: Record<string, unknown> | undefined): string | undefined {
  return keyOf(idOf(payment?.payment_intent) ?? idOf(payment?.charge))
}

/** An id Stripe gives either as the id itself or as the expanded object. */
function idOf(v: unknown): string | undefined {
  return text(v) ?? text(record(v)?.id)
}

function paidAt(o: Record<string, unknown>): bigint | undefined {
  return count(record(o.status_transitions)?.paid_at)
}

function record(v: unknown): Record<string, unknown> | undefined {
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? v as Record<string, unknown> : undefined
}

/**
 * A string the store can hold: PostgreSQL refuses U+0000 in any text (the statement fails), and a
 * lone surrogate has no UTF-8 form. Stripe sends neither; a body that does names nothing.
 */
function text(v: unknown): string | undefined {
  return typeof v === 'string' && v !== '' && v.length <= 255 && storableText(v) ? v : undefined
}

/** A whole number ≥ 0 that fits a bigint column. */
function count(v: unknown): bigint | undefined {
  return typeof v === 'number' && Number.isSafeInteger(v) && v >= 0 ? BigInt(v) : undefined
}
