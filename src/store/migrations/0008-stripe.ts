// Stripe in (spec §7): each program's signing secret, the Stripe events already handled (so a
// repeat does nothing), and what Stripe has said about each payment. Events come in any order and
// any number of times; the payment row merges what they say (the largest refund, the latest
// dispute outcome) and the transaction is brought in line with it, so the end is the same.
import type { Kysely } from 'kysely'
import type { Store } from '../store.js'
import { jsonType, withIdColumn } from '../columns.js'

export function stripe(store: Store) {
  const dialect = store.dialect
  return {
    async up(db: Kysely<unknown>) {
      await db.schema.createTable('stripe_settings')
        .addColumn('program_id', 'bigint', (c) => c.primaryKey().references('programs.id').onDelete('cascade'))
        .addColumn('webhook_secret', 'varchar(255)', (c) => c.notNull())
        // 1: an open or lost dispute takes the commission back (a won one gives it again).
        .addColumn('reverse_on_dispute', 'integer', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .execute()

      await withIdColumn(db.schema.createTable('stripe_events'), dialect)
        .addColumn('program_id', 'bigint', (c) => c.notNull().references('programs.id').onDelete('cascade'))
        .addColumn('event_id', 'varchar(255)', (c) => c.notNull())
        .addColumn('type', 'varchar(64)', (c) => c.notNull())
        .addColumn('received_at', 'bigint', (c) => c.notNull())
        .execute()
      await db.schema.createIndex('stripe_events_id').unique().on('stripe_events').columns(['program_id', 'event_id']).execute()

      await withIdColumn(db.schema.createTable('stripe_payments'), dialect)
        .addColumn('program_id', 'bigint', (c) => c.notNull().references('programs.id').onDelete('cascade'))
        // The transaction key the payment becomes (stripe_pi_…, stripe_in_…, stripe_cs_…).
        .addColumn('transaction_key', 'varchar(255)', (c) => c.notNull())
        .addColumn('stripe_customer', 'varchar(255)')
        // JSON: the sale as Stripe described it (amount in minor units, currency, time, who), once known.
        .addColumn('sale', jsonType(dialect))
        .addColumn('refunded_minor', 'bigint', (c) => c.notNull())
        // null, 'open', 'won' or 'lost'.
        .addColumn('dispute', 'varchar(16)')
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .execute()
      await db.schema.createIndex('stripe_payments_key').unique().on('stripe_payments').columns(['program_id', 'transaction_key']).execute()
      await db.schema.createIndex('stripe_payments_customer').on('stripe_payments').columns(['program_id', 'stripe_customer']).execute()

      // A Stripe customer tied to one of ours by a checkout (its later invoices carry no hints).
      await db.schema.createTable('stripe_customers')
        .addColumn('program_id', 'bigint', (c) => c.notNull().references('programs.id').onDelete('cascade'))
        .addColumn('stripe_customer', 'varchar(255)', (c) => c.notNull())
        .addColumn('hints', jsonType(dialect), (c) => c.notNull())
        .addPrimaryKeyConstraint('stripe_customers_pk', ['program_id', 'stripe_customer'])
        .execute()
    },
    async down(db: Kysely<unknown>) {
      for (const table of ['stripe_customers', 'stripe_payments', 'stripe_events', 'stripe_settings']) await db.schema.dropTable(table).execute()
    },
  }
}
