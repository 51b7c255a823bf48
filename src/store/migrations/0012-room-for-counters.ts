// PostgreSQL keeps room in each page of the customers and partners tables for new versions of
// their rows. Every sale and refund rewrites its customer's row (the live-sales counter) and its
// partner's (sales, paid accounts), and every click batch its partners' click counts. When the new
// version fits in the same page and no indexed column changed, PostgreSQL writes no index entries
// and prunes the old version by itself, without waiting for a vacuum. In a full page each such
// update wrote an entry into every index of the table and left the old one behind until the next
// vacuum. Only pages written from now on keep the room. SQLite has no such setting.
import { sql, type Kysely } from 'kysely'
import type { Store } from '../store.js'

const FILLFACTOR = 90
const TABLES = ['customers', 'partners'] as const

export function roomForCounters(store: Store) {
  return {
    async up(db: Kysely<unknown>) {
      if (store.dialect !== 'postgres') return
      for (const table of TABLES) await sql.raw(`alter table ${table} set (fillfactor = ${FILLFACTOR})`).execute(db)
    },
    async down(db: Kysely<unknown>) {
      if (store.dialect !== 'postgres') return
      for (const table of TABLES) await sql.raw(`alter table ${table} reset (fillfactor)`).execute(db)
    },
  }
}
