// Referral link rules: keys unique per program, one default link per partner (the last link
// cannot go), links only on the program's own website and additional domains. A change to a
// partner's links is announced as partner.updated.
import type { Kysely } from 'kysely'
import type { Database, Db } from '../../store/schema.js'
import { inTransaction } from '../../store/transaction.js'
import { isUniqueViolation } from '../../store/unique.js'
import { emit } from '../../events/outbox.js'
import { badRequest, invalid, invalidField, notFound, type FieldErrors } from '../../domain-errors.js'
import { programDomain, programDomains, type Program } from '../programs/service.js'
import { domainUrlPrefix, referralUrl, websiteHost } from '../programs/referral-urls.js'
import {
  deleteLinkRow, findPartnerByRowId, insertLink, keyTaken, linksOfPartner, makeDefault, partnerByIdentity, requirePartnerByIdentity,
  updateLinkRow, viewPartner,
  type LinkRow, type PartnerRow,
} from '../partners/service.js'
import type { PartnerRef } from '../partners/schemas.js'
import { findLink, searchLinkRows } from './store.js'

// A customer's sign-up credits the link its referral URL or partner key names: found through here.
export { findLink } from './store.js'

/** Link fields with the PHP SDK's camelCase spellings folded into snake_case. */
export interface LinkFields {
  key?: string
  url?: string
  default?: boolean
  domain_id?: number
  is_additional?: boolean
  direct_tracking?: boolean
  direct_tracking_redirect?: boolean
  direct_tracking_redirect_url?: string
}

export function linkFields(input: Record<string, unknown>): LinkFields {
  const pick = <T>(snake: string, camel: string) => (input[snake] ?? input[camel]) as T | undefined
  return {
    key: input.key as string | undefined,
    url: input.url as string | undefined,
    default: input.default as boolean | undefined,
    domain_id: pick<number>('domain_id', 'domainId'),
    is_additional: pick<boolean>('is_additional', 'isAdditional'),
    direct_tracking: pick<boolean>('direct_tracking', 'directTracking'),
    direct_tracking_redirect: pick<boolean>('direct_tracking_redirect', 'directTrackingRedirect'),
    direct_tracking_redirect_url: pick<string>('direct_tracking_redirect_url', 'directTrackingRedirectUrl'),
  }
}

/**
 * Extension: the link as Partnerkit serves it (`/r/KEY`), counting the click and redirecting, for a
 * partner to share where the merchant's site cannot run the snippet. It names its program, since
 * keys are unique only within one.
 */
function trackingUrl(program: Program, key: string, base: string): string {
  return `${base}/r/${encodeURIComponent(key)}?program=${program.publicId}`
}

export function linkView(program: Program, link: LinkRow, base: string) {
  return {
    id: link.key,
    key: link.key,
    url: referralUrl(program, { key: link.key, landingUrl: link.landing_url, domain: link.domain }, base),
    default: link.is_default === 1,
    is_additional: link.domain_id !== null,
    direct_tracking: link.direct_tracking === 1,
    direct_tracking_redirect: link.direct_tracking_redirect === 1,
    direct_tracking_redirect_url: link.direct_tracking_redirect_url,
    tracking_url: trackingUrl(program, link.key, base),
  }
}

export async function requireLink(db: Db, program: Program, key: string): Promise<LinkRow> {
  const link = await findLink(db, program.id, key)
  if (!link) throw notFound('Referral link not found')
  return link
}

/**
 * Whose links these are, and how a change to them is announced: partners (partner.updated) unless
 * given otherwise; a refer-a-friend customer's links belong to its earner row (customers module).
 */
export interface LinkOwners {
  /** The field that names the owner in a create body. */
  field: string
  find(tx: Db, program: Program, ref: PartnerRef): Promise<PartnerRow | undefined>
  announce(tx: Db, program: Program, owner: PartnerRow, base: string, now: number): Promise<void>
}

const PARTNERS: LinkOwners = {
  field: 'partner',
  find: (tx, program, ref) => partnerByIdentity(tx, program, ref),
  announce: announcePartner,
}

export async function createLink(db: Kysely<Database>, program: Program, input: LinkFields & { key: string; partner: PartnerRef }, base: string,
  now = Date.now(), owners = PARTNERS) {
  return withUniqueKey(() => inTransaction(db, async (tx) => {
    const partner = await owners.find(tx, program, input.partner)
    if (!partner) throw invalidField(owners.field, `The ${owners.field} was not found.`)
    const errors: FieldErrors = {}
    if (await keyTaken(tx, program.id, input.key)) errors.key = ['The key has already been taken.']
    await checkPlacement(tx, program, input, errors)
    if (Object.keys(errors).length > 0) throw invalid(errors)
    const existing = await linksOfPartner(tx, program.id, partner.id)
    await insertLink(tx, {
      program_id: program.id, partner_id: partner.id, key: input.key,
      is_default: existing.length === 0 ? 1 : 0,
      domain_id: input.domain_id ?? null,
      landing_url: input.url ?? null,
      direct_tracking: input.direct_tracking ? 1 : 0,
      direct_tracking_redirect: input.direct_tracking_redirect ? 1 : 0,
      direct_tracking_redirect_url: input.direct_tracking_redirect_url ?? null,
      created_at: now,
    })
    let link = await requireLink(tx, program, input.key)
    if (input.default && link.is_default !== 1) {
      await makeDefault(tx, program.id, partner.id, link.id)
      link = await requireLink(tx, program, input.key)
    }
    await owners.announce(tx, program, partner, base, now)
    return linkView(program, link, base)
  }))
}

export async function updateLink(db: Kysely<Database>, program: Program, key: string, changes: LinkFields, base: string, now = Date.now(), owners = PARTNERS) {
  return withUniqueKey(() => inTransaction(db, async (tx) => {
    const link = await requireLink(tx, program, key)
    const errors: FieldErrors = {}
    if (changes.key !== undefined && changes.key !== link.key && await keyTaken(tx, program.id, changes.key)) {
      errors.key = ['The key has already been taken.']
    }
    if (changes.default === false && link.is_default === 1) {
      errors.default = ['A partner always has a default link: make another link the default instead.']
    }
    await checkPlacement(tx, program, changes, errors)
    if (Object.keys(errors).length > 0) throw invalid(errors)
    await updateLinkRow(tx, program.id, link.id, {
      ...(changes.key !== undefined ? { key: changes.key } : {}),
      ...(changes.url !== undefined ? { landing_url: changes.url } : {}),
      ...(changes.domain_id !== undefined ? { domain_id: changes.domain_id } : {}),
      ...(changes.is_additional === false && changes.domain_id === undefined ? { domain_id: null } : {}),
      ...(changes.direct_tracking !== undefined ? { direct_tracking: changes.direct_tracking ? 1 : 0 } : {}),
      ...(changes.direct_tracking_redirect !== undefined ? { direct_tracking_redirect: changes.direct_tracking_redirect ? 1 : 0 } : {}),
      ...(changes.direct_tracking_redirect_url !== undefined ? { direct_tracking_redirect_url: changes.direct_tracking_redirect_url } : {}),
    })
    if (changes.default === true && link.is_default !== 1) await makeDefault(tx, program.id, Number(link.partner_id), link.id)
    const updated = await requireLink(tx, program, changes.key ?? link.key)
    await owners.announce(tx, program, await partnerOf(tx, program, updated), base, now)
    return linkView(program, updated, base)
  }))
}

/** Deleting the default link hands the default to the partner's oldest other link; the last link stays. */
export async function deleteLink(db: Kysely<Database>, program: Program, key: string, base: string, now = Date.now(), owners = PARTNERS) {
  await inTransaction(db, async (tx) => {
    const link = await requireLink(tx, program, key)
    const siblings = (await linksOfPartner(tx, program.id, Number(link.partner_id))).filter((l) => l.id !== link.id)
    const heir = siblings[0]
    if (!heir) throw badRequest(`The last referral link of a ${owners.field} cannot be deleted.`, 'last_link')
    await deleteLinkRow(tx, program.id, link.id)
    if (link.is_default === 1) await makeDefault(tx, program.id, Number(link.partner_id), heir.id)
    await owners.announce(tx, program, await partnerOf(tx, program, link), base, now)
  })
}

export async function linksOf(db: Db, program: Program, partner: PartnerRow, page: { offset: number; fetch: number }, base: string) {
  return (await linksOfPartner(db, program.id, partner.id, page)).map((l) => linkView(program, l, base))
}

export async function searchLinks(db: Db, program: Program, q: { id?: string; key?: string; partner?: PartnerRef }, page: { offset: number; fetch: number }, base: string, owners?: LinkOwners) {
  const partner = !q.partner || Object.keys(q.partner).length === 0 ? undefined
    : owners ? await requiredOwner(db, program, q.partner, owners) : await requirePartnerByIdentity(db, program, q.partner)
  const rows = await searchLinkRows(db, program.id, { key: q.id ?? q.key, partnerId: partner?.id, ...page })
  return rows.map((l) => linkView(program, l, base))
}

/** The program website (id null) and its additional domains, with the prefix their links share. */
export async function linkDomains(db: Db, program: Program, page: { offset: number; fetch: number }, base: string) {
  const all = [
    { id: null, domain: websiteHost(program) ?? new URL(base).host, url: domainUrlPrefix(program, null, base), is_additional: false },
    ...(await programDomains(db, program.id)).map((d) => ({
      id: Number(d.id), domain: d.domain, url: domainUrlPrefix(program, d.domain, base), is_additional: true,
    })),
  ]
  return all.slice(page.offset, page.offset + page.fetch)
}

/** A link may live only on the program's website or one of its additional domains (no open redirect). */
async function checkPlacement(tx: Db, program: Program, fields: LinkFields, errors: FieldErrors): Promise<void> {
  let domain: string | null = null
  if (fields.domain_id !== undefined) {
    const found = await programDomain(tx, program.id, fields.domain_id)
    if (!found) errors.domain_id = ['The selected domain id is invalid.']
    else domain = found.domain
    if (fields.is_additional === false) errors.is_additional = ['The is additional field must be true when a domain id is given.']
  }
  const allowed = new Set([websiteHost(program), ...(await programDomains(tx, program.id)).map((d) => d.domain)].filter(Boolean))
  for (const field of ['url', 'direct_tracking_redirect_url'] as const) {
    const value = fields[field]
    if (value === undefined) continue
    const host = new URL(value).hostname
    if (!allowed.has(host) || (field === 'url' && domain !== null && host !== domain)) {
      errors[field] = [`The ${field.replace(/_/g, ' ')} must be on the program website or one of its additional domains.`]
    }
  }
}

async function requiredOwner(db: Db, program: Program, ref: PartnerRef, owners: LinkOwners): Promise<PartnerRow> {
  const owner = await owners.find(db, program, ref)
  if (!owner) throw notFound(`${owners.field[0]?.toUpperCase()}${owners.field.slice(1)} not found`)
  return owner
}

async function partnerOf(tx: Db, program: Program, link: LinkRow): Promise<PartnerRow> {
  const partner = await findPartnerByRowId(tx, program.id, Number(link.partner_id))
  if (!partner) throw notFound('Partner not found')
  return partner
}

async function announcePartner(tx: Db, program: Program, partner: PartnerRow, base: string, now: number) {
  await emit(tx, program.id, 'partner.updated', await viewPartner(tx, program, partner, base), now)
}

async function withUniqueKey<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work()
  } catch (err) {
    if (isUniqueViolation(err)) throw invalidField('key', 'The key has already been taken.')
    throw err
  }
}
