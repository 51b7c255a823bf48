// Leads of affiliate programs (spec §3.8): a partner submits a prospect, the merchant converts it
// into a customer of that partner (or rejects it).
//
// A lead's wire `id` is its number within the program, so ids say nothing about other programs.
// Numbers come from a per-program counter: concurrent submissions never draw the same one, and a
// deleted lead's number is never handed out again.
import type { Kysely } from 'kysely'
import type { Store } from '../store.js'
import { jsonType, withIdColumn } from '../columns.js'

export function leads(store: Store) {
  const dialect = store.dialect
  return {
    async up(db: Kysely<unknown>) {
      await db.schema.createTable('lead_counters')
        .addColumn('program_id', 'bigint', (c) => c.primaryKey().references('programs.id').onDelete('cascade'))
        .addColumn('last_number', 'bigint', (c) => c.notNull())
        .execute()

      await withIdColumn(db.schema.createTable('leads'), dialect)
        .addColumn('program_id', 'bigint', (c) => c.notNull().references('programs.id').onDelete('cascade'))
        .addColumn('number', 'bigint', (c) => c.notNull())
        // The submitting partner; null once that partner is deleted.
        .addColumn('partner_id', 'bigint', (c) => c.references('partners.id').onDelete('set null'))
        .addColumn('name', 'varchar(255)', (c) => c.notNull())
        .addColumn('email', 'varchar(255)', (c) => c.notNull())
        .addColumn('answers', jsonType(dialect), (c) => c.notNull())
        .addColumn('status', 'varchar(16)', (c) => c.notNull())
        .addColumn('customer_id', 'bigint', (c) => c.references('customers.id').onDelete('set null'))
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .execute()
      // Also the list's order and the look-up by wire id.
      await db.schema.createIndex('leads_number').unique().on('leads').columns(['program_id', 'number']).execute()
    },
    async down(db: Kysely<unknown>) {
      for (const table of ['leads', 'lead_counters']) await db.schema.dropTable(table).execute()
    },
  }
}
