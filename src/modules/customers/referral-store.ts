// Refer-a-friend customer reads (migration 0021): the customer with what its view needs in one
// row — its own referral key (its earner's default link), how many it referred, and who referred
// it. Writes go through store.ts like every customer's.
import type { Db } from '../../store/schema.js'
import { executeRaw, readRow } from '../../store/prepared.js'
import { storableText } from '../../store/text-keys.js'
import type { CustomerRow } from './store.js'

export type ReferralCustomerRow = CustomerRow & {
  /** The key of its default referral link: the customer's `key` on the wire. */
  link_key: string | null
  referrals: number | bigint | null
  referrer_id: string | null
  referrer_link_key: string | null
  referrer_email: string | null
  referrer_name: string | null
  referrer_surname: string | null
  /** 1 while the referrer is approved (null when it has none). */
  referrer_approved: number | null
}

// `partner_public_id` is the referrer's earner while it is live: as for affiliate customers, new sales credit only a live one.
const WITH_REFERRAL = `
  select c.*, p.public_id as partner_public_id, l."key" as link_key, e.referrals_count as referrals,
    r."key" as referrer_id, rl."key" as referrer_link_key, r.email as referrer_email, r.name as referrer_name, r.surname as referrer_surname,
    r.approved as referrer_approved
  from customers c
  left join partners e on e.id = c.earner_id
  left join referral_links l on l.program_id = c.program_id and l.partner_id = c.earner_id and l.is_default = 1 and l.deleted_at is null
  left join partners p on p.id = c.partner_id and p.deleted_at is null
  left join customers r on r.program_id = c.program_id and r.earner_id = p.id and r.deleted_at is null
  left join referral_links rl on rl.program_id = c.program_id and rl.partner_id = p.id and rl.is_default = 1 and rl.deleted_at is null`

export function referralCustomerByRowId(db: Db, programId: number, id: number): Promise<ReferralCustomerRow | undefined> {
  return readRow(db, 'raf_customer_by_row_id', `${WITH_REFERRAL} where c.program_id = ? and c.id = ?`, [programId, id])
}

/** A customer by its id (the `key` column). */
export function referralCustomerById(db: Db, programId: number, id: string): Promise<ReferralCustomerRow | undefined> {
  if (!storableText(id)) return Promise.resolve(undefined)
  return readRow(db, 'raf_customer_by_id', `${WITH_REFERRAL} where c.program_id = ? and c."key" = ?`, [programId, id])
}

/** A customer by its email (any case). */
export function referralCustomerByEmail(db: Db, programId: number, email: string): Promise<ReferralCustomerRow | undefined> {
  if (!storableText(email)) return Promise.resolve(undefined)
  return readRow(db, 'raf_customer_by_email', `${WITH_REFERRAL} where c.program_id = ? and c.email_lower = ?`, [programId, email.toLowerCase()])
}

/** A live customer by its id (the `key` column), its referral key, or its email, in that order. */
export async function referralCustomerByReference(db: Db, programId: number, ref: string): Promise<ReferralCustomerRow | undefined> {
  if (!storableText(ref)) return undefined
  return await referralCustomerById(db, programId, ref)
    ?? await referralCustomerByLinkKey(db, programId, ref)
    ?? (ref.includes('@') ? await referralCustomerByEmail(db, programId, ref) : undefined)
}

/** The live customer one of whose referral links has this key (the `ref` a visitor arrived with). */
export async function referralCustomerByLinkKey(db: Db, programId: number, key: string): Promise<ReferralCustomerRow | undefined> {
  if (!storableText(key)) return undefined
  return readRow(db, 'raf_customer_by_link_key', `${WITH_REFERRAL}
    where c.program_id = ? and c.deleted_at is null and c.earner_id = (select k.partner_id from referral_links k where k.program_id = ? and k."key" = ? and k.deleted_at is null)`,
  [programId, programId, key])
}

/** The live customer whose earner is this partners row. */
export function referralCustomerByEarner(db: Db, programId: number, earnerId: number): Promise<ReferralCustomerRow | undefined> {
  return readRow(db, 'raf_customer_by_earner', `${WITH_REFERRAL} where c.program_id = ? and c.earner_id = ? and c.deleted_at is null`, [programId, earnerId])
}

export interface ReferralListQuery {
  sort: 'asc' | 'desc'
  offset: number
  fetch: number
  referred?: boolean
  /** The customers this earner referred. */
  referrerEarnerId?: number
  filters?: { id?: string; key?: string; email?: string }
}

export function listReferralCustomerRows(db: Db, programId: number, q: ReferralListQuery): Promise<ReferralCustomerRow[]> {
  const where: string[] = ['c.program_id = ?', 'c.deleted_at is null']
  const args: unknown[] = [programId]
  if (q.referred !== undefined) where.push(q.referred ? 'c.partner_id is not null' : 'c.partner_id is null')
  if (q.referrerEarnerId !== undefined) {
    where.push('c.partner_id = ?')
    args.push(q.referrerEarnerId)
  }
  if (q.filters?.id !== undefined) {
    where.push(`lower(c."key") like ? escape '\\'`)
    args.push(containing(q.filters.id))
  }
  if (q.filters?.key !== undefined) {
    where.push(`lower(l."key") like ? escape '\\'`)
    args.push(containing(q.filters.key))
  }
  if (q.filters?.email !== undefined) {
    where.push(`c.email_lower like ? escape '\\'`)
    args.push(containing(q.filters.email))
  }
  const order = q.sort === 'asc' ? 'asc' : 'desc'
  return executeRaw(db, `${WITH_REFERRAL} where ${where.join(' and ')} order by c.id ${order} limit ? offset ?`, [...args, q.fetch, q.offset])
}

/** The friend's place among the customers its referrer referred (1 = the first), counting those still live. */
export async function referralOrdinal(db: Db, programId: number, referrerEarnerId: number, friendId: number): Promise<number> {
  const row = await readRow<{ n: number | bigint }>(db, 'raf_ordinal',
    'select count(*) as n from customers where program_id = ? and partner_id = ? and id <= ? and deleted_at is null', [programId, referrerEarnerId, friendId])
  return Number(row?.n ?? 0)
}


/** A LIKE pattern for text containing `text` (any case), its wildcards escaped. */
function containing(text: string): string {
  return `%${text.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`
}
