// The partners list (the API's GET /v1/partners and the admin's /admin/partners) pages through a
// program's live partners by id with an offset. The index on (program_id, id) holds deleted rows
// too, so skipping the pages before the one asked for read every skipped partner's row to see
// `deleted_at`. This one answers the page's ids from the index alone: at page 1,000 of a program of
// a million partners (bench/admin-pages.js) the skipped 24,975 ids cost ~0.5 ms on SQLite, and only
// the page's own rows are read. Not a partial index: SQLite reads the row to check a partial
// index's own condition, where this one holds `deleted_at` itself.
import type { Kysely } from 'kysely'
import type { Store } from '../store.js'

export function livePartnersList(_store: Store) {
  return {
    async up(db: Kysely<unknown>) {
      await db.schema.createIndex('partners_live_list').on('partners').columns(['program_id', 'deleted_at', 'id']).execute()
    },
    async down(db: Kysely<unknown>) {
      await db.schema.dropIndex('partners_live_list').execute()
    },
  }
}
