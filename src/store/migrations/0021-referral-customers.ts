// Refer-a-friend customers (issue 22). In a refer-a-friend program a customer both buys and
// refers: what it refers with (links, clicks, rewards, its balance in the ledger) is the core's
// as for a partner, so each such customer owns one partners row of its program, its "earner"
// (refer-a-friend programs serve no partner endpoints, so the row is never listed as a partner).
// A referred customer's partner_id is its referrer's earner, so sales credit the referrer with no
// new path through the money code.
import type { Kysely } from 'kysely'
import type { Store } from '../store.js'
import { jsonType } from '../columns.js'

export function referralCustomers(store: Store) {
  const dialect = store.dialect
  return {
    async up(db: Kysely<unknown>) {
      await db.schema.alterTable('customers').addColumn('earner_id', 'bigint').execute()
      await db.schema.alterTable('customers').addColumn('approved', 'integer', (c) => c.notNull().defaultTo(1)).execute()
      await db.schema.alterTable('customers').addColumn('metadata', jsonType(dialect)).execute()
      await db.schema.alterTable('customers').addColumn('custom_fields', jsonType(dialect)).execute()
      await db.schema.createIndex('customers_earner').on('customers').columns(['program_id', 'earner_id']).execute()
    },
    async down(db: Kysely<unknown>) {
      await db.schema.dropIndex('customers_earner').execute()
      for (const column of ['custom_fields', 'metadata', 'approved', 'earner_id']) await db.schema.alterTable('customers').dropColumn(column).execute()
    },
  }
}
