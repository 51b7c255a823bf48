// Outgoing webhooks (spec §3.12, §4; architecture §6.12): the merchant's subscriptions, and one
// delivery row per event and subscription that the dispatcher works through until it succeeds
// or gives up. Everything the dispatcher knows lives here, so delivery survives restarts.
import { sql, type Kysely } from 'kysely'
import type { Store } from '../store.js'
import { withIdColumn } from '../columns.js'

export function webhooks(store: Store) {
  const dialect = store.dialect
  return {
    async up(db: Kysely<unknown>) {
      await withIdColumn(db.schema.createTable('webhook_subscriptions'), dialect)
        .addColumn('program_id', 'bigint', (c) => c.notNull().references('programs.id').onDelete('cascade'))
        .addColumn('key', 'varchar(64)', (c) => c.notNull())
        .addColumn('name', 'varchar(255)', (c) => c.notNull())
        .addColumn('url', 'varchar(2048)', (c) => c.notNull())
        // JSON array of event names, as text on both stores (it is only ever read whole).
        .addColumn('events', 'text', (c) => c.notNull())
        .addColumn('is_active', 'integer', (c) => c.notNull())
        // The signing secret: the wire's `signature`. Returned on every read, so kept readable.
        .addColumn('secret', 'varchar(64)', (c) => c.notNull())
        // Why the dispatcher switched the subscription off (410, failures); null when the merchant did.
        .addColumn('disabled_reason', 'varchar(500)')
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .execute()
      await db.schema.createIndex('webhook_subscriptions_key').unique().on('webhook_subscriptions').columns(['program_id', 'key']).execute()

      await withIdColumn(db.schema.createTable('webhook_deliveries'), dialect)
        .addColumn('program_id', 'bigint', (c) => c.notNull().references('programs.id').onDelete('cascade'))
        .addColumn('subscription_id', 'bigint', (c) => c.notNull().references('webhook_subscriptions.id').onDelete('cascade'))
        // The event delivered; null for a test event.
        .addColumn('outbox_id', 'bigint')
        // Standard Webhooks `webhook-id`: the same on every attempt, so receivers can dedupe.
        .addColumn('webhook_id', 'varchar(64)', (c) => c.notNull())
        .addColumn('event', 'varchar(64)', (c) => c.notNull())
        // The exact body sent, fixed when the delivery is made: every attempt sends the same bytes.
        .addColumn('body', 'text', (c) => c.notNull())
        .addColumn('status', 'varchar(16)', (c) => c.notNull())
        .addColumn('attempts', 'integer', (c) => c.notNull())
        .addColumn('next_attempt_at', 'bigint', (c) => c.notNull())
        // A dispatcher holds a delivery while it sends; a crashed holder's claim runs out.
        .addColumn('claimed_until', 'bigint')
        .addColumn('claim_token', 'varchar(64)')
        .addColumn('last_attempt_at', 'bigint')
        .addColumn('last_status_code', 'integer')
        .addColumn('last_error', 'varchar(500)')
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('delivered_at', 'bigint')
        .execute()
      // One delivery per event and subscription, however many dispatchers fan the event out.
      await db.schema.createIndex('webhook_deliveries_event').unique().on('webhook_deliveries').columns(['subscription_id', 'outbox_id']).execute()
      await db.schema.createIndex('webhook_deliveries_log').on('webhook_deliveries').columns(['subscription_id', 'id']).execute()
      await db.schema.createIndex('webhook_deliveries_due').on('webhook_deliveries').columns(['next_attempt_at'])
        .where(sql.ref('status'), '=', 'pending').execute()

      // Events not yet turned into deliveries. Those written before webhooks existed have no one to go to.
      await db.schema.alterTable('outbox').addColumn('fanned_out', 'integer', (c) => c.notNull().defaultTo(0)).execute()
      await db.updateTable('outbox' as never).set({ fanned_out: 1 } as never).execute()
      await db.schema.createIndex('outbox_unfanned').on('outbox').columns(['id']).where(sql.ref('fanned_out'), '=', 0).execute()
    },
    async down(db: Kysely<unknown>) {
      await db.schema.dropIndex('outbox_unfanned').execute()
      await db.schema.alterTable('outbox').dropColumn('fanned_out').execute()
      for (const table of ['webhook_deliveries', 'webhook_subscriptions']) await db.schema.dropTable(table).execute()
    },
  }
}
