// Stripe's tables: settings per program, handled event ids, what Stripe said about each payment,
// and Stripe customers tied to ours.
import { sql, type Selectable } from 'kysely'
import type { Db, DisputeState, StripePaymentTable, StripeSettingsTable } from '../../../store/schema.js'
import { readJson, writeJson } from '../../../store/json.js'
import { dialectOf } from '../../../store/prepared.js'
import { openSecret, sealSecret } from '../../../store/secrets.js'
import type { Hints, SaleFacts } from './events.js'

export type StripeSettings = Selectable<StripeSettingsTable>
export type PaymentRow = Selectable<StripePaymentTable>

const DISPUTE_RANK: Record<DisputeState, number> = { open: 1, won: 2, lost: 3 }

/** The settings with the webhook secret opened; it is stored sealed (store/secrets.ts), '' when unset. */
export async function findStripeSettings(db: Db, programId: number): Promise<StripeSettings | undefined> {
  const row = await db.selectFrom('stripe_settings').selectAll().where('program_id', '=', programId).executeTakeFirst()
  return row && opened(db, row)
}

export async function saveStripeSettings(db: Db, programId: number, values: { webhook_secret?: string; reverse_on_dispute?: number }, now: number): Promise<StripeSettings> {
  const existing = await findStripeSettings(db, programId)
  const sealed = values.webhook_secret ? { ...values, webhook_secret: sealSecret(db, values.webhook_secret) } : values
  if (existing) {
    return opened(db, await db.updateTable('stripe_settings').set({ ...sealed, updated_at: now }).where('program_id', '=', programId)
      .returningAll().executeTakeFirstOrThrow())
  }
  return opened(db, await db.insertInto('stripe_settings').values({
    program_id: programId, webhook_secret: sealed.webhook_secret ?? '', reverse_on_dispute: values.reverse_on_dispute ?? 1, updated_at: now,
  }).returningAll().executeTakeFirstOrThrow())
}

function opened(db: Db, row: StripeSettings): StripeSettings {
  return row.webhook_secret === '' ? row : { ...row, webhook_secret: openSecret(db, row.webhook_secret) }
}

/** Claims the event id; false when it was handled before (or is being handled by a concurrent request). */
export async function claimEvent(db: Db, programId: number, eventId: string, type: string, now: number): Promise<boolean> {
  const row = await db.insertInto('stripe_events').values({ program_id: programId, event_id: eventId, type, received_at: now })
    .onConflict((oc) => oc.columns(['program_id', 'event_id']).doNothing()).returning('id').executeTakeFirst()
  return row !== undefined
}

/**
 * Holds the Stripe customer until the transaction ends, so that the events of one customer run one
 * after the other. A subscription's checkout (which ties the customer to ours) and its first
 * invoice (which brings the money) arrive together: run side by side under PostgreSQL's read
 * committed, neither sees the other's uncommitted row, the invoice finds no customer, the checkout
 * no payment, and the sale is never made. A transaction-scoped advisory lock is released by commit
 * or rollback, so a crash leaves nothing held; two customers whose keys hash alike only wait for
 * each other. SQLite needs none: it runs one write transaction at a time.
 */
export async function lockStripeCustomer(db: Db, programId: number, stripeCustomer: string): Promise<void> {
  if (dialectOf(db) !== 'postgres') return
  await sql`select pg_advisory_xact_lock(hashtextextended(${`stripe_customer/${programId}/${stripeCustomer}`}, 0))`.execute(db)
}

export interface PaymentNews {
  stripeCustomer?: string
  sale?: SaleFacts
  refundedMinor?: bigint
  dispute?: DisputeState
  /** The transaction key of the invoice this PaymentIntent (or charge) paid. */
  invoiceKey?: string
}

/**
 * Merges what an event says into the payment's row (created if new) and returns the row, locked
 * until the transaction ends. Merging is order-free: the first sale, customer and invoice stay, the
 * largest refund wins, and a dispute's outcome (won < lost) outranks its opening. Merging nothing
 * only takes the lock (making an empty row if there is none, for a concurrent insert to wait on).
 */
export async function mergePayment(db: Db, programId: number, transactionKey: string, news: PaymentNews, now: number): Promise<PaymentRow> {
  const rank = sql`(case stripe_payments.dispute when 'lost' then 3 when 'won' then 2 when 'open' then 1 else 0 end)`
  const incomingRank = news.dispute ? DISPUTE_RANK[news.dispute] : 0
  return db.insertInto('stripe_payments').values({
    program_id: programId, transaction_key: transactionKey, stripe_customer: news.stripeCustomer ?? null,
    sale: news.sale ? writeJson(news.sale) : null, refunded_minor: news.refundedMinor ?? 0n, dispute: news.dispute ?? null,
    invoice_key: news.invoiceKey ?? null, updated_at: now,
  }).onConflict((oc) => oc.columns(['program_id', 'transaction_key']).doUpdateSet({
    stripe_customer: sql`coalesce(stripe_payments.stripe_customer, excluded.stripe_customer)`,
    sale: sql`coalesce(stripe_payments.sale, excluded.sale)`,
    invoice_key: sql`coalesce(stripe_payments.invoice_key, excluded.invoice_key)`,
    refunded_minor: sql`case when excluded.refunded_minor > stripe_payments.refunded_minor then excluded.refunded_minor else stripe_payments.refunded_minor end`,
    dispute: news.dispute === undefined ? sql`stripe_payments.dispute` : sql`case when ${incomingRank} > ${rank} then excluded.dispute else stripe_payments.dispute end`,
    updated_at: now,
  })).returningAll().executeTakeFirstOrThrow()
}

export function saleOfPayment(row: PaymentRow): SaleFacts | undefined {
  return row.sale === null ? undefined : readJson<SaleFacts>(row.sale)
}

/**
 * The rows of what Stripe said about the sale `transactionKey`: its own row (first) and those of
 * the PaymentIntents or charges that paid it as an invoice. A row that holds a sale of its own is
 * that sale's, not the invoice's (an invoice paid with it was keyed by it, in the older shape).
 */
export async function rowsOfSale(db: Db, programId: number, transactionKey: string): Promise<PaymentRow[]> {
  const rows = await db.selectFrom('stripe_payments').selectAll().where('program_id', '=', programId)
    .where((eb) => eb.or([eb('transaction_key', '=', transactionKey), eb.and([eb('invoice_key', '=', transactionKey), eb('sale', 'is', null)])]))
    .orderBy('id').execute()
  return [...rows.filter((r) => r.transaction_key === transactionKey), ...rows.filter((r) => r.transaction_key !== transactionKey)]
}

/** Ties a Stripe customer to the hints of its checkout (the first checkout's stay). */
export async function linkStripeCustomer(db: Db, programId: number, stripeCustomer: string, hints: Hints): Promise<void> {
  await db.insertInto('stripe_customers').values({ program_id: programId, stripe_customer: stripeCustomer, hints: writeJson(hints) })
    .onConflict((oc) => oc.columns(['program_id', 'stripe_customer']).doNothing()).execute()
}

export async function linkedHints(db: Db, programId: number, stripeCustomer: string | null): Promise<Hints> {
  if (stripeCustomer === null) return {}
  const row = await db.selectFrom('stripe_customers').select('hints').where('program_id', '=', programId)
    .where('stripe_customer', '=', stripeCustomer).executeTakeFirst()
  return row ? readJson<Hints>(row.hints) : {}
}

/** The payments of a Stripe customer, locked (touched) so a concurrent event waits for us. */
export function paymentsOfStripeCustomer(db: Db, programId: number, stripeCustomer: string, now: number): Promise<PaymentRow[]> {
  return db.updateTable('stripe_payments').set({ updated_at: now }).where('program_id', '=', programId)
    .where('stripe_customer', '=', stripeCustomer).returningAll().execute()
}

/** True when the merchant deleted the transaction the payment became: Stripe must not bring it back. */
export async function transactionWasDeleted(db: Db, programId: number, key: string): Promise<boolean> {
  const row = await db.selectFrom('transactions').select('id').where('program_id', '=', programId).where('deleted_key', '=', key).executeTakeFirst()
  return row !== undefined
}
