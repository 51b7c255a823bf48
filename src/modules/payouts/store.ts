// Payout request queries, scoped by program. A request is read with its partner's wire names.
// Status changes are conditional UPDATEs (… where status in (expected)): with several writers on
// PostgreSQL the second of two racing actions finds the status already moved and changes nothing.
import { sql, type Insertable, type Selectable, type Updateable } from 'kysely'
import type { Db, PayoutRequestStatus, PayoutRequestTable, PayoutRewardTable } from '../../store/schema.js'
import type { RewardRow } from '../rewards/service.js'
import { OPEN_STATUSES } from './status.js'

export type PayoutRow = Selectable<PayoutRequestTable> & {
  partner_public_id: string | null
  partner_email: string | null
  partner_name: string | null
  partner_surname: string | null
}

function payoutsWithPartners(db: Db, programId: number) {
  return db.selectFrom('payout_requests as pr')
    .leftJoin('partners as p', (join) => join.onRef('p.id', '=', 'pr.partner_id').on('p.deleted_at', 'is', null))
    .selectAll('pr')
    .select(['p.public_id as partner_public_id', 'p.email as partner_email', 'p.name as partner_name', 'p.surname as partner_surname'])
    .where('pr.program_id', '=', programId)
}

export function findPayout(db: Db, programId: number, number: number): Promise<PayoutRow | undefined> {
  return payoutsWithPartners(db, programId).where('pr.number', '=', number).executeTakeFirst()
}

export function findOpenPayout(db: Db, programId: number, partnerId: number, currency: string): Promise<PayoutRow | undefined> {
  return payoutsWithPartners(db, programId).where('pr.partner_id', '=', partnerId).where('pr.currency', '=', currency)
    .where('pr.status', 'in', OPEN_STATUSES).executeTakeFirst()
}

export interface PayoutListQuery {
  sort: 'asc' | 'desc'
  offset: number
  fetch: number
  partnerId?: number
  currency?: string
  status?: PayoutRequestStatus
}

export function listPayoutRows(db: Db, programId: number, q: PayoutListQuery): Promise<PayoutRow[]> {
  let query = payoutsWithPartners(db, programId)
  if (q.partnerId !== undefined) query = query.where('pr.partner_id', '=', q.partnerId)
  if (q.currency !== undefined) query = query.where('pr.currency', '=', q.currency)
  if (q.status !== undefined) query = query.where('pr.status', '=', q.status)
  return query.orderBy('pr.number', q.sort).offset(q.offset).limit(q.fetch).execute()
}

export async function insertPayout(db: Db, values: Insertable<PayoutRequestTable>): Promise<number> {
  const row = await db.insertInto('payout_requests').values(values).returning('id').executeTakeFirstOrThrow()
  return Number(row.id)
}

export async function insertLines(db: Db, lines: Insertable<PayoutRewardTable>[]): Promise<void> {
  if (lines.length > 0) await db.insertInto('payout_rewards').values(lines).execute()
}

/** Moves a request on if its status is still `from`; undefined when another action moved it first. */
export function moveStatus(db: Db, programId: number, id: number, from: PayoutRequestStatus, changes: Updateable<PayoutRequestTable>) {
  return db.updateTable('payout_requests').set(changes)
    .where('program_id', '=', programId).where('id', '=', id).where('status', '=', from)
    .returning('id').executeTakeFirst()
}

/** What a partner could be paid in one currency, per reward: its payable ledger balance (negative = a clawback). */
export interface PayableLine {
  reward: RewardRow
  amount: bigint
}

export async function payableLines(db: Db, programId: number, partnerId: number, currency: string, rewardIds?: number[]): Promise<PayableLine[]> {
  let query = db.selectFrom('ledger_entries as l').innerJoin('rewards as r', 'r.id', 'l.reward_id')
    .selectAll('r').select(sql<number | bigint>`sum(l.amount)`.as('balance'))
    .where('l.program_id', '=', programId).where('l.partner_id', '=', partnerId).where('l.currency', '=', currency)
    .where('l.bucket', '=', 'payable')
  if (rewardIds) query = query.where('l.reward_id', 'in', rewardIds.length > 0 ? rewardIds : [0])
  const rows = await query.groupBy('r.id').having(sql`sum(l.amount)`, '<>', 0).orderBy('r.id').execute()
  return rows.map(({ balance, ...reward }) => ({ reward: reward as RewardRow, amount: BigInt(balance) }))
}

export type LineRow = Selectable<PayoutRewardTable> & { reward: RewardRow }

/** The rewards a request covers, with what it pays of each, oldest reward first. */
export async function linesOf(db: Db, programId: number, payoutId: number): Promise<LineRow[]> {
  const rows = await db.selectFrom('payout_rewards as pl').innerJoin('rewards as r', 'r.id', 'pl.reward_id')
    .selectAll('r').select(['pl.payout_id', 'pl.reward_id', 'pl.amount as line_amount'])
    .where('pl.program_id', '=', programId).where('pl.payout_id', '=', payoutId).orderBy('r.id').execute()
  return rows.map(({ payout_id, reward_id, line_amount, ...reward }) => ({
    program_id: programId, payout_id, reward_id, amount: line_amount, reward: reward as RewardRow,
  }))
}

/** Reward ids per request, for a page of requests. */
export async function rewardIdsOf(db: Db, programId: number, payoutIds: number[]): Promise<Map<number, number[]>> {
  const out = new Map<number, number[]>(payoutIds.map((id) => [id, []]))
  if (payoutIds.length === 0) return out
  const rows = await db.selectFrom('payout_rewards').select(['payout_id', 'reward_id'])
    .where('program_id', '=', programId).where('payout_id', 'in', payoutIds).orderBy('reward_id').execute()
  for (const r of rows) out.get(Number(r.payout_id))?.push(Number(r.reward_id))
  return out
}

/** Of these rewards, those an earlier payout already paid (some of). */
export async function paidBefore(db: Db, programId: number, rewardIds: number[]): Promise<Set<number>> {
  if (rewardIds.length === 0) return new Set()
  const rows = await db.selectFrom('payout_rewards as pl').innerJoin('payout_requests as pr', 'pr.id', 'pl.payout_id')
    .select('pl.reward_id').where('pl.program_id', '=', programId).where('pr.status', '=', 'finished')
    .where('pl.reward_id', 'in', rewardIds).execute()
  return new Set(rows.map((r) => Number(r.reward_id)))
}

/** Partners owed money in a program: the positive payable balances, per partner and currency. */
export async function payableBalances(db: Db, programId: number): Promise<Array<{ partnerId: number; currency: string }>> {
  const rows = await db.selectFrom('ledger_entries').select(['partner_id', 'currency'])
    .where('program_id', '=', programId).where('bucket', '=', 'payable')
    .groupBy(['partner_id', 'currency']).having(sql`sum(amount)`, '>', 0).orderBy('partner_id').orderBy('currency').execute()
  return rows.map((r) => ({ partnerId: Number(r.partner_id), currency: r.currency }))
}

/** Claims a program's schedule slot; false when another run (or process) already has it. */
export async function claimRun(db: Db, programId: number, slot: string, now: number): Promise<boolean> {
  const row = await db.insertInto('payout_runs').values({ program_id: programId, slot, created_at: now })
    .onConflict((oc) => oc.columns(['program_id', 'slot']).doNothing()).returning('slot').executeTakeFirst()
  return row !== undefined
}
