// Deleting a partner deletes its clicks (a foreign key with ON DELETE CASCADE), and the store finds
// them by `partner_id` alone. The index 0009 made leads with `program_id`, which that look-up
// cannot use: every partner deletion read the whole clicks table (18 ms at 177k clicks, about a
// second at 10 M, holding SQLite's only writer). Nothing reads clicks by program, so the index is
// now on `partner_id`, at the same cost per click written. Deleting a whole program (rare, from the
// CLI) now reads the clicks table once; a second index would cost every click written.
import type { Kysely } from 'kysely'
import type { Store } from '../store.js'

export function clicksByPartner(_store: Store) {
  return {
    async up(db: Kysely<unknown>) {
      await db.schema.dropIndex('clicks_partner').execute()
      await db.schema.createIndex('clicks_partner').on('clicks').columns(['partner_id']).execute()
    },
    async down(db: Kysely<unknown>) {
      await db.schema.dropIndex('clicks_partner').execute()
      await db.schema.createIndex('clicks_partner').on('clicks').columns(['program_id', 'partner_id']).execute()
    },
  }
}
