// Referral link reads, scoped by program: a link by key, the search. The table is written by the
// partners module alone (partners/link-store.ts: links are a partner's), as is the row type. A
// deleted partner's links are kept, marked deleted (migration 0013), and every query here skips
// them: the key is free again.
import type { Db } from '../../store/schema.js'
import { readRow } from '../../store/prepared.js'
import { storableText } from '../../store/text-keys.js'
import type { LinkRow } from '../partners/service.js'

function linksWithDomain(db: Db, programId: number) {
  return db.selectFrom('referral_links')
    .leftJoin('program_domains', 'program_domains.id', 'referral_links.domain_id')
    .selectAll('referral_links')
    .select('program_domains.domain')
    .where('referral_links.program_id', '=', programId)
    .where('referral_links.deleted_at', 'is', null)
}

export function findLink(db: Db, programId: number, key: string): Promise<LinkRow | undefined> {
  if (!storableText(key)) return Promise.resolve(undefined)
  return readRow(db, 'link_by_key', `
    select l.*, d.domain from referral_links l left join program_domains d on d.id = l.domain_id
    where l.program_id = ? and l."key" = ? and l.deleted_at is null`, [programId, key])
}

export function searchLinkRows(db: Db, programId: number, q: { key?: string; partnerId?: number; offset: number; fetch: number }) {
  let query = linksWithDomain(db, programId)
    .innerJoin('partners', 'partners.id', 'referral_links.partner_id')
    .select('partners.public_id as partner_public_id')
  if (q.key !== undefined) query = query.where('referral_links.key', '=', q.key)
  if (q.partnerId !== undefined) query = query.where('referral_links.partner_id', '=', q.partnerId)
  return query.orderBy('referral_links.id', 'asc').offset(q.offset).limit(q.fetch).execute()
}
