// Stripe in (spec §7): a signed event becomes a change to one payment's record, and the payment's
// transaction is then brought in line with everything Stripe has said about it — created once
// its customer is known, refunded up to the largest cumulative refund, archived while a dispute
// is open or lost (when the program wants that) and restored when it is won. Each event is
// handled once (its id is claimed in the same transaction), and since the record merges
// order-free and the transaction only ever moves towards it, any order and any number of repeats
// end in the same state. An invoice keyed by its own id (API versions from 2025-03-31) has its
// refunds and disputes on the records of the PaymentIntents that paid it, tied to it by
// `invoice_payment.paid`: its sale counts them all, whichever came first.
import type { Kysely } from 'kysely'
import { injected } from '../../../faults.js'
import { DomainError, badRequest, invalidField } from '../../../domain-errors.js'
import { parseJsonBody } from '../../../json-text.js'
import type { Database, Db, DisputeState } from '../../../store/schema.js'
import { inTransaction } from '../../../store/transaction.js'
import { isUniqueViolation } from '../../../store/unique.js'
import { addCustomer, addReferralCustomer, findCustomerByEmail, findCustomerByKey, type CustomerRow } from '../../customers/service.js'
import type { Program } from '../../programs/service.js'
import { addSale } from '../../transactions/sales.js'
import { archiveInside, findTransactionByKey, refundInside, type TransactionRow } from '../../transactions/service.js'
import { microsOfStripe } from './amounts.js'
import { factsOf, stripeEventOf, type Hints, type StripeEvent } from './events.js'
import { stripeSignatureValid } from './signature.js'
import {
  claimEvent, findStripeSettings, linkStripeCustomer, lockStripeCustomer, saveStripeSettings, linkedHints, mergePayment, paymentsOfStripeCustomer, rowsOfSale,
  saleOfPayment, transactionWasDeleted, type PaymentRow, type StripeSettings,
} from './store.js'

export type Handled = 'handled' | 'duplicate' | 'ignored'

/** Stripe's events nest a handful of levels; far more is not Stripe. */
const STRIPE_MAX_DEPTH = 64

export interface StripeSetup {
  webhookSecret?: string
  reverseOnDispute?: boolean
}

/** Sets the program's Stripe signing secret and dispute setting (the CLI and the API both call this). */
export type { StripeSettings }

/** The program's Stripe set-up, if it has one. */
export function stripeSettingsOf(db: Db, program: Program): Promise<StripeSettings | undefined> {
  return findStripeSettings(db, program.id)
}

export async function configureStripe(db: Db, program: Program, setup: StripeSetup, now = Date.now()): Promise<StripeSettings> {
  if (program.type === 'newsletter') throw badRequest('Stripe sales tracking is for affiliate and refer-a-friend programs.', 'unsupported_program_type')
  const secret = setup.webhookSecret
  if (secret !== undefined && !/^whsec_[A-Za-z0-9+/=_-]{8,240}$/.test(secret)) {
    throw invalidField('webhook_secret', 'The webhook secret must be the whsec_… signing secret Stripe shows for the endpoint.')
  }
  const existing = await findStripeSettings(db, program.id)
  if (secret === undefined && !existing) throw invalidField('webhook_secret', 'The webhook secret is required.')
  return saveStripeSettings(db, program.id, {
    ...(secret !== undefined ? { webhook_secret: secret } : {}),
    ...(setup.reverseOnDispute !== undefined ? { reverse_on_dispute: setup.reverseOnDispute ? 1 : 0 } : {}),
  }, now)
}

export async function receiveStripeEvent(db: Kysely<Database>, program: Program, rawBody: string, signature: string | undefined, now = Date.now()): Promise<Handled> {
  const settings = await findStripeSettings(db, program.id)
  if (!settings || settings.webhook_secret === '') throw badRequest('Stripe is not set up for this program.', 'stripe_not_configured')
  if (!stripeSignatureValid(signature, rawBody, settings.webhook_secret, now)) {
    throw badRequest('The Stripe-Signature header does not match the body, the secret or the time.', 'invalid_signature')
  }
  const event = stripeEventOf(parseJsonBody(rawBody, STRIPE_MAX_DEPTH))
  if (!event) throw badRequest('The body is not a Stripe event.', 'invalid_event')
  // Two payments of one new customer at once both create it: the loser runs again and finds it.
  for (let attempt = 1; ; attempt++) {
    try {
      return await inTransaction(db, (tx) => applyEvent(tx, program, settings, event, now))
    } catch (err) {
      if (attempt >= 3 || !isUniqueViolation(err)) throw err
    }
  }
}

async function applyEvent(tx: Db, program: Program, settings: StripeSettings, event: StripeEvent, now: number): Promise<Handled> {
  // The one place an event is claimed. The injected fault (faults.ts) leaves it unclaimed, so that
  // the exactly-once suite can show it notices redeliveries handled again.
  if (!injected('exactly-once') && !await claimEvent(tx, program.id, event.id, event.type, now)) return 'duplicate'
  const facts = factsOf(event)
  if (facts.kind === 'ignored') return 'ignored'
  // Before anything of the customer is read or written: a checkout that ties it to ours and a
  // payment of it must not run side by side (lockStripeCustomer says why). Refunds, disputes and
  // invoice payments name no customer and need no turn: they change payment rows, and end by
  // locking the row of the sale they count towards, which orders them against the checkout's
  // update of its customer's payments (and against the invoice that brings the sale).
  if (facts.kind !== 'invoice-payment' && facts.stripeCustomer !== undefined) await lockStripeCustomer(tx, program.id, facts.stripeCustomer)
  if (facts.kind === 'link') {
    await linkStripeCustomer(tx, program.id, facts.stripeCustomer, facts.hints)
    for (const payment of await paymentsOfStripeCustomer(tx, program.id, facts.stripeCustomer, now)) await reconcile(tx, program, settings, payment.transaction_key, now)
    return 'handled'
  }
  // Locks are taken in one order, so no two events wait for each other in a circle: the customer,
  // then the PaymentIntents' (or charges') rows, then the row of the sale. A change to a
  // PaymentIntent's row that counts towards an invoice's sale is followed by the lock of the
  // invoice's row (made empty if the invoice has not come yet) and its reconciling, so whichever of
  // two such events takes that lock second sees the other's committed change.
  if (facts.kind === 'invoice-payment') {
    await mergePayment(tx, program.id, facts.paymentKey, { invoiceKey: facts.transactionKey }, now)
    await mergePayment(tx, program.id, facts.transactionKey, {}, now)
    await reconcile(tx, program, settings, facts.transactionKey, now)
    return 'handled'
  }
  const { transactionKey, kind: _kind, paidWith, ...news } = facts
  for (const paymentKey of paidWith ?? []) await mergePayment(tx, program.id, paymentKey, { invoiceKey: transactionKey }, now)
  const row = await mergePayment(tx, program.id, transactionKey, news, now)
  // A refund or dispute of a PaymentIntent that paid an invoice keyed by its own id is the invoice's.
  const saleKey = row.sale === null && row.invoice_key !== null ? row.invoice_key : transactionKey
  if (saleKey !== transactionKey) await mergePayment(tx, program.id, saleKey, {}, now)
  await reconcile(tx, program, settings, saleKey, now)
  return 'handled'
}

/** Moves the sale's transaction towards what Stripe has said; does nothing it has done already. */
async function reconcile(tx: Db, program: Program, settings: StripeSettings, key: string, now: number): Promise<void> {
  const rows = await rowsOfSale(tx, program.id, key)
  const own = rows[0]
  const sale = own?.transaction_key === key ? saleOfPayment(own) : undefined
  if (!own || !sale) return // a refund or dispute ahead of its payment: applied when the payment comes
  // The invoice's own row and those of the payments that paid it: each holds one charge's refunds and disputes.
  const refundedMinor = rows.reduce((sum, r) => sum + BigInt(r.refunded_minor), 0n)
  const dispute = disputeOf(rows)
  let t = await findTransactionByKey(tx, program.id, key)
  if (!t) {
    if (await transactionWasDeleted(tx, program.id, key)) return
    const hints = { ...await linkedHints(tx, program.id, own.stripe_customer), ...sale.hints }
    const customer = await customerOf(tx, program, hints, now)
    if (!customer) return // not one of ours (yet): a later checkout may tie it
    const amount = microsOfStripe(BigInt(sale.amountMinor), sale.currency)
    await addSale(tx, program, customer, {
      key, action: 'sale', amount, currency: sale.currency, product: {}, rewardable: true, rewarded: false,
      createdAt: Math.min(sale.createdAt || now, now), extra: {},
    }, now)
    t = await requireRow(tx, program, key)
  }
  // The program's dispute setting decides while a dispute exists; otherwise the archive state is the merchant's.
  const wasArchived = t.archived_at !== null
  const archived = settings.reverse_on_dispute === 1 && dispute !== null ? dispute !== 'won' : wasArchived
  const refundTarget = minBig(microsOfStripe(refundedMinor, sale.currency), BigInt(t.amount))
  if (BigInt(t.refunded) < refundTarget) {
    // An archived sale takes no refund: restore it, refund, and archive again below if it should be.
    if (wasArchived) t = await archiveInside(tx, program, t, false, now) ?? t
    await refundInside(tx, program, t, refundTarget - BigInt(t.refunded), now)
    t = await requireRow(tx, program, key)
  }
  if (archived !== (t.archived_at !== null)) await archiveInside(tx, program, t, archived, now)
}

/** A sale paid by several charges is disputed while any dispute of them is open or lost; won once all are won. */
function disputeOf(rows: PaymentRow[]): DisputeState | null {
  const states = rows.map((r) => r.dispute)
  if (states.includes('lost')) return 'lost'
  if (states.includes('open')) return 'open'
  return states.includes('won') ? 'won' : null
}

/**
 * Our customer for a Stripe payment: by the key in its metadata, its client_reference_id, then
 * its email; when none is found and a partner_key is given, a new customer of that partner.
 */
async function customerOf(tx: Db, program: Program, hints: Hints, now: number): Promise<CustomerRow | undefined> {
  for (const key of [hints.customerKey, hints.clientReferenceId]) {
    const found = key === undefined ? undefined : await findCustomerByKey(tx, program.id, key)
    if (found) return found
  }
  const byEmail = hints.email === undefined ? undefined : await findCustomerByEmail(tx, program.id, hints.email)
  if (byEmail) return byEmail
  const key = hints.customerKey ?? hints.clientReferenceId ?? hints.email
  if (hints.partnerKey === undefined || key === undefined) return undefined
  try {
    // In a refer-a-friend program the key is a referring customer's (the `?ref=` it was shared with).
    if (program.type === 'referral') {
      return await addReferralCustomer(tx, program, { id: key, ...(hints.email ? { email: hints.email } : {}), referring_customer: { key: hints.partnerKey } }, now)
    }
    return await addCustomer(tx, program, { key, ...(hints.email ? { email: hints.email } : {}), partner: { key: hints.partnerKey } }, now)
  } catch (err) {
    // An unknown partner or unusable customer details: not a customer we can make.
    if (err instanceof DomainError) return undefined
    throw err
  }
}

async function requireRow(tx: Db, program: Program, key: string): Promise<TransactionRow> {
  const row = await findTransactionByKey(tx, program.id, key)
  if (!row) throw new Error(`transaction ${key} vanished inside its transaction`)
  return row
}

const minBig = (a: bigint, b: bigint) => (a < b ? a : b)
