// Affiliate customers: created attributed to a partner (by id, any referral key or email, or the
// link a referral URL carries), looked up by key then email, and counted on the partner
// (signups, referrals_count) and the program (signups, customers) in the same transaction.
import type { Kysely } from 'kysely'
import { badRequest, invalid, invalidField, notFound, type FieldErrors } from '../../domain-errors.js'
import { emit } from '../../events/outbox.js'
import { writeJson } from '../../store/json.js'
import type { Database, Db } from '../../store/schema.js'
import { inTransaction } from '../../store/transaction.js'
import { withUniqueIndex } from '../../store/unique.js'
import { epochDay } from '../../wire-time.js'
import {
  bumpPartnerCounts, findPartnerByRowId, linksOfPartner, partnerByIdentity, uniqueTags, type PartnerRow,
} from '../partners/service.js'
import { isSelfReferral, liveClick, visitorClick } from './attribution.js'
// The snippet's refer-a-friend sign-up finds the click a click id names through here.
export { liveClick } from './attribution.js'
import type { Program } from '../programs/service.js'
import { findLink } from '../referral-links/service.js'
import { keyInUrl } from '../programs/referral-urls.js'
import { METRIC } from '../stats/metrics.js'
import { bumpRollups } from '../stats/service.js'
import { customerView, type CustomerView } from './representation.js'
import { CUSTOMER_KEY_PATTERN, type CustomerChanges, type NestedCustomer } from './schemas.js'
import {
  findCustomerByEmail, findCustomerByKey, findCustomerByRowId, insertCustomer, listCustomerRows, markCustomerDeleted, moveCustomerState,
  updateCustomerRow, type ClickRow, type CustomerListQuery, type CustomerRow, type CustomerState,
} from './store.js'

// Refer-a-friend customers (referral-service.ts): sales find, reward and announce them through here.
export {
  addReferralCustomer, announceRewarded, approvedSides, createReferralCustomer, refersSelf, isReferralProgram, referralCustomerByEarner, referralCustomerByRef, referralOrdinal,
  referralRefOf, reloadReferralCustomer, requireReferralProgram, resolveReferralCustomer, deleteReferralCustomer, type ReferralCustomerRow,
} from './referral-service.js'
export { referralCustomerByRowId } from './referral-store.js'
export { referredFriends, viewReferralCustomer, type Friend } from './referral-service.js'
export { creditBalance, customerBalance, customerStats } from './balance.js'
export { invitedAddresses, inviteFriends } from './invite.js'
export type { ReferralCustomerRef } from './referral-schemas.js'
// Sales, leads and Stripe find customers, and sales count theirs, through here.
export { bumpLiveSales, findCustomerByEmail, findCustomerByKey, findCustomersByKeys, livePartnerId, type CustomerRow } from './store.js'

export function requireAffiliateCustomers(program: Program): void {
  if (program.type !== 'affiliate') {
    throw badRequest(`This endpoint serves affiliate programs; this key belongs to a ${program.type} program.`, 'wrong_program_type')
  }
}

/** `{key}` in a path: the customer key first, then the email (architecture §6.1). */
export async function resolveCustomer(db: Db, program: Program, ref: string): Promise<CustomerRow> {
  const row = await findCustomerByReference(db, program, ref)
  if (!row) throw notFound('Customer not found')
  return row
}

/** A customer reference as paths and `customer.id` carry it: the key, then the email. */
export async function findCustomerByReference(db: Db, program: Program, ref: string): Promise<CustomerRow | undefined> {
  return await findCustomerByKey(db, program.id, ref) ?? (ref.includes('@') ? await findCustomerByEmail(db, program.id, ref) : undefined)
}

/** The customer a body names: its key, else its email (422 when it names neither). */
export function customerRefOf(input: { key?: string; email?: string }): string {
  const ref = input.key ?? input.email
  if (ref === undefined) throw invalidField('key', 'The key field is required.')
  return ref
}

export async function reloadCustomer(db: Db, program: Program, id: number): Promise<CustomerRow> {
  const row = await findCustomerByRowId(db, program.id, id)
  if (!row) throw notFound('Customer not found')
  return row
}

export interface NewCustomer extends NestedCustomer {
  referralUrl?: string
  /** The visitor hash of a sign-up from the merchant's page: finds the click that brought them. */
  visitor?: string
}

/** Creates a customer inside the caller's transaction; the partner must exist (400 otherwise). */
export async function addCustomer(tx: Db, program: Program, input: NewCustomer, now: number): Promise<CustomerRow> {
  // A partner-attributed customer exists in affiliate programs only (refer-a-friend: addReferralCustomer).
  requireAffiliateCustomers(program)
  const errors: FieldErrors = {}
  if (input.key === undefined) errors.key = ['The key field is required.']
  if (input.partner === undefined) errors.partner = ['The partner field is required.']
  if (Object.keys(errors).length > 0) throw invalid(errors)
  await refuseTaken(tx, program, { key: input.key, email: input.email })
  const { partner, click } = await crediting(tx, program, input, now)
  if (!partner) throw badRequest('Invalid partner key', 'invalid_partner')
  const linkId = click ? click.linkId : await creditedLink(tx, program, partner, input)
  const clickId = click?.id ?? (input.visitor && linkId !== null ? (await visitorClick(tx, program, linkId, input.visitor, now))?.id : undefined)
  const id = await insertCustomer(tx, {
    program_id: program.id, key: input.key as string, deleted_key: null, partner_id: partner.id, link_id: linkId,
    click_id: clickId ?? null, self_referral: isSelfReferral(input.email, partner.email) ? 1 : 0,
    email: input.email ?? null, email_lower: input.email?.toLowerCase() ?? null, name: input.name ?? null,
    surname: input.surname ?? null, status: 'active', archived: 0, tags: writeJson(uniqueTags(input.tags ?? [])),
    referral_url: input.referralUrl ?? null, created_at: now, updated_at: now, deleted_at: null,
  })
  await countReferral(tx, program, partner.id, now, 1)
  const row = await reloadCustomer(tx, program, id)
  await emit(tx, program.id, 'customer.created', customerView(row), now)
  return row
}

export async function createCustomer(db: Kysely<Database>, program: Program, input: NewCustomer, now = Date.now()): Promise<CustomerView> {
  return withUniqueKey(() => inTransaction(db, async (tx) => customerView(await addCustomer(tx, program, input, now))))
}

const KEY_FORMAT = new RegExp(CUSTOMER_KEY_PATTERN)

export async function updateCustomer(db: Kysely<Database>, program: Program, ref: string, changes: CustomerChanges, now = Date.now()) {
  // The flat form's `key` is checked only as a name on the way in (it may name the customer); as a new key it must fit the format.
  if (changes.key !== undefined && !KEY_FORMAT.test(changes.key)) throw invalidField('key', 'The key format is invalid.')
  return withUniqueKey(() => inTransaction(db, async (tx) => {
    const row = await resolveCustomer(tx, program, ref)
    const emailChanged = changes.email !== undefined && changes.email.toLowerCase() !== row.email_lower
    await refuseTaken(tx, program, { key: changes.key !== row.key ? changes.key : undefined, email: emailChanged ? changes.email : undefined })
    await updateCustomerRow(tx, program.id, row.id, {
      ...(changes.key !== undefined ? { key: changes.key } : {}),
      ...(changes.email !== undefined ? { email: changes.email, email_lower: changes.email.toLowerCase() } : {}),
      ...(changes.name !== undefined ? { name: changes.name } : {}),
      ...(changes.surname !== undefined ? { surname: changes.surname } : {}),
      ...(changes.tags !== undefined ? { tags: writeJson(uniqueTags(changes.tags)) } : {}),
      updated_at: now,
    })
    return announce(tx, program, row.id, 'customer.updated', now)
  }))
}

/**
 * Deletes the customer; the key is free again. Its sales belong to the transactions module, which
 * builds on this one: `removeSales` takes them away (reversing their commissions) once the customer
 * is marked and before it is uncounted (transactions/customer-sales.ts).
 */
export async function deleteCustomer(db: Kysely<Database>, program: Program, ref: string,
  removeSales: (tx: Db, customer: CustomerRow) => Promise<void>, now = Date.now()): Promise<void> {
  await inTransaction(db, async (tx) => {
    const row = await resolveCustomer(tx, program, ref)
    // Marked first, on a condition: of two deletes racing, the second finds nothing left to delete.
    if (!await markCustomerDeleted(tx, row, now)) throw notFound('Customer not found')
    await removeSales(tx, row)
    if (row.partner_id !== null) await countReferral(tx, program, Number(row.partner_id), Number(row.created_at), -1, now)
    await emit(tx, program.id, 'customer.deleted', customerView({ ...row, deleted_at: now }), now)
  })
}

export type CustomerAction = 'suspend' | 'approve' | 'archive' | 'revoke-archive'

/** Each action moves the customer from one state to another; from any other state it is a 400. */
const TRANSITIONS: Record<CustomerAction, { from: CustomerState; to: CustomerState; refusal: [message: string, code: string] }> = {
  suspend: { from: { status: 'active' }, to: { status: 'suspended' }, refusal: ['The customer is already suspended.', 'already_suspended'] },
  approve: { from: { status: 'suspended' }, to: { status: 'active' }, refusal: ['The customer is not suspended.', 'not_suspended'] },
  archive: { from: { archived: 0 }, to: { archived: 1 }, refusal: ['The customer is already archived.', 'already_archived'] },
  'revoke-archive': { from: { archived: 1 }, to: { archived: 0 }, refusal: ['The customer is not archived.', 'not_archived'] },
}

/** Suspended and archived customers earn their partner nothing; an action that does not apply is a 400. */
export async function changeCustomerState(db: Kysely<Database>, program: Program, ref: string, action: CustomerAction, now = Date.now()) {
  return inTransaction(db, async (tx) => {
    const row = await resolveCustomer(tx, program, ref)
    const { from, to, refusal } = TRANSITIONS[action]
    // One conditional UPDATE: of two requests racing, only the first finds the customer in `from`.
    if (!await moveCustomerState(tx, row, from, { ...to, updated_at: now })) throw badRequest(...refusal)
    return announce(tx, program, row.id, 'customer.updated', now)
  })
}

/**
 * A referred customer counts as a sign-up and a referral of its partner, and as a sign-up and a
 * customer of the program on the day it signed up; the first one makes the partner one "with sign-ups".
 */
async function countReferral(tx: Db, program: Program, partnerId: number, signedUpAt: number, sign: 1 | -1, now = signedUpAt) {
  const after = await bumpPartnerCounts(tx, program.id, partnerId, { signups: sign, referrals_count: sign })
  await bumpRollups(tx, program.id, epochDay(signedUpAt), [{ metric: METRIC.signups, value: sign }, { metric: METRIC.customers, value: sign }])
  const crossed = after && Number(after.referrals_count) === (sign === 1 ? 1 : 0)
  if (crossed) await bumpRollups(tx, program.id, epochDay(now), [{ metric: METRIC.partnersWithSignups, value: sign }])
}

/** The partner named by id, key or email, or by a click id (`clk_…`) in place of the key. */
async function crediting(tx: Db, program: Program, input: NewCustomer, now: number): Promise<{ partner?: PartnerRow; click?: ClickRow }> {
  const partner = await partnerByIdentity(tx, program, input.partner ?? {})
  if (partner || input.partner?.key === undefined) return { partner }
  const click = await liveClick(tx, program, input.partner.key, now)
  return click ? { partner: await findPartnerByRowId(tx, program.id, click.partnerId), click } : {}
}

/** The link that gets the credit: the one the referral URL carries, else the key the partner was named by, else the default. */
async function creditedLink(tx: Db, program: Program, partner: PartnerRow, input: NewCustomer): Promise<number | null> {
  const key = input.referralUrl !== undefined ? keyInUrl(program, input.referralUrl) : input.partner?.key
  if (input.referralUrl !== undefined) {
    const link = key === undefined ? undefined : await findLink(tx, program.id, key)
    if (!link || Number(link.partner_id) !== partner.id) {
      throw invalidField('options.referral_url', 'The referral URL does not carry a referral link of this partner.')
    }
    return Number(link.id)
  }
  if (key !== undefined) {
    const link = await findLink(tx, program.id, key)
    if (link) return Number(link.id)
  }
  const [first] = await linksOfPartner(tx, program.id, partner.id)
  return first ? Number(first.id) : null
}

async function refuseTaken(tx: Db, program: Program, wanted: { key?: string; email?: string }): Promise<void> {
  const errors: FieldErrors = {}
  if (wanted.key !== undefined && await findCustomerByKey(tx, program.id, wanted.key)) errors.key = ['The key has already been taken.']
  if (wanted.email !== undefined && await findCustomerByEmail(tx, program.id, wanted.email)) errors.email = ['The email has already been taken.']
  if (Object.keys(errors).length > 0) throw invalid(errors)
}

/** Two requests racing for one key or email (a customer's, or a transaction's key): the loser gets the 422. */
export function withUniqueKey<T>(work: () => Promise<T>): Promise<T> {
  return withUniqueIndex(work, (text) => (/email/.test(text) ? 'email' : 'key'), (field) => invalidField(field, `The ${field} has already been taken.`))
}

async function announce(tx: Db, program: Program, id: number, event: string, now: number): Promise<CustomerView> {
  const view = customerView(await reloadCustomer(tx, program, id))
  await emit(tx, program.id, event, view, now)
  return view
}

/** One window of the program's customers (narrowed by partner, key or email), as the API shows them. */
export async function listCustomers(db: Db, program: Program, q: CustomerListQuery): Promise<CustomerView[]> {
  return (await listCustomerRows(db, program.id, q)).map(customerView)
}

export interface Referral {
  id: number
  name: string | null
  surname: string | null
  email: string | null
  status: string
  sales: number
  since: number
}

/** The customers a partner brought, newest first, for its portal (the page decides what to mask). */
export async function partnerReferrals(db: Db, program: Program, partnerId: number, page: { offset: number; fetch: number }): Promise<Referral[]> {
  const rows = await listCustomerRows(db, program.id, { sort: 'desc', offset: page.offset, fetch: page.fetch, partnerId })
  return rows.map((r) => ({
    id: Number(r.id), name: r.name, surname: r.surname, email: r.email, status: r.archived === 1 ? 'archived' : r.status,
    sales: Number(r.live_sales), since: Number(r.created_at),
  }))
}
