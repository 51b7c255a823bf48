// Ledger rows: appended, never updated or deleted.
import type { Insertable } from 'kysely'
import type { Db, LedgerEntryTable } from '../../store/schema.js'
import { appendRows } from '../../store/writes.js'

export async function appendEntries(db: Db, rows: Insertable<LedgerEntryTable>[]): Promise<void> {
  await appendRows(db, 'ledger_entries', rows)
}
