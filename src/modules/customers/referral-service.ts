// Refer-a-friend customers (spec §3.5, issue 22): a customer may be referred by another, and
// refers with links of its own. Each owns an earner row (partners/earner.ts) that the core keys its
// links, clicks, rewards and ledger by; a referred customer's partner_id is its referrer's earner,
// so the money code credits the referrer unchanged. Counted as the program's customers, referred
// customers and referring customers in the same transaction.
import type { Kysely } from 'kysely'
import { badRequest, invalid, invalidField, notFound, type FieldErrors } from '../../domain-errors.js'
import { emit } from '../../events/outbox.js'
import { writeJson } from '../../store/json.js'
import type { Database, Db } from '../../store/schema.js'
import { inTransaction } from '../../store/transaction.js'
import { randomToken } from '../../tokens.js'
import { epochDay } from '../../wire-time.js'
import { addEarner, bumpPartnerCounts, findPartnerByRowId, keyTaken, linksOfPartner, retireEarner, updateLinkRow } from '../partners/service.js'
import type { Program } from '../programs/service.js'
import { referralRewards, referralRewardValues, reverseSignupRewards, storeSignupRewards } from '../rewards/service.js'
import { rewardView } from '../rewards/representation.js'
import { METRIC } from '../stats/metrics.js'
import { bumpRollups } from '../stats/service.js'
import { referralCustomerView, type ReferralCustomerView } from './referral-representation.js'
import type { NewReferralCustomerInput, ReferralCustomerChanges, ReferralCustomerRef } from './referral-schemas.js'
import {
  listReferralCustomerRows, referralCustomerByEarner, referralCustomerByEmail, referralCustomerById, referralCustomerByLinkKey, referralCustomerByReference,
  referralCustomerByRowId, referralOrdinal,
  type ReferralCustomerRow, type ReferralListQuery,
} from './referral-store.js'
import { findCustomerByEmail, findCustomerByKey, insertCustomer, markCustomerDeleted, updateCustomerRow, type CustomerRow } from './store.js'
import { withUniqueKey } from './service.js'
import { isSelfReferral } from './attribution.js'

export { referralCustomerByEarner, referralCustomerByLinkKey, referralOrdinal, type ReferralCustomerRow } from './referral-store.js'

const LINK_KEY = /^[A-Za-z0-9_-]{1,64}$/

export function isReferralProgram(program: { type: string }): boolean {
  return program.type === 'referral'
}

export function requireReferralProgram(program: Program): void {
  if (!isReferralProgram(program)) {
    throw badRequest(`This endpoint serves refer-a-friend programs; this key belongs to a ${program.type} program.`, 'wrong_program_type')
  }
}

/** `{id}` in a path: the customer's id, then its referral key, then its email. */
export async function resolveReferralCustomer(db: Db, program: Program, ref: string): Promise<ReferralCustomerRow> {
  const row = await referralCustomerByReference(db, program.id, ref)
  if (!row || row.deleted_at !== null) throw notFound('Customer not found')
  return row
}

/**
 * A customer a body names ({id|key|email}; id has priority), or undefined when it names none that
 * exists. Each field is read as what it is: an id as an id, a key as a referral key (then as the id
 * of a customer made with only a key), an email as an email — never one as another, so nobody can
 * take over a customer's key or address by choosing it as an id.
 */
export async function referralCustomerByRef(db: Db, program: Program, ref: ReferralCustomerRef): Promise<ReferralCustomerRow | undefined> {
  const live = (row: ReferralCustomerRow | undefined) => (row && row.deleted_at === null ? row : undefined)
  if (ref.id !== undefined) return live(await referralCustomerById(db, program.id, ref.id))
  if (ref.key !== undefined) return live(await referralCustomerByLinkKey(db, program.id, ref.key) ?? await referralCustomerById(db, program.id, ref.key))
  if (ref.email !== undefined) return live(await referralCustomerByEmail(db, program.id, ref.email))
  return undefined
}

/** The identity a body names a customer by: id, then key, then email (422 when none). */
export function referralRefOf(input: ReferralCustomerRef): string {
  const ref = input.id ?? input.key ?? input.email
  if (ref === undefined) throw invalidField('id', 'The id field is required.')
  return ref
}

export async function viewReferralCustomer(db: Db, program: Program, row: ReferralCustomerRow, base: string): Promise<ReferralCustomerView> {
  const links = row.earner_id === null ? [] : await linksOfPartner(db, program.id, Number(row.earner_id))
  return referralCustomerView(program, row, links, base)
}

export interface NewReferralCustomer extends NewReferralCustomerInput {
  /** The visitor arrived through this referral key (the `partnero_referral` cookie): its owner referred them. */
  referralKey?: string
}

/** Creates the customer inside the caller's transaction; what its sign-up earns is earned with it. */
export async function addReferralCustomer(tx: Db, program: Program, input: NewReferralCustomer, now: number): Promise<ReferralCustomerRow> {
  const id = input.id ?? input.key ?? `cus_${randomToken(16)}`
  const wantedKey = input.key !== undefined && LINK_KEY.test(input.key) ? input.key : undefined
  refuseBorrowedId(id, input.email, wantedKey)
  await refuseTaken(tx, program, { id, email: input.email, key: wantedKey, idAsKey: id !== wantedKey ? id : undefined })
  const referrer = await referrerOf(tx, program, input)
  const { earner } = await addEarner(tx, program, wantedKey, now)
  const rowId = await insertCustomer(tx, {
    program_id: program.id, key: id, deleted_key: null, partner_id: referrer ? Number(referrer.earner_id) : null,
    link_id: null, click_id: null, self_referral: 0, email: input.email ?? null, email_lower: input.email?.toLowerCase() ?? null,
    name: input.name ?? null, surname: input.surname ?? null, status: 'active', archived: 0, tags: writeJson([]), referral_url: null,
    created_at: now, updated_at: now, deleted_at: null, earner_id: earner.id, approved: input.approved === false ? 0 : 1,
    metadata: input.metadata ? writeJson(input.metadata) : null, custom_fields: input.custom_fields ? writeJson(input.custom_fields) : null,
  })
  await countCustomer(tx, program, referrer ? Number(referrer.earner_id) : null, now, 1)
  const row = await reloadReferralCustomer(tx, program, rowId)
  if (referrer) await rewardSignup(tx, program, row, Number(referrer.earner_id), now)
  return row
}

export async function createReferralCustomer(db: Kysely<Database>, program: Program, input: NewReferralCustomer, base: string, now = Date.now()): Promise<ReferralCustomerView> {
  return withUniqueKey(() => inTransaction(db, async (tx) => {
    const row = await addReferralCustomer(tx, program, input, now)
    return announce(tx, program, row, 'customer.created', base, now)
  }))
}

/** The referrer the body names, else the owner of the referral key the visitor arrived with; a named one that does not exist is a 422. */
async function referrerOf(tx: Db, program: Program, input: NewReferralCustomer): Promise<ReferralCustomerRow | undefined> {
  const named = input.referring_customer
  if (named && Object.keys(named).length > 0) {
    const found = await referralCustomerByRef(tx, program, named)
    if (!found) throw invalidField('referring_customer', 'The referring customer was not found.')
    return found
  }
  return input.referralKey === undefined ? undefined : referralCustomerByLinkKey(tx, program.id, input.referralKey)
}

/** An id that is an email address must be the customer's own: another's would answer for that address. */
function refuseBorrowedId(id: string, email: string | undefined, key: string | undefined): void {
  if (id.includes('@') && id.toLowerCase() !== email?.toLowerCase()) {
    throw invalidField(key === id ? 'key' : 'id', 'An id that is an email address must be the customer\'s own email.')
  }
}

async function refuseTaken(tx: Db, program: Program, wanted: { id?: string; email?: string; key?: string; idAsKey?: string }): Promise<void> {
  const errors: FieldErrors = {}
  if (wanted.id !== undefined && await findCustomerByKey(tx, program.id, wanted.id)) errors.id = ['The id has already been taken.']
  // An id that is another customer's referral key would answer for that key where a key falls back to the id.
  else if (wanted.idAsKey !== undefined && await keyTaken(tx, program.id, wanted.idAsKey)) errors.id = ['The id has already been taken.']
  if (wanted.email !== undefined && await findCustomerByEmail(tx, program.id, wanted.email)) errors.email = ['The email has already been taken.']
  if (wanted.key !== undefined && await keyTaken(tx, program.id, wanted.key)) errors.key = ['The key has already been taken.']
  if (Object.keys(errors).length > 0) throw invalid(errors)
}

/**
 * Every customer counts as one of the program's customers; a referred one also as a sign-up and a
 * referral of its referrer, whose first referral makes it a referring customer.
 */
async function countCustomer(tx: Db, program: Program, referrerEarnerId: number | null, at: number, sign: 1 | -1, now = at) {
  await bumpRollups(tx, program.id, epochDay(at), [{ metric: METRIC.customers, value: sign }])
  if (referrerEarnerId === null) return
  const after = await bumpPartnerCounts(tx, program.id, referrerEarnerId, { signups: sign, referrals_count: sign })
  await bumpRollups(tx, program.id, epochDay(at), [{ metric: METRIC.referredCustomers, value: sign }, { metric: METRIC.signups, value: sign }])
  // A deleted referrer stopped counting as a referring customer when it was deleted (deleteReferralCustomer).
  if (after && after.deleted_at === null && Number(after.referrals_count) === (sign === 1 ? 1 : 0)) {
    await bumpRollups(tx, program.id, epochDay(now), [{ metric: METRIC.referringCustomers, value: sign }])
  }
}

/** What the friend's sign-up earns the referrer and the friend, stored and announced. */
async function rewardSignup(tx: Db, program: Program, friend: ReferralCustomerRow, referrerEarnerId: number, now: number): Promise<void> {
  if (refersSelf(friend)) return
  const occurrence = await referralOrdinal(tx, program.id, referrerEarnerId, friend.id)
  const earned = approvedSides(referralRewards(program.settings.program.referral_rewards, { trigger: 'signup' },
    { programCurrency: program.currency, occurrence, friendSince: Number(friend.created_at) }), friend)
  const values = referralRewardValues(earned, {
    programId: program.id, referrerId: referrerEarnerId, friendId: friend.earner_id === null ? null : Number(friend.earner_id),
    customerId: friend.id, transactionId: null, kind: 'signup', amount: 0n, earnedAt: Number(friend.created_at),
  }, now)
  for (const reward of await storeSignupRewards(tx, values, Number(friend.created_at), now)) {
    await announceRewarded(tx, program, Number(reward.partner_id), reward, now)
  }
}

/**
 * The rewards a customer the merchant has not approved (`approved: false`) would earn are not
 * earned: an unapproved referrer's side, an unapproved friend's side, while it stays so.
 */
export function approvedSides<T extends { side: 'referrer' | 'friend' }>(earned: T[], friend: { approved: number | bigint; referrer_approved?: number | bigint | null }): T[] {
  return earned.filter((e) => Number(e.side === 'friend' ? friend.approved : friend.referrer_approved ?? 1) === 1)
}

/**
 * A friend whose address is its referrer's own mailbox (`+tags` and Gmail's dots aside) referred
 * itself: it earns nobody anything, as a self-referral earns a partner nothing.
 */
export function refersSelf(friend: { email: string | null; referrer_email?: string | null }): boolean {
  return !!friend.referrer_email && isSelfReferral(friend.email, friend.referrer_email)
}

/** customer.rewarded: the customer who earned, and the reward (as the reward events show one). */
export async function announceRewarded(tx: Db, program: Program, earnerId: number, reward: Parameters<typeof rewardView>[0], now: number): Promise<void> {
  const earner = await referralCustomerByEarner(tx, program.id, earnerId)
  if (!earner) return
  const friend = reward.customer_id === null ? undefined : await referralCustomerByRowId(tx, program.id, Number(reward.customer_id))
  await emit(tx, program.id, 'customer.rewarded', {
    customer: { id: earner.key, key: earner.link_key, email: earner.email },
    reward: rewardView(reward, { partner_public_id: null, transaction_key: null, customer_key: friend?.key ?? null }),
  }, now)
}

export async function updateReferralCustomer(db: Kysely<Database>, program: Program, ref: string, changes: ReferralCustomerChanges, base: string, now = Date.now()) {
  return withUniqueKey(() => inTransaction(db, async (tx) => {
    const row = await resolveReferralCustomer(tx, program, ref)
    const emailChanged = changes.email !== undefined && changes.email.toLowerCase() !== row.email_lower
    const keyChanged = changes.key !== undefined && changes.key !== row.link_key
    await refuseTaken(tx, program, { email: emailChanged ? changes.email : undefined, key: keyChanged ? changes.key : undefined })
    await updateCustomerRow(tx, program.id, row.id, {
      ...(changes.email !== undefined ? { email: changes.email, email_lower: changes.email.toLowerCase() } : {}),
      ...(changes.name !== undefined ? { name: changes.name } : {}),
      ...(changes.surname !== undefined ? { surname: changes.surname } : {}),
      ...(changes.approved !== undefined ? { approved: changes.approved ? 1 : 0 } : {}),
      ...(changes.metadata !== undefined ? { metadata: writeJson(changes.metadata) } : {}),
      ...(changes.custom_fields !== undefined ? { custom_fields: writeJson(changes.custom_fields) } : {}),
      updated_at: now,
    })
    if (keyChanged && row.earner_id !== null) await renameDefaultLink(tx, program, Number(row.earner_id), changes.key as string)
    return announce(tx, program, await reloadReferralCustomer(tx, program, row.id), 'customer.updated', base, now)
  }))
}

async function renameDefaultLink(tx: Db, program: Program, earnerId: number, key: string): Promise<void> {
  const [link] = await linksOfPartner(tx, program.id, earnerId)
  if (link) await updateLinkRow(tx, program.id, link.id, { key })
}

/**
 * Deletes the customer: its id, email and referral keys are free again; its sales go (`removeSales`,
 * from the transactions module, reverses what they earned) and so does what its sign-up earned.
 * The customers it referred stay, no longer referred by anyone live.
 */
export async function deleteReferralCustomer(db: Kysely<Database>, program: Program, ref: string,
  removeSales: (tx: Db, customer: CustomerRow) => Promise<void>, base: string, now = Date.now()): Promise<void> {
  await inTransaction(db, async (tx) => {
    const row = await resolveReferralCustomer(tx, program, ref)
    const view = await viewReferralCustomer(tx, program, row, base)
    if (!await markCustomerDeleted(tx, row, now)) throw notFound('Customer not found')
    await removeSales(tx, row)
    await reverseSignupRewards(tx, program.id, row.id, now)
    await countCustomer(tx, program, row.partner_id === null ? null : Number(row.partner_id), Number(row.created_at), -1, now)
    const earner = row.earner_id === null ? undefined : await findPartnerByRowId(tx, program.id, Number(row.earner_id))
    if (earner) {
      await retireEarner(tx, earner, now)
      // It referred someone: it was a referring customer, and is one no more.
      if (Number(earner.referrals_count) > 0) await bumpRollups(tx, program.id, epochDay(now), [{ metric: METRIC.referringCustomers, value: -1 }])
    }
    await emit(tx, program.id, 'customer.deleted', { ...view, status: 'deleted' }, now)
  })
}

export async function listReferralCustomers(db: Db, program: Program, q: ReferralListQuery, base: string): Promise<ReferralCustomerView[]> {
  const rows = await listReferralCustomerRows(db, program.id, q)
  return Promise.all(rows.map((row) => viewReferralCustomer(db, program, row, base)))
}

export async function reloadReferralCustomer(db: Db, program: Program, id: number): Promise<ReferralCustomerRow> {
  const row = await referralCustomerByRowId(db, program.id, id)
  if (!row) throw notFound('Customer not found')
  return row
}

async function announce(tx: Db, program: Program, row: ReferralCustomerRow, event: string, base: string, now: number): Promise<ReferralCustomerView> {
  const view = await viewReferralCustomer(tx, program, row, base)
  await emit(tx, program.id, event, view, now)
  return view
}

export interface Friend {
  id: number
  name: string | null
  surname: string | null
  email: string | null
  since: number
  /** Live sales: 0 while the friend has only signed up. */
  sales: number
}

/** The friends a customer referred, newest first, for its own page (the page decides what to mask). */
export async function referredFriends(db: Db, program: Program, earnerId: number, page: { offset: number; fetch: number }): Promise<Friend[]> {
  const rows = await listReferralCustomerRows(db, program.id, { sort: 'desc', offset: page.offset, fetch: page.fetch, referrerEarnerId: earnerId })
  return rows.map((r) => ({ id: Number(r.id), name: r.name, surname: r.surname, email: r.email, since: Number(r.created_at), sales: Number(r.live_sales) }))
}
