// Partner queries. Every one is scoped by program_id: another program's partner is never found.
import { sql, type Insertable, type Selectable, type Updateable } from 'kysely'
import type { Db, PartnerStatus, PartnerTable } from '../../store/schema.js'
import { likePattern } from '../../store/like.js'
import { executeRaw, readRow, type PerDialect } from '../../store/prepared.js'
import { readJson } from '../../store/json.js'
import { addToCounters, inChunks } from '../../store/writes.js'
import type { LinkPlace } from '../programs/referral-urls.js'
import { partnerAmounts } from '../stats/service.js'
import { injected } from '../../faults.js'
import { storableText } from '../../store/text-keys.js'

export type PartnerRow = Selectable<PartnerTable>

// The reads below are on every partner request's path: plain SQL, prepared once (store/prepared.ts).

export function findPartnerById(db: Db, programId: number, publicId: string): Promise<PartnerRow | undefined> {
  if (!storableText(publicId)) return Promise.resolve(undefined)
  // The isolation suite's proof that it sees this bug: the look-up that forgets its program.
  if (injected('isolation')) return readRow(db, 'partner_by_id_any_program', 'select * from partners where public_id = ? and deleted_at is null order by id', [publicId])
  return readRow(db, 'partner_by_id', 'select * from partners where program_id = ? and public_id = ? and deleted_at is null', [programId, publicId])
}

export function findPartnerByKey(db: Db, programId: number, key: string): Promise<PartnerRow | undefined> {
  if (!storableText(key)) return Promise.resolve(undefined)
  return readRow(db, 'partner_by_key', `
    select p.* from referral_links l join partners p on p.id = l.partner_id
    where l.program_id = ? and l."key" = ? and l.deleted_at is null and p.deleted_at is null`, [programId, key])
}

export function findPartnerByEmail(db: Db, programId: number, email: string): Promise<PartnerRow | undefined> {
  if (!storableText(email)) return Promise.resolve(undefined)
  return readRow(db, 'partner_by_email', 'select * from partners where program_id = ? and email_lower = ? and deleted_at is null', [programId, email.toLowerCase()])
}

/** A live partner by row id: a deleted one is missing here too (it earns nothing new, is paid nothing new). */
export function findPartnerByRowId(db: Db, programId: number, rowId: number): Promise<PartnerRow | undefined> {
  return readRow(db, 'partner_by_row_id', 'select * from partners where program_id = ? and id = ? and deleted_at is null', [programId, rowId])
}

export async function insertPartner(db: Db, values: Insertable<PartnerTable>): Promise<PartnerRow> {
  return db.insertInto('partners').values(values).returningAll().executeTakeFirstOrThrow()
}

export async function updatePartnerRow(db: Db, row: PartnerRow, changes: Updateable<PartnerTable>): Promise<PartnerRow> {
  return db.updateTable('partners').set(changes)
    .where('program_id', '=', row.program_id).where('id', '=', row.id)
    .returningAll().executeTakeFirstOrThrow()
}

/**
 * DELETE: the partner and its links are marked, not removed (migration 0013), so what names them
 * (sales, rewards, ledger rows, clicks) keeps a row to count on. False when another request
 * deleted it first (the row lock makes the second wait, then find it marked).
 */
export async function markPartnerDeleted(db: Db, row: PartnerRow, now: number): Promise<boolean> {
  const marked = await db.updateTable('partners').set({ deleted_at: now, updated_at: now })
    .where('program_id', '=', row.program_id).where('id', '=', row.id).where('deleted_at', 'is', null)
    .executeTakeFirst()
  if (marked.numUpdatedRows === 0n) return false
  await db.updateTable('referral_links').set({ deleted_at: now })
    .where('program_id', '=', row.program_id).where('partner_id', '=', row.id).where('deleted_at', 'is', null)
    .execute()
  return true
}

export interface AmountRow {
  metric: string
  currency: string
  /** Micros; text when read inside a JSON aggregate, so no micro is lost past 2^53. */
  value: number | bigint | string
}

/** What a partner's full representation needs: its row, its links (default first), its money counters. */
export interface PartnerParts {
  row: PartnerRow
  links: LinkPlace[]
  amounts: AmountRow[]
}

// The representation in one statement, however the partner is named: a partner read is the
// busiest call of the API, and on SQLite each statement costs more than the row it reads (bench/).
// Links and amounts come back as JSON arrays, aggregated the way each store spells it. They are put
// in order here, not by the aggregate: an ordered aggregate makes SQLite build a temporary b-tree
// per array, which cost more than the rest of the read together.
function partnerPartsSql(where: string): PerDialect {
  const links = `from referral_links l left join program_domains d on d.id = l.domain_id
    where l.program_id = p.program_id and l.partner_id = p.id and l.deleted_at is null`
  const amounts = 'from partner_amounts a where a.program_id = p.program_id and a.partner_id = p.id'
  return {
    sqlite: `select p.*,
      (select json_group_array(json_object('id', l.id, 'isDefault', l.is_default, 'key', l."key", 'landingUrl', l.landing_url, 'domain', d.domain))
        ${links}) as links_json,
      (select json_group_array(json_object('metric', a.metric, 'currency', a.currency, 'value', cast(a.value as text)))
        ${amounts}) as amounts_json
      from partners p where ${where}`,
    postgres: `select p.*,
      (select coalesce(json_agg(json_build_object('id', l.id, 'isDefault', l.is_default, 'key', l."key", 'landingUrl', l.landing_url, 'domain', d.domain)), '[]')
        ${links}) as links_json,
      (select coalesce(json_agg(json_build_object('metric', a.metric, 'currency', a.currency, 'value', a.value::text)), '[]')
        ${amounts}) as amounts_json
      from partners p where ${where}`,
  }
}

// Deleted partners and links are skipped, as every look-up skips them.
const PARTS_BY_ROW_ID = partnerPartsSql('p.program_id = ? and p.id = ? and p.deleted_at is null')
// `{id}` in a path: the partner id first, then any referral key (architecture §6.1).
const PARTS_BY_REF = partnerPartsSql(`p.program_id = ? and p.deleted_at is null and p.id = coalesce(
  (select id from partners where program_id = ? and public_id = ? and deleted_at is null),
  (select partner_id from referral_links where program_id = ? and "key" = ? and deleted_at is null))`)

type PartsRow = PartnerRow & { links_json: unknown; amounts_json: unknown }

function toParts(found: PartsRow | undefined): PartnerParts | undefined {
  if (!found) return undefined
  // The row keeps its two JSON columns: nothing reads them, and copying the rest costs more.
  const links = readJson<AggregatedLink[]>(found.links_json).sort(defaultFirstThenOldest)
  const amounts = readJson<AmountRow[]>(found.amounts_json).sort(byCurrencyThenMetric)
  return { row: found, links, amounts }
}

type AggregatedLink = LinkPlace & { id: number | string; isDefault: number | boolean }

function defaultFirstThenOldest(a: AggregatedLink, b: AggregatedLink): number {
  return Number(b.isDefault) - Number(a.isDefault) || Number(a.id) - Number(b.id)
}

function byCurrencyThenMetric(a: AmountRow, b: AmountRow): number {
  return a.currency < b.currency ? -1 : a.currency > b.currency ? 1 : a.metric < b.metric ? -1 : a.metric > b.metric ? 1 : 0
}

export async function partnerPartsByRowId(db: Db, programId: number, rowId: number): Promise<PartnerParts | undefined> {
  return toParts(await partnerAmounts.read(db, (db) => readRow<PartsRow>(db, 'partner_parts_by_row_id', PARTS_BY_ROW_ID, [programId, rowId])))
}

export async function partnerPartsByRef(db: Db, programId: number, ref: string): Promise<PartnerParts | undefined> {
  if (!storableText(ref)) return undefined
  return toParts(await partnerAmounts.read(db, (db) => readRow<PartsRow>(db, 'partner_parts_by_ref', PARTS_BY_REF, [programId, programId, ref, programId, ref])))
}

export interface PartnerListQuery {
  sort: 'asc' | 'desc'
  offset: number
  fetch: number
  /**
   * The row id of the partner the page follows, in the sort's order (the admin's "next page"): the
   * page starts right after it, by index, instead of counting `offset` partners from the top.
   */
  after?: number
  filters?: { id?: string; key?: string; email?: string; name?: string; status?: PartnerStatus }
}

/**
 * A page of partners with their default key; the search filters match partially, ignoring case.
 * The page's ids are found first and only its rows are read and joined: with an offset, reading
 * and joining every skipped row cost 11.6 ms at page 1,000 of a million partners, against 0.8 ms
 * (bench/admin-pages.js). Without filters the ids come from an index alone (migration 0020).
 */
export function listPartnerRows(db: Db, programId: number, q: PartnerListQuery) {
  return db.selectFrom('partners')
    .leftJoin('referral_links', (join) => join
      // The program too, so the join is a look-up in referral_links_partner, not a scan of every link.
      .onRef('referral_links.program_id', '=', 'partners.program_id')
      .onRef('referral_links.partner_id', '=', 'partners.id')
      .on('referral_links.is_default', '=', 1))
    .selectAll('partners')
    .select(['referral_links.key as default_key', 'referral_links.landing_url as default_landing_url', 'referral_links.domain_id as default_domain_id'])
    .where('partners.program_id', '=', programId)
    .where('partners.id', 'in', pageIds(db, programId, q))
    .orderBy('partners.id', q.sort)
    .execute()
}

/** The ids of the live partners on the page the query asks for. */
function pageIds(db: Db, programId: number, q: PartnerListQuery) {
  let query = db.selectFrom('partners')
    .select('partners.id')
    .where('partners.program_id', '=', programId)
    .where('partners.deleted_at', 'is', null)
  const f = q.filters ?? {}
  if (f.id !== undefined) query = query.where(sql`lower(partners.public_id)`, 'like', likePattern(f.id))
  if (f.email !== undefined) query = query.where('partners.email_lower', 'like', likePattern(f.email))
  if (f.status !== undefined) query = query.where('partners.status', '=', f.status)
  if (f.name !== undefined) {
    const pattern = likePattern(f.name)
    query = query.where((eb) => eb.or([
      eb(sql`lower(partners.name)`, 'like', pattern),
      eb(sql`lower(partners.surname)`, 'like', pattern),
      eb(sql`lower(coalesce(partners.name, '') || ' ' || coalesce(partners.surname, ''))`, 'like', pattern),
    ]))
  }
  if (f.key !== undefined) {
    const pattern = likePattern(f.key)
    query = query.where((eb) => eb.exists(eb.selectFrom('referral_links as any_link')
      .select('any_link.id')
      .whereRef('any_link.partner_id', '=', 'partners.id')
      .where('any_link.deleted_at', 'is', null)
      .where(sql`lower(any_link.key)`, 'like', pattern)))
  }
  if (q.after !== undefined) query = query.where('partners.id', q.sort === 'desc' ? '<' : '>', q.after)
  return query.orderBy('partners.id', q.sort).offset(q.offset).limit(q.fetch)
}


/** The partner's count columns that sales and sign-ups move. */
const PARTNER_COUNTS = ['signups', 'referrals_count', 'sales_count', 'paid_accounts'] as const
export type PartnerCount = (typeof PARTNER_COUNTS)[number]

/** Adds to a partner's counts in one statement; returns the partner after, so callers see 0 → 1 crossings. */
export async function bumpPartnerCounts(db: Db, programId: number, partnerId: number, deltas: Partial<Record<PartnerCount, number>>): Promise<PartnerRow | undefined> {
  return (await bumpPartnersCounts(db, programId, new Map([[partnerId, deltas]]))).get(partnerId)
}

/** The same for many partners at once (a batch of sales): the partners after, by id. */
export async function bumpPartnersCounts(db: Db, programId: number, deltas: Map<number, Partial<Record<PartnerCount, number>>>): Promise<Map<number, PartnerRow>> {
  const after = await addToCounters<PartnerRow>(db, 'partners', programId, deltas, PARTNER_COUNTS, '*')
  return new Map(after.map((p) => [Number(p.id), p]))
}

/** Adds counted clicks to their partners, one statement for the whole batch. */
export async function addPartnerClicks(tx: Db, perPartner: Map<number, number>): Promise<void> {
  const sorted = [...perPartner.entries()].sort(([a], [b]) => a - b)
  await inChunks(sorted, async (chunk) => {
    const values = chunk.map(() => 'select cast(? as bigint) as id, cast(? as bigint) as n').join(' union all ')
    return executeRaw(tx, `update partners set clicks = partners.clicks + v.n from (${values}) as v where partners.id = v.id`, chunk.flat())
  })
}
