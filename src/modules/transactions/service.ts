// Transactions (spec §3.7): input read into exact money and times, the customer found (or made,
// with options.create_customer), then recordSale() and friends do the money in one transaction.
import type { Kysely } from 'kysely'
import { badRequest, invalid, invalidField, notFound, type FieldErrors } from '../../domain-errors.js'
import { emit } from '../../events/outbox.js'
import { amountField } from '../../amount-field.js'
import type { Database, Db } from '../../store/schema.js'
import { inTransaction } from '../../store/transaction.js'
import {
  addCustomer, findCustomerByEmail, findCustomerByKey, findCustomerByReference, withUniqueKey, type CustomerRow,
} from '../customers/service.js'
import type { Program } from '../programs/service.js'
import { listedPartnerId, type PartnerNaming } from '../partners/service.js'
import { programSaleView, transactionView, type SaleView, type TransactionView } from './representation.js'
import { addSales, archiveSale, refundSale, removeSale, type Sale } from './sales.js'
import { saleBatchesOf, type KeyedSale } from './sale-batches.js'
import type { NewTransactionInput } from './schemas.js'
import type { SaleInput } from './sale-input.js'
import { findTransactionByKey, listTransactionRows, type TransactionListQuery, type TransactionRow } from './store.js'

// Stripe's events find the sale they concern through here (a missing one is theirs to make).
export { findTransactionByKey, type TransactionRow } from './store.js'
// A lead converted with a sale records it through here.
export { addSale } from './sales.js'

export async function requireTransaction(db: Db, program: Program, key: string): Promise<TransactionRow> {
  const row = await findTransactionByKey(db, program.id, key)
  if (!row) throw notFound('Transaction not found')
  return row
}

/** One sale, or `transactions: [...]` for one customer (answered as a list). */
export async function createTransactions(db: Kysely<Database>, program: Program, input: NewTransactionInput, now = Date.now()) {
  const bulk = input.transactions
  const sales = (bulk ?? [input]).map((s, i) => saleOf(program, s, bulk ? `transactions.${i}.` : '', now))
  const customerKey = input.customer?.key
  // The common case, one sale for a customer named by key, is recorded together with the others arriving with it.
  if (!bulk && !input.options?.create_customer && customerKey !== undefined) {
    return saleBatchesOf(db, recordAlone).record({ program, customerKey, sale: sales[0] as Sale, now })
  }
  const views = await recordSalesAlone(db, program, (tx) => customerOf(tx, program, input, now), sales, now)
  return bulk ? views : views[0]
}

/** Records the sales in a transaction of their own, making or finding their customer first. */
function recordSalesAlone(db: Kysely<Database>, program: Program, customerIn: (tx: Db) => Promise<CustomerRow>, sales: Sale[], now: number): Promise<SaleView[]> {
  // Racing another request for the sale's key (or, creating the customer, for its key or email): the loser gets the 422.
  return withUniqueKey(() => inTransaction(db, async (tx) => {
    const customer = await customerIn(tx)
    return addSales(tx, program, sales.map((sale) => ({ customer, sale })), now)
  }))
}

async function recordAlone(db: Kysely<Database>, { program, customerKey, sale, now }: KeyedSale): Promise<SaleView> {
  const [view] = await recordSalesAlone(db, program, (tx) => namedCustomer(tx, program, { key: customerKey }), [sale], now)
  return view as SaleView
}

export async function refundTransaction(db: Kysely<Database>, program: Program, key: string, amount: unknown, now = Date.now()) {
  const refund = amountField('amount', amount, { positive: true })
  return inTransaction(db, async (tx) => refundInside(tx, program, await requireTransaction(tx, program, key), refund, now))
}

/** A partial refund inside the caller's transaction (the API's, or a Stripe event's), announced. */
export async function refundInside(tx: Db, program: Program, row: TransactionRow, refund: bigint, now: number): Promise<SaleView> {
  if (row.archived_at !== null) throw badRequest('The transaction is archived; restore it before refunding.', 'archived')
  const view = await programSaleView(tx, program, await refundSale(tx, program, row, refund, now))
  await emit(tx, program.id, 'transaction.updated', view, now)
  return view
}

export async function deleteTransaction(db: Kysely<Database>, program: Program, key: string, now = Date.now()): Promise<void> {
  await inTransaction(db, async (tx) => {
    const row = await requireTransaction(tx, program, key)
    const view = await programSaleView(tx, program, row)
    // A concurrent delete got there first: the same answer a second delete gets afterwards.
    if (!await removeSale(tx, program, row, now)) throw notFound('Transaction not found')
    await emit(tx, program.id, 'transaction.deleted', view, now)
  })
}

export async function archiveTransaction(db: Kysely<Database>, program: Program, key: string, archive: boolean, now = Date.now()) {
  await inTransaction(db, async (tx) => {
    const changed = await archiveInside(tx, program, await requireTransaction(tx, program, key), archive, now)
    if (!changed) {
      throw archive
        ? badRequest('The transaction is already archived.', 'already_archived')
        : badRequest('The transaction is not archived.', 'not_archived')
    }
  })
}

/** Archives (or restores) inside the caller's transaction, announced; undefined when it already was. */
export async function archiveInside(tx: Db, program: Program, row: TransactionRow, archive: boolean, now: number): Promise<TransactionRow | undefined> {
  const changed = await archiveSale(tx, program, row, archive, now)
  if (changed) await emit(tx, program.id, 'transaction.updated', await transactionView(tx, changed), now)
  return changed
}

/** The customer a sale belongs to: made now (options.create_customer), or found by key, id or email. */
async function customerOf(tx: Db, program: Program, input: NewTransactionInput, now: number): Promise<CustomerRow> {
  const named = input.customer
  if (input.options?.create_customer) {
    if (!named) throw invalidField('customer', 'The customer field is required.')
    const { id, ...fields } = named
    return addCustomer(tx, program, { ...fields, key: fields.key ?? id, partner: named.partner ?? input.partner, referralUrl: input.options.referral_url }, now)
  }
  if (!named || (named.key === undefined && named.id === undefined && named.email === undefined)) {
    throw invalidField('customer', 'The customer must be named by key, id or email.')
  }
  return namedCustomer(tx, program, named)
}

/**
 * The existing customer a sale names: by key, else by id (an affiliate customer's id is its key or
 * email, as a path names it), else by email.
 */
async function namedCustomer(tx: Db, program: Program, named: { key?: string; id?: string; email?: string }): Promise<CustomerRow> {
  const found = named.key !== undefined
    ? await findCustomerByKey(tx, program.id, named.key)
    : named.id !== undefined
      ? await findCustomerByReference(tx, program, named.id)
      : await findCustomerByEmail(tx, program.id, named.email as string)
  if (!found) throw invalidField('customer', 'The customer was not found.')
  return found
}

/** A sale's input as exact money and a time; every problem is a 422 naming its field. */
export function saleOf(program: Program, input: SaleInput, prefix: string, now: number): Sale {
  const errors: FieldErrors = {}
  const field = <T>(name: string, read: () => T): T | undefined => {
    try {
      return read()
    } catch (err) {
      const messages = (err as { errors?: FieldErrors }).errors
      if (!messages) throw err
      for (const [, list] of Object.entries(messages)) errors[`${prefix}${name}`] = list
      return undefined
    }
  }
  const amount = input.amount === undefined ? undefined : field('amount', () => amountField('amount', input.amount))
  const reward = input.reward === undefined ? undefined : field('reward', () => amountField('reward', input.reward))
  if (input.amount === undefined && input.reward === undefined) errors[`${prefix}amount`] = ['The amount field is required.']
  const createdAt = field('created_at', () => timeOf(input.created_at, now))
  for (const name of ['discount_amount', 'gross_amount'] as const) if (input[name] !== undefined) field(name, () => amountField(name, input[name]))
  if (Object.keys(errors).length > 0) throw invalid(errors)
  const product = {
    ...(input.product_id !== undefined ? { product_id: input.product_id } : {}),
    ...(input.product_type !== undefined ? { product_type: input.product_type } : {}),
  }
  const extra = Object.fromEntries(['discount_amount', 'discount_code', 'gross_amount', 'status']
    .filter((k) => input[k as keyof SaleInput] !== undefined).map((k) => [k, String(input[k as keyof SaleInput])]))
  return {
    key: input.key,
    action: input.action ?? 'sale',
    amount: amount ?? 0n,
    currency: (input.amount_units ?? program.currency).toUpperCase(),
    product,
    rewardable: input.rewardable ?? true,
    rewarded: input.rewarded ?? false,
    reward,
    createdAt: createdAt ?? now,
    extra,
  }
}


/** Unix seconds (docs) or an ISO-8601 string (n8n); a sale may be back-dated, not future-dated by more than a day. */
function timeOf(value: number | string | undefined, now: number): number {
  if (value === undefined) return now
  const ms = typeof value !== 'number' && typeof value !== 'string' ? Number.NaN : typeof value === 'number' || /^\d+$/.test(value) ? Number(value) * 1000 : isoTime(value)
  if (!Number.isFinite(ms) || ms < 0 || ms > now + 86_400_000) {
    throw invalidField('created_at', 'The created at must be Unix seconds or an ISO-8601 date, not in the future.')
  }
  return ms
}

/** A date, then optionally a time (seconds and fraction optional) and a zone. */
const ISO_8601 = /^(\d{4})-(\d{2})-(\d{2})(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})?)?$/

/**
 * Epoch ms of an ISO-8601 text, or NaN. Date.parse alone would take "March 7" or "x 2020" and roll
 * 2025-02-30 over to March; a time without a zone is UTC here, not the server's local time.
 */
function isoTime(text: string): number {
  const match = ISO_8601.exec(text)
  if (!match) return Number.NaN
  const [year, month, day] = match.slice(1, 4).map(Number) as [number, number, number]
  if (month < 1 || month > 12 || new Date(Date.UTC(year, month - 1, day)).getUTCDate() !== day) return Number.NaN
  const zoned = text.length === 10 || match[4] !== undefined ? text : `${text}Z`
  return Date.parse(zoned.replace(' ', 'T'))
}

/** What a transaction list is narrowed to: a key, a partner, a customer. */
export type TransactionFilter = Omit<TransactionListQuery, 'sort' | 'offset' | 'fetch'>

/** The filter for the partner and customer a list names; undefined when one of them names nobody (an empty list). */
export async function transactionFilter(db: Db, program: Program, named: { key?: string; partner: PartnerNaming; customerKey?: string }) {
  const filter: TransactionFilter = { key: named.key }
  const partnerId = await listedPartnerId(db, program, named.partner)
  if (partnerId === null) return undefined
  filter.partnerId = partnerId
  if (named.customerKey !== undefined) {
    const customer = await findCustomerByKey(db, program.id, named.customerKey)
    if (!customer) return undefined
    filter.customerId = customer.id
  }
  return filter
}

/** One window of the program's transactions with their rewards, as the API shows them. */
export async function listTransactions(db: Db, program: Program, q: TransactionListQuery): Promise<SaleView[]> {
  const rows = await listTransactionRows(db, program.id, q)
  return Promise.all(rows.map((r) => programSaleView(db, program, r)))
}

/** A sale as the merchant's admin shows it: the API's view, with what was sold and how much was refunded. */
export interface SaleLine {
  view: TransactionView
  /** micros, as recorded */
  amount: bigint
  /** micros refunded so far */
  refunded: bigint
  archived: boolean
}

/** One window of a customer's live sales, newest first, with their refunds and rewards. */
export async function salesOfCustomer(db: Db, program: Program, customerId: number, page: { offset: number; fetch: number }): Promise<SaleLine[]> {
  const rows = await listTransactionRows(db, program.id, { sort: 'desc', offset: page.offset, fetch: page.fetch, customerId })
  return Promise.all(rows.map(async (r) => ({
    view: await transactionView(db, r), amount: BigInt(r.amount), refunded: BigInt(r.refunded), archived: r.archived_at !== null,
  })))
}
