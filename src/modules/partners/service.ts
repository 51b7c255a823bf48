// Partner rules: creation with a default referral link, updates (including moving the default
// key), the approval and archive state machine, deletion, and look-ups by id, key or email.
// Every change announces itself in the outbox, with the partner as GET shows it.
import type { Kysely } from 'kysely'
import type { Database, Db, PartnerStatus } from '../../store/schema.js'
import { inTransaction } from '../../store/transaction.js'
import { withUniqueIndex } from '../../store/unique.js'
import { writeJson } from '../../store/json.js'
import { emit } from '../../events/outbox.js'
import { badRequest, invalid, invalidField, notFound, type FieldErrors } from '../../domain-errors.js'
import { epochDay } from '../../wire-time.js'
import { randomToken } from '../../tokens.js'
import { bumpRollups, type RollupDelta } from '../stats/service.js'
import { METRIC } from '../stats/metrics.js'
import { programDomains, type Program } from '../programs/service.js'
import { insertLink, keyTaken, linksOfPartner, updateLinkRow } from './link-store.js'
import { savedMethodChange } from './payout-method.js'
import { generatedPassword, hashPassword, isStrongEnough } from './password.js'
import { partnerListItem, partnerView, type PartnerView } from './representation.js'
import type { NewPartnerInput, PartnerChanges, PartnerRef } from './schemas.js'
import {
  findPartnerByEmail, findPartnerById, findPartnerByKey, insertPartner, listPartnerRows, markPartnerDeleted, partnerPartsByRef,
  partnerPartsByRowId, updatePartnerRow, type PartnerListQuery, type PartnerRow,
} from './store.js'

// Referral links build on partners: they read and write a partner's link rows through here.
export { deleteLinkRow, insertLink, keyTaken, linksOfPartner, makeDefault, updateLinkRow, type LinkRow } from './link-store.js'
// Customers, sales, the ledger and payouts find a partner by row and move its counts and money through here.
// Refer-a-friend customers refer through an earner row (customers/referral-service.ts).
export { addEarner, freshKey, lockEarner, retireEarner } from './earner.js'
export { addPartnerClicks, bumpPartnerCounts, bumpPartnersCounts, findPartnerByRowId, type PartnerRow } from './store.js'

const KEY_ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789'
const PASSWORD_RULE = 'The password must be at least 8 characters long and contain a lower-case letter, an upper-case letter and a digit.'

export function requireAffiliate(program: Program): void {
  if (program.type !== 'affiliate') {
    throw badRequest(`Partners belong to affiliate programs; this key belongs to a ${program.type} program.`, 'wrong_program_type')
  }
}

/** `{id}` in a path: the partner id first, then any of the partner's referral keys (architecture §6.1). */
export async function resolvePartner(db: Db, program: Program, ref: string): Promise<PartnerRow> {
  const row = await findPartnerById(db, program.id, ref) ?? await findPartnerByKey(db, program.id, ref)
  if (!row) throw notFound('Partner not found')
  return row
}

/** Every spelling clients use to name a partner: `partner{id|key|email}` and the flat `partner_id`, `partner_key`, `partner_email`. */
export interface PartnerNaming {
  partner?: PartnerRef
  partner_id?: string
  partner_key?: string
  partner_email?: string
}

/** The partner a request names (the flat spellings win over the nested ones), or undefined when it names none. */
export function partnerRefOf(input: PartnerNaming): PartnerRef | undefined {
  const ref: PartnerRef = { ...input.partner }
  if (input.partner_id !== undefined) ref.id = input.partner_id
  if (input.partner_key !== undefined) ref.key = input.partner_key
  if (input.partner_email !== undefined) ref.email = input.partner_email
  return ref.id === undefined && ref.key === undefined && ref.email === undefined ? undefined : ref
}

/** `{id|key|email}` in a body: whichever is given, in that order. */
export async function partnerByIdentity(db: Db, program: Program, ref: PartnerRef, field = 'partner'): Promise<PartnerRow | undefined> {
  if (ref.id !== undefined) return findPartnerById(db, program.id, ref.id)
  if (ref.key !== undefined) return findPartnerByKey(db, program.id, ref.key)
  if (ref.email !== undefined) return findPartnerByEmail(db, program.id, ref.email)
  throw invalidField(field, `The ${field} must be named by id, key or email.`)
}

/** The partner a list is narrowed to: undefined when the request names none, null when it names one that does not exist (an empty list). */
export async function listedPartnerId(db: Db, program: Program, input: PartnerNaming): Promise<number | null | undefined> {
  const ref = partnerRefOf(input)
  if (ref === undefined) return undefined
  return (await partnerByIdentity(db, program, ref))?.id ?? null
}

export async function requirePartnerByIdentity(db: Db, program: Program, ref: PartnerRef): Promise<PartnerRow> {
  const row = await partnerByIdentity(db, program, ref)
  if (!row) throw notFound('Partner not found')
  return row
}

export async function viewPartner(db: Db, program: Program, row: PartnerRow, base: string): Promise<PartnerView> {
  const parts = await partnerPartsByRowId(db, program.id, row.id)
  if (!parts) throw notFound('Partner not found')
  return partnerView(program, parts, base)
}

/** GET /v1/partners/{id}: resolved as resolvePartner() does, read in one statement. */
export async function viewPartnerByRef(db: Db, program: Program, ref: string, base: string): Promise<PartnerView> {
  const parts = await partnerPartsByRef(db, program.id, ref)
  if (!parts) throw notFound('Partner not found')
  return partnerView(program, parts, base)
}

/** A page of partners (or of those matching the search filters), as list items. */
export async function listPartners(db: Db, program: Program, query: PartnerListQuery, base: string) {
  const rows = await listPartnerRows(db, program.id, query)
  const needsDomains = rows.some((r) => r.default_domain_id !== null)
  const hosts = new Map((needsDomains ? await programDomains(db, program.id) : []).map((d) => [Number(d.id), d.domain]))
  return rows.map((r) => partnerListItem(program, r, r.default_key === null ? undefined : {
    key: r.default_key,
    landingUrl: r.default_landing_url,
    domain: r.default_domain_id === null ? null : hosts.get(Number(r.default_domain_id)) ?? null,
  }, base))
}

/** A page of the program's partners as stored, with their default key: the admin's list, which shows no more than that. */
export function partnerRows(db: Db, program: Program, query: PartnerListQuery) {
  return listPartnerRows(db, program.id, query)
}

/** An applicant (portal sign-up) verifies the address first; a partner the merchant creates through the API is vouched for. */
export interface PartnerOrigin { applicant?: boolean }

export async function createPartner(db: Kysely<Database>, program: Program, input: NewPartnerInput, base: string, now = Date.now(), origin: PartnerOrigin = {}) {
  if (input.password !== undefined && !isStrongEnough(input.password)) throw invalidField('password', PASSWORD_RULE)
  const passwordHash = await hashPassword(input.password ?? generatedPassword())
  return withUniqueFields(() => inTransaction(db, async (tx) => {
    await refuseTaken(tx, program, { id: input.id, email: input.email, key: input.key })
    let referrer: PartnerRow | undefined
    if (input.referring_partner) {
      referrer = await partnerByIdentity(tx, program, input.referring_partner, 'referring_partner')
      if (!referrer) throw invalidField('referring_partner', 'The referring partner was not found.')
    }
    const approved = program.settings.program.partner_auto_approve
    const row = await insertPartner(tx, {
      program_id: program.id,
      public_id: input.id ?? await freshToken(tx, program, 'id'),
      email: input.email,
      email_lower: input.email.toLowerCase(),
      name: input.name ?? null,
      surname: input.surname ?? null,
      password_hash: passwordHash,
      status: approved ? 'active' : 'pending',
      approved: approved ? 1 : 0,
      status_before_archive: null,
      tos: input.tos ? 1 : 0,
      tags: writeJson(uniqueTags(input.tags ?? [])),
      custom_fields: writeJson(fieldList(input.custom_fields ?? {})),
      referring_partner_id: referrer ? referrer.id : null,
      email_verified_at: origin.applicant ? null : now,
      created_at: now,
      updated_at: now,
    })
    await insertLink(tx, {
      program_id: program.id, partner_id: row.id, key: input.key ?? await freshToken(tx, program, 'key'), is_default: 1,
      domain_id: null, landing_url: null, direct_tracking: 0, direct_tracking_redirect: 0, direct_tracking_redirect_url: null, created_at: now,
    })
    await bumpRollups(tx, program.id, epochDay(now), [{ metric: METRIC.partners, value: 1 }, ...stateDeltas(undefined, row)])
    return announce(tx, program, row, 'partner.created', base, now)
  }))
}

export async function updatePartner(db: Kysely<Database>, program: Program, target: (tx: Db) => Promise<PartnerRow>, changes: PartnerChanges, base: string, now = Date.now()) {
  if (changes.password !== undefined && !isStrongEnough(changes.password)) throw invalidField('password', PASSWORD_RULE)
  const passwordHash = changes.password === undefined ? undefined : await hashPassword(changes.password)
  const payout = savedMethodChange(changes)
  return withUniqueFields(() => inTransaction(db, async (tx) => {
    const row = await target(tx)
    const emailChanged = changes.email !== undefined && changes.email.toLowerCase() !== row.email_lower
    await refuseTaken(tx, program, { email: emailChanged ? changes.email : undefined })
    if (changes.key !== undefined) await moveDefaultKey(tx, program, row, changes.key)
    const updated = await updatePartnerRow(tx, row, {
      ...(changes.email !== undefined ? { email: changes.email, email_lower: changes.email.toLowerCase() } : {}),
      ...(changes.name !== undefined ? { name: changes.name } : {}),
      ...(changes.surname !== undefined ? { surname: changes.surname } : {}),
      ...(passwordHash !== undefined ? { password_hash: passwordHash } : {}),
      ...(changes.tags !== undefined ? { tags: writeJson(uniqueTags(changes.tags)) } : {}),
      ...(changes.custom_fields !== undefined ? { custom_fields: writeJson(fieldList(changes.custom_fields)) } : {}),
      ...(changes.tos !== undefined ? { tos: changes.tos ? 1 : 0 } : {}),
      ...(payout !== undefined ? { payout: writeJson(payout) } : {}),
      updated_at: now,
    })
    return announce(tx, program, updated, 'partner.updated', base, now)
  }))
}

export async function deletePartner(db: Kysely<Database>, program: Program, target: (tx: Db) => Promise<PartnerRow>, base: string, now = Date.now()) {
  await inTransaction(db, async (tx) => {
    const row = await target(tx)
    const view = await viewPartner(tx, program, row, base)
    if (!await markPartnerDeleted(tx, row, now)) throw notFound('Partner not found')
    await bumpRollups(tx, program.id, epochDay(now), [{ metric: METRIC.partners, value: -1 }, ...stateDeltas(row, undefined)])
    await emit(tx, program.id, 'partner.deleted', view, now)
  })
}

type Transition = 'archive' | 'revoke-archive' | 'approve' | 'reject'

/** The approval and archive state machine; an action that does not apply is a 400 naming the state. */
export async function changeStatus(db: Kysely<Database>, program: Program, ref: string, action: Transition, base: string, now = Date.now()) {
  return inTransaction(db, async (tx) => {
    const row = await resolvePartner(tx, program, ref)
    const { status, approved, event } = nextState(row, action)
    const updated = await updatePartnerRow(tx, row, {
      status,
      approved: approved ? 1 : 0,
      status_before_archive: action === 'archive' ? row.status : null,
      updated_at: now,
    })
    await bumpRollups(tx, program.id, epochDay(now), stateDeltas(row, updated))
    return announce(tx, program, updated, event, base, now)
  })
}

function nextState(row: PartnerRow, action: Transition): { status: PartnerStatus; approved: boolean; event: string } {
  const approved = row.approved === 1
  switch (action) {
    case 'archive':
      if (row.status === 'archived') throw badRequest('The partner is already archived.', 'already_archived')
      return { status: 'archived', approved, event: 'partner.archived' }
    case 'revoke-archive':
      if (row.status !== 'archived') throw badRequest(`The partner is not archived (status: ${row.status}).`, 'not_archived')
      return { status: row.status_before_archive ?? 'active', approved, event: 'partner.updated' }
    case 'approve':
      if (row.status === 'archived') throw badRequest('The partner is archived; restore it before approving.', 'archived')
      if (row.status === 'active' && approved) throw badRequest('The partner is already approved.', 'already_approved')
      return { status: 'active', approved: true, event: 'partner.approved' }
    case 'reject':
      if (row.status === 'archived') throw badRequest('The partner is archived; restore it before rejecting.', 'archived')
      if (row.status === 'rejected') throw badRequest('The partner is already rejected.', 'already_rejected')
      return { status: 'rejected', approved: false, event: 'partner.rejected' }
  }
}

/** The partner-activity counts a partner is in: approved, waiting for approval, rejected. */
function stateMetrics(row: PartnerRow | undefined): string[] {
  if (!row) return []
  return [
    ...(row.approved === 1 ? [METRIC.partnersApproved] : []),
    ...(row.status === 'pending' ? [METRIC.partnersPending] : []),
    ...(row.status === 'rejected' ? [METRIC.partnersRejected] : []),
  ]
}

function stateDeltas(before: PartnerRow | undefined, after: PartnerRow | undefined): RollupDelta[] {
  const was = stateMetrics(before)
  const is = stateMetrics(after)
  return [
    ...was.filter((m) => !is.includes(m)).map((metric) => ({ metric, value: -1 })),
    ...is.filter((m) => !was.includes(m)).map((metric) => ({ metric, value: 1 })),
  ]
}

async function announce(tx: Db, program: Program, row: PartnerRow, event: string, base: string, now: number) {
  const view = await viewPartner(tx, program, row, base)
  await emit(tx, program.id, event, view, now)
  return view
}

/** The default link follows the partner's `key`: renaming it keeps its clicks and history. */
async function moveDefaultKey(tx: Db, program: Program, row: PartnerRow, key: string): Promise<void> {
  const links = await linksOfPartner(tx, program.id, row.id)
  const current = links.find((l) => l.is_default === 1)
  if (current?.key === key) return
  if (await keyTaken(tx, program.id, key)) throw invalidField('key', 'The key has already been taken.')
  if (current) await updateLinkRow(tx, program.id, current.id, { key })
}

async function refuseTaken(tx: Db, program: Program, wanted: { id?: string; email?: string; key?: string }): Promise<void> {
  const errors: FieldErrors = {}
  if (wanted.id !== undefined && await findPartnerById(tx, program.id, wanted.id)) errors.id = ['The id has already been taken.']
  if (wanted.email !== undefined && await findPartnerByEmail(tx, program.id, wanted.email)) errors.email = ['The email has already been taken.']
  if (wanted.key !== undefined && await keyTaken(tx, program.id, wanted.key)) errors.key = ['The key has already been taken.']
  if (Object.keys(errors).length > 0) throw invalid(errors)
}

/** Two requests racing for the same email, id or key: the loser gets the 422. */
function withUniqueFields<T>(work: () => Promise<T>): Promise<T> {
  return withUniqueIndex(work, (text) => (/email/.test(text) ? 'email' : /public_id/.test(text) ? 'id' : 'key'),
    (field) => invalidField(field, `The ${field} has already been taken.`))
}

/** 12 random lower-case letters and digits (like Partnero's generated keys), not yet used. */
async function freshToken(tx: Db, program: Program, kind: 'id' | 'key'): Promise<string> {
  for (;;) {
    const token = randomToken(12, KEY_ALPHABET)
    const taken = kind === 'key' ? await keyTaken(tx, program.id, token) : await findPartnerById(tx, program.id, token)
    if (!taken) return token
  }
}

/** Stored as a list: PostgreSQL's jsonb would reorder an object's keys. */
function fieldList(fields: Record<string, unknown>) {
  return Object.entries(fields).map(([key, value]) => ({ key, value }))
}

export function uniqueTags(tags: string[]): string[] {
  return [...new Set(tags.map((t) => t.trim()).filter((t) => t !== ''))]
}
