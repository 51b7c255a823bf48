// Ledger rows: appended, never updated or deleted.
import type { Insertable } from 'kysely'
import type { Db, LedgerEntryTable } from '../../store/schema.js'

export async function appendEntries(db: Db, rows: Insertable<LedgerEntryTable>[]): Promise<void> {
  if (rows.length === 0) return
  await db.insertInto('ledger_entries').values(rows).execute()
}
