// Lead queries, scoped by program. A lead is read with the names its answer shows: its submitter
// and the customer it became.
import type { Insertable, Selectable } from 'kysely'
import type { Db, LeadStatus, LeadTable } from '../../store/schema.js'

export type LeadRow = Selectable<LeadTable> & {
  partner_public_id: string | null
  partner_name: string | null
  partner_surname: string | null
  partner_email: string | null
  customer_key: string | null
  customer_deleted_key: string | null
  customer_name: string | null
  customer_surname: string | null
  customer_email: string | null
}

function leadsWithNames(db: Db, programId: number) {
  return db.selectFrom('leads as l')
    .leftJoin('partners as p', (join) => join.onRef('p.id', '=', 'l.partner_id').on('p.deleted_at', 'is', null))
    .leftJoin('customers as c', 'c.id', 'l.customer_id')
    .selectAll('l')
    .select([
      'p.public_id as partner_public_id', 'p.name as partner_name', 'p.surname as partner_surname', 'p.email as partner_email',
      'c.key as customer_key', 'c.deleted_key as customer_deleted_key', 'c.name as customer_name', 'c.surname as customer_surname',
      'c.email as customer_email',
    ])
    .where('l.program_id', '=', programId)
}

export function findLead(db: Db, programId: number, number: number): Promise<LeadRow | undefined> {
  return leadsWithNames(db, programId).where('l.number', '=', number).executeTakeFirst()
}

export function listLeadRows(db: Db, programId: number, q: { sort: 'asc' | 'desc'; offset: number; fetch: number }): Promise<LeadRow[]> {
  return leadsWithNames(db, programId).orderBy('l.number', q.sort).offset(q.offset).limit(q.fetch).execute()
}

export async function insertLead(db: Db, values: Insertable<LeadTable>): Promise<void> {
  await db.insertInto('leads').values(values).execute()
}

/** Moves a submitted lead on; false when it is no longer submitted (a concurrent decision won). */
export async function decideLead(db: Db, programId: number, id: number, status: LeadStatus, now: number): Promise<boolean> {
  const changed = await db.updateTable('leads').set({ status, updated_at: now })
    .where('program_id', '=', programId).where('id', '=', id).where('status', '=', 'submitted')
    .returning('id').executeTakeFirst()
  return changed !== undefined
}

export async function setLeadCustomer(db: Db, programId: number, id: number, customerId: number): Promise<void> {
  await db.updateTable('leads').set({ customer_id: customerId }).where('program_id', '=', programId).where('id', '=', id).execute()
}

export async function deleteLeadRow(db: Db, programId: number, id: number): Promise<void> {
  await db.deleteFrom('leads').where('program_id', '=', programId).where('id', '=', id).execute()
}
