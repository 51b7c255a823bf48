// Per-program numbers (lead ids, payout request ids): 1, 2, 3… within each program, so a wire id
// says nothing about other programs. Concurrent callers never draw the same number, and a deleted
// object's number is never handed out again.
import { sql } from 'kysely'
import type { Db } from './schema.js'

export type CounterTable = 'lead_counters' | 'payout_counters'

/** Draws the program's next number; the counter row stays locked until the transaction ends. */
export async function nextNumber(db: Db, table: CounterTable, programId: number): Promise<number> {
  const row = await db.insertInto(table).values({ program_id: programId, last_number: 1 })
    .onConflict((oc) => oc.column('program_id').doUpdateSet({ last_number: sql`${sql.table(table)}.last_number + 1` }))
    .returning('last_number').executeTakeFirstOrThrow()
  return Number(row.last_number)
}

/** A per-program number as a path gives it (`/v1/leads/12`); undefined for anything else. */
export function numberOf(text: string): number | undefined {
  const number = /^[1-9]\d{0,15}$/.test(text) ? Number(text) : NaN
  return Number.isSafeInteger(number) ? number : undefined
}
