// PostgreSQL keeps room in each page of the customers table for new versions of its rows. Every
// sale and refund rewrites its customer's row (the live-sales counter); when the new version
// fits in the same page and no indexed column changed, PostgreSQL writes no index entries and
// prunes the old version by itself, without waiting for a vacuum. In full pages each of those
// updates wrote an entry into all five indexes and left the old one behind until the next vacuum.
// Partners' rows, also rewritten by every sale and click, are few enough to stay in pages that
// are pruned all the time. Only pages written from now on keep the room. SQLite has no such setting.
import { sql, type Kysely } from 'kysely'
import type { Store } from '../store.js'

const FILLFACTOR = 90

export function roomForCounters(store: Store) {
  return {
    async up(db: Kysely<unknown>) {
      if (store.dialect === 'postgres') await sql.raw(`alter table customers set (fillfactor = ${FILLFACTOR})`).execute(db)
    },
    async down(db: Kysely<unknown>) {
      if (store.dialect === 'postgres') await sql.raw('alter table customers reset (fillfactor)').execute(db)
    },
  }
}
