// A partner's referral links: every write of the table, and the reads partner rules need (a
// partner is made with its default link and renames it with its `key`; partner keys and link keys
// are one namespace). Here, not in referral-links/, because referral links build on partners: that
// module reaches these through the partners service, and keeps only its reads (a link by key,
// search) in referral-links/store.ts. A deleted partner's links are kept, marked deleted
// (migration 0013), and every query skips them: the key is free again.
import type { Insertable, Selectable, Updateable } from 'kysely'
import type { Db, ReferralLinkTable } from '../../store/schema.js'
import { readRow, readRows } from '../../store/prepared.js'

export type LinkRow = Selectable<ReferralLinkTable> & { domain: string | null }

const LINKS_OF_PARTNER = `
  select l.*, d.domain from referral_links l left join program_domains d on d.id = l.domain_id
  where l.program_id = ? and l.partner_id = ? and l.deleted_at is null
  order by l.is_default desc, l.id asc`

/** A partner's links, the default first, then in the order they were made (prepared: on every partner read). */
export function linksOfPartner(db: Db, programId: number, partnerId: number, page?: { offset: number; fetch: number }): Promise<LinkRow[]> {
  if (!page) return readRows(db, 'links_of_partner', LINKS_OF_PARTNER, [programId, partnerId])
  return readRows(db, 'links_of_partner_page', `${LINKS_OF_PARTNER} limit ? offset ?`, [programId, partnerId, page.fetch, page.offset])
}

export async function insertLink(db: Db, values: Insertable<ReferralLinkTable>): Promise<void> {
  await db.insertInto('referral_links').values(values).execute()
}

export async function updateLinkRow(db: Db, programId: number, id: number, changes: Updateable<ReferralLinkTable>): Promise<void> {
  // A PUT that names no link field changes nothing (and SQL has no empty SET).
  if (Object.keys(changes).length === 0) return
  await db.updateTable('referral_links').set(changes).where('program_id', '=', programId).where('id', '=', id).execute()
}

export async function keyTaken(db: Db, programId: number, key: string): Promise<boolean> {
  return (await readRow(db, 'link_key_taken', 'select id from referral_links where program_id = ? and "key" = ? and deleted_at is null', [programId, key])) !== undefined
}

export async function deleteLinkRow(db: Db, programId: number, id: number): Promise<void> {
  await db.deleteFrom('referral_links').where('program_id', '=', programId).where('id', '=', id).execute()
}

/** Makes one link the partner's default, and no other. */
export async function makeDefault(db: Db, programId: number, partnerId: number, linkId: number): Promise<void> {
  await db.updateTable('referral_links').set({ is_default: 0 })
    .where('program_id', '=', programId).where('partner_id', '=', partnerId).where('id', '!=', linkId).execute()
  await db.updateTable('referral_links').set({ is_default: 1 })
    .where('program_id', '=', programId).where('id', '=', linkId).execute()
}
