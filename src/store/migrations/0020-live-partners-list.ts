// The partners list (the API's GET /v1/partners and the admin's /admin/partners) pages through a
// program's live partners by id with an offset. The index on (program_id, id) holds deleted rows
// too, so skipping the pages before the one asked for read every skipped partner's row to see
// `deleted_at`. This one answers the page's ids from the index alone: at page 1,000 of a program of
// a million partners (bench/admin-pages.js) the skipped 24,975 ids cost ~0.5 ms on SQLite, and only
// the page's own rows are read. It holds live partners only, so PostgreSQL walks it backwards for
// "newest first" (an index-only scan); and it holds `deleted_at` too, because SQLite reads the row
// to check a partial index's condition unless the index has the column itself.
import { sql, type Kysely } from 'kysely'
import type { Store } from '../store.js'

export function livePartnersList(_store: Store) {
  return {
    async up(db: Kysely<unknown>) {
      await db.schema.createIndex('partners_live_list').on('partners').columns(['program_id', 'id', 'deleted_at'])
        .where(sql.ref('deleted_at'), 'is', null).execute()
    },
    async down(db: Kysely<unknown>) {
      await db.schema.dropIndex('partners_live_list').execute()
    },
  }
}
