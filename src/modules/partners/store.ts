// Partner queries. Every one is scoped by program_id: another program's partner is never found.
import { sql, type Insertable, type Selectable, type Updateable } from 'kysely'
import type { Db, PartnerTable } from '../../store/schema.js'
import { readRow, readRows } from '../../store/prepared.js'

export type PartnerRow = Selectable<PartnerTable>

// The reads below are on every partner request's path: plain SQL, prepared once (store/prepared.ts).

export function findPartnerById(db: Db, programId: number, publicId: string): Promise<PartnerRow | undefined> {
  return readRow(db, 'partner_by_id', 'select * from partners where program_id = ? and public_id = ?', [programId, publicId])
}

export function findPartnerByKey(db: Db, programId: number, key: string): Promise<PartnerRow | undefined> {
  return readRow(db, 'partner_by_key', `
    select p.* from referral_links l join partners p on p.id = l.partner_id
    where l.program_id = ? and l."key" = ?`, [programId, key])
}

export function findPartnerByEmail(db: Db, programId: number, email: string): Promise<PartnerRow | undefined> {
  return readRow(db, 'partner_by_email', 'select * from partners where program_id = ? and email_lower = ?', [programId, email.toLowerCase()])
}

export function findPartnerByRowId(db: Db, programId: number, rowId: number): Promise<PartnerRow | undefined> {
  return readRow(db, 'partner_by_row_id', 'select * from partners where program_id = ? and id = ?', [programId, rowId])
}

export async function insertPartner(db: Db, values: Insertable<PartnerTable>): Promise<PartnerRow> {
  return db.insertInto('partners').values(values).returningAll().executeTakeFirstOrThrow()
}

export async function updatePartnerRow(db: Db, row: PartnerRow, changes: Updateable<PartnerTable>): Promise<PartnerRow> {
  return db.updateTable('partners').set(changes)
    .where('program_id', '=', row.program_id).where('id', '=', row.id)
    .returningAll().executeTakeFirstOrThrow()
}

export async function deletePartnerRow(db: Db, row: PartnerRow): Promise<void> {
  await db.deleteFrom('partners').where('program_id', '=', row.program_id).where('id', '=', row.id).execute()
}

export interface AmountRow {
  metric: string
  currency: string
  value: number | bigint
}

export function partnerAmounts(db: Db, programId: number, partnerId: number): Promise<AmountRow[]> {
  return readRows(db, 'partner_amounts', `
    select metric, currency, value from partner_amounts
    where program_id = ? and partner_id = ? order by currency, metric`, [programId, partnerId])
}

export interface PartnerListQuery {
  sort: 'asc' | 'desc'
  offset: number
  fetch: number
  filters?: { id?: string; key?: string; email?: string; name?: string }
}

/** A page of partners with their default key; the search filters match partially, ignoring case. */
export function listPartnerRows(db: Db, programId: number, q: PartnerListQuery) {
  let query = db.selectFrom('partners')
    .leftJoin('referral_links', (join) => join
      .onRef('referral_links.partner_id', '=', 'partners.id')
      .on('referral_links.is_default', '=', 1))
    .selectAll('partners')
    .select(['referral_links.key as default_key', 'referral_links.landing_url as default_landing_url', 'referral_links.domain_id as default_domain_id'])
    .where('partners.program_id', '=', programId)
  const f = q.filters ?? {}
  if (f.id !== undefined) query = query.where(sql`lower(partners.public_id)`, 'like', likePattern(f.id))
  if (f.email !== undefined) query = query.where('partners.email_lower', 'like', likePattern(f.email))
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
      .where(sql`lower(any_link.key)`, 'like', pattern)))
  }
  return query.orderBy('partners.id', q.sort).offset(q.offset).limit(q.fetch).execute()
}

/** `%text%` with LIKE's own wildcards taken literally. */
function likePattern(text: string) {
  const escaped = text.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)
  return sql<string>`${`%${escaped}%`} escape '\\'`
}
