// Program rollups get a shard: on PostgreSQL each write transaction adds its deltas to one of a few
// rows per metric and day instead of the same row, so concurrent sales of one program no longer
// queue on a single row lock (bench/transaction-write.js measured them serialised). Reads sum
// over shards as they already sum over days. SQLite has one writer and always uses shard 0.
import { sql, type Kysely } from 'kysely'
import type { Store } from '../store.js'

export function rollupShards(_store: Store) {
  return {
    async up(db: Kysely<unknown>) {
      await db.schema.createTable('program_rollups_sharded')
        .addColumn('program_id', 'bigint', (c) => c.notNull().references('programs.id').onDelete('cascade'))
        .addColumn('day', 'integer', (c) => c.notNull())
        .addColumn('metric', 'varchar(64)', (c) => c.notNull())
        .addColumn('currency', 'varchar(3)', (c) => c.notNull())
        .addColumn('shard', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('value', 'bigint', (c) => c.notNull())
        .addPrimaryKeyConstraint('program_rollups_shard_pk', ['program_id', 'metric', 'currency', 'day', 'shard'])
        .execute()
      await sql`insert into program_rollups_sharded (program_id, day, metric, currency, shard, value)
        select program_id, day, metric, currency, 0, value from program_rollups`.execute(db)
      await db.schema.dropTable('program_rollups').execute()
      await db.schema.alterTable('program_rollups_sharded').renameTo('program_rollups').execute()
    },
    async down(db: Kysely<unknown>) {
      await db.schema.createTable('program_rollups_single')
        .addColumn('program_id', 'bigint', (c) => c.notNull().references('programs.id').onDelete('cascade'))
        .addColumn('day', 'integer', (c) => c.notNull())
        .addColumn('metric', 'varchar(64)', (c) => c.notNull())
        .addColumn('currency', 'varchar(3)', (c) => c.notNull())
        .addColumn('value', 'bigint', (c) => c.notNull())
        .addPrimaryKeyConstraint('program_rollups_pk', ['program_id', 'metric', 'currency', 'day'])
        .execute()
      await sql`insert into program_rollups_single (program_id, day, metric, currency, value)
        select program_id, day, metric, currency, sum(value) from program_rollups group by program_id, day, metric, currency`.execute(db)
      await db.schema.dropTable('program_rollups').execute()
      await db.schema.alterTable('program_rollups_single').renameTo('program_rollups').execute()
    },
  }
}
