// Partners, their referral links, a program's additional link domains, and the per-partner
// money counters behind the `referrals` and `commissions` stats.
import type { Kysely } from 'kysely'
import type { Store } from '../store.js'
import { jsonType, withIdColumn } from '../columns.js'

export function partners(store: Store) {
  const dialect = store.dialect
  return {
    async up(db: Kysely<unknown>) {
      await withIdColumn(db.schema.createTable('partners'), dialect)
        .addColumn('program_id', 'bigint', (c) => c.notNull().references('programs.id').onDelete('cascade'))
        .addColumn('public_id', 'varchar(255)', (c) => c.notNull())
        .addColumn('email', 'varchar(255)', (c) => c.notNull())
        .addColumn('email_lower', 'varchar(255)', (c) => c.notNull())
        .addColumn('name', 'varchar(255)')
        .addColumn('surname', 'varchar(255)')
        .addColumn('password_hash', 'varchar(255)', (c) => c.notNull())
        .addColumn('status', 'varchar(16)', (c) => c.notNull())
        .addColumn('approved', 'integer', (c) => c.notNull())
        .addColumn('status_before_archive', 'varchar(16)')
        .addColumn('tos', 'integer', (c) => c.notNull())
        .addColumn('tags', jsonType(dialect), (c) => c.notNull())
        .addColumn('custom_fields', jsonType(dialect), (c) => c.notNull())
        .addColumn('referring_partner_id', 'bigint')
        .addColumn('clicks', 'bigint', (c) => c.notNull().defaultTo(0))
        .addColumn('signups', 'bigint', (c) => c.notNull().defaultTo(0))
        .addColumn('sales_count', 'bigint', (c) => c.notNull().defaultTo(0))
        .addColumn('paid_accounts', 'bigint', (c) => c.notNull().defaultTo(0))
        .addColumn('referrals_count', 'bigint', (c) => c.notNull().defaultTo(0))
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .execute()
      await db.schema.createIndex('partners_public_id').unique().on('partners').columns(['program_id', 'public_id']).execute()
      await db.schema.createIndex('partners_email').unique().on('partners').columns(['program_id', 'email_lower']).execute()
      await db.schema.createIndex('partners_list').on('partners').columns(['program_id', 'id']).execute()

      await withIdColumn(db.schema.createTable('program_domains'), dialect)
        .addColumn('program_id', 'bigint', (c) => c.notNull().references('programs.id').onDelete('cascade'))
        .addColumn('domain', 'varchar(255)', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .execute()
      await db.schema.createIndex('program_domains_domain').unique().on('program_domains').columns(['program_id', 'domain']).execute()

      await withIdColumn(db.schema.createTable('referral_links'), dialect)
        .addColumn('program_id', 'bigint', (c) => c.notNull().references('programs.id').onDelete('cascade'))
        .addColumn('partner_id', 'bigint', (c) => c.notNull().references('partners.id').onDelete('cascade'))
        .addColumn('key', 'varchar(64)', (c) => c.notNull())
        .addColumn('is_default', 'integer', (c) => c.notNull())
        .addColumn('domain_id', 'bigint', (c) => c.references('program_domains.id').onDelete('set null'))
        .addColumn('landing_url', 'varchar(2048)')
        .addColumn('direct_tracking', 'integer', (c) => c.notNull())
        .addColumn('direct_tracking_redirect', 'integer', (c) => c.notNull())
        .addColumn('direct_tracking_redirect_url', 'varchar(2048)')
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .execute()
      await db.schema.createIndex('referral_links_key').unique().on('referral_links').columns(['program_id', 'key']).execute()
      await db.schema.createIndex('referral_links_partner').on('referral_links').columns(['program_id', 'partner_id', 'id']).execute()

      await db.schema.createTable('partner_amounts')
        .addColumn('program_id', 'bigint', (c) => c.notNull().references('programs.id').onDelete('cascade'))
        .addColumn('partner_id', 'bigint', (c) => c.notNull().references('partners.id').onDelete('cascade'))
        .addColumn('metric', 'varchar(32)', (c) => c.notNull())
        .addColumn('currency', 'varchar(3)', (c) => c.notNull())
        .addColumn('value', 'bigint', (c) => c.notNull())
        .addPrimaryKeyConstraint('partner_amounts_pk', ['program_id', 'partner_id', 'metric', 'currency'])
        .execute()
    },
    async down(db: Kysely<unknown>) {
      for (const table of ['partner_amounts', 'referral_links', 'program_domains', 'partners']) {
        await db.schema.dropTable(table).execute()
      }
    },
  }
}
