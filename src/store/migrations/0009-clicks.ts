// Clicks on referral links (issue 6). One row per link and visitor: a visitor is a salted hash of
// IP and user agent (raw IPs are never stored), and a repeat visit within the counting window
// updates the row instead of adding one, so the table grows with distinct visitors, not with
// traffic. The row's id is the click id a merchant may pass back for server-side attribution.
import type { Kysely } from 'kysely'
import type { Store } from '../store.js'
import { withIdColumn } from '../columns.js'

export function clicks(store: Store) {
  const dialect = store.dialect
  return {
    async up(db: Kysely<unknown>) {
      await withIdColumn(db.schema.createTable('clicks'), dialect)
        .addColumn('program_id', 'bigint', (c) => c.notNull().references('programs.id').onDelete('cascade'))
        .addColumn('partner_id', 'bigint', (c) => c.notNull().references('partners.id').onDelete('cascade'))
        .addColumn('link_id', 'bigint', (c) => c.notNull().references('referral_links.id').onDelete('cascade'))
        .addColumn('visitor', 'varchar(32)', (c) => c.notNull())
        .addColumn('first_at', 'bigint', (c) => c.notNull())
        /** When this visitor's last counted click on the link happened: the window starts there. */
        .addColumn('counted_at', 'bigint', (c) => c.notNull())
        .addColumn('count', 'bigint', (c) => c.notNull())
        .execute()
      await db.schema.createIndex('clicks_visitor').unique().on('clicks').columns(['link_id', 'visitor']).execute()
      // A click names a key without its program (`/r/{key}`): keys are looked up across programs.
      await db.schema.createIndex('referral_links_any_program').on('referral_links').columns(['key']).execute()
      await db.schema.createIndex('clicks_partner').on('clicks').columns(['program_id', 'partner_id']).execute()

      // Which click credited a customer, and whether the customer referred themselves.
      await db.schema.alterTable('customers').addColumn('click_id', 'bigint', (c) => c.references('clicks.id').onDelete('set null')).execute()
      await db.schema.alterTable('customers').addColumn('self_referral', 'integer', (c) => c.notNull().defaultTo(0)).execute()
    },
    async down(db: Kysely<unknown>) {
      await db.schema.alterTable('customers').dropColumn('self_referral').execute()
      await db.schema.alterTable('customers').dropColumn('click_id').execute()
      await db.schema.dropTable('clicks').execute()
      await db.schema.dropIndex('referral_links_any_program').execute()
    },
  }
}
