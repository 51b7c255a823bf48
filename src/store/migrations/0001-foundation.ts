// Programs, API keys, idempotency records, the outbox and the program rollups.
import type { Kysely } from 'kysely'
import type { Store } from '../store.js'
import { jsonType, withIdColumn } from '../columns.js'

export function foundation(store: Store) {
  const dialect = store.dialect
  return {
    async up(db: Kysely<unknown>) {
      await withIdColumn(db.schema.createTable('programs'), dialect)
        .addColumn('public_id', 'varchar(16)', (c) => c.notNull().unique())
        .addColumn('name', 'varchar(255)', (c) => c.notNull())
        .addColumn('type', 'varchar(16)', (c) => c.notNull())
        .addColumn('website', 'varchar(255)')
        .addColumn('currency', 'varchar(3)', (c) => c.notNull())
        .addColumn('settings', jsonType(dialect), (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .addColumn('delete_code_hash', 'varchar(64)')
        .addColumn('delete_code_expires_at', 'bigint')
        .execute()

      await withIdColumn(db.schema.createTable('api_keys'), dialect)
        .addColumn('program_id', 'bigint', (c) => c.notNull().references('programs.id').onDelete('cascade'))
        .addColumn('prefix', 'varchar(32)', (c) => c.notNull())
        .addColumn('key_hash', 'varchar(64)', (c) => c.notNull().unique())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('revoked_at', 'bigint')
        .execute()
      await db.schema.createIndex('api_keys_program').on('api_keys').columns(['program_id', 'id']).execute()

      await withIdColumn(db.schema.createTable('idempotency_keys'), dialect)
        .addColumn('program_id', 'bigint', (c) => c.notNull().references('programs.id').onDelete('cascade'))
        .addColumn('api_key_id', 'bigint', (c) => c.notNull())
        .addColumn('idem_key', 'varchar(255)', (c) => c.notNull())
        .addColumn('fingerprint', 'varchar(64)', (c) => c.notNull())
        .addColumn('locked_until', 'bigint')
        .addColumn('status_code', 'integer')
        .addColumn('response_body', 'text')
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .execute()
      await db.schema.createIndex('idempotency_keys_claim').unique().on('idempotency_keys')
        .columns(['program_id', 'api_key_id', 'idem_key']).execute()
      await db.schema.createIndex('idempotency_keys_age').on('idempotency_keys').column('created_at').execute()

      await withIdColumn(db.schema.createTable('outbox'), dialect)
        .addColumn('program_id', 'bigint', (c) => c.notNull().references('programs.id').onDelete('cascade'))
        .addColumn('type', 'varchar(64)', (c) => c.notNull())
        .addColumn('data', jsonType(dialect), (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .execute()
      await db.schema.createIndex('outbox_program').on('outbox').columns(['program_id', 'id']).execute()

      await db.schema.createTable('program_rollups')
        .addColumn('program_id', 'bigint', (c) => c.notNull().references('programs.id').onDelete('cascade'))
        .addColumn('day', 'integer', (c) => c.notNull())
        .addColumn('metric', 'varchar(64)', (c) => c.notNull())
        .addColumn('currency', 'varchar(3)', (c) => c.notNull())
        .addColumn('value', 'bigint', (c) => c.notNull())
        .addPrimaryKeyConstraint('program_rollups_pk', ['program_id', 'metric', 'currency', 'day'])
        .execute()

      await db.schema.createTable('store_meta')
        .addColumn('name', 'varchar(64)', (c) => c.primaryKey())
        .addColumn('value', 'text', (c) => c.notNull())
        .execute()
    },
    async down(db: Kysely<unknown>) {
      for (const table of ['store_meta', 'program_rollups', 'outbox', 'idempotency_keys', 'api_keys', 'programs']) {
        await db.schema.dropTable(table).execute()
      }
    },
  }
}
