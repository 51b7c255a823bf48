// Every change to what a referral key leads to — a link made, changed or deleted, a partner's status
// changed or the partner deleted, an additional domain changed — adds one to `link_changes`, by
// trigger, in the transaction that makes the change. A process that remembers link look-ups
// (tracking/link-cache.ts) reads the sum now and then and forgets them all when it moved, so a
// change made by another process (or straight in the store) reaches its clicks within moments,
// however long an unchanged entry is kept.
//
// On PostgreSQL the count is split over a few rows, picked by the connection's backend pid, so
// transactions that change links at the same time rarely wait for each other on one row.
import { sql, type Kysely } from 'kysely'
import type { Store } from '../store.js'

/** The tables and events that change a link's targets (tracking/store.ts, TARGETS). */
const WATCHED = [
  { table: 'referral_links', events: ['insert', 'update', 'delete'] },
  { table: 'partners', events: ['update of status', 'delete'] },
  { table: 'program_domains', events: ['insert', 'update', 'delete'] },
] as const

const PG_SHARDS = 16

const triggerName = (table: string, event: string) => `link_changes_${table}_${event.split(' ')[0]}`

export function linkChanges(store: Store) {
  const dialect = store.dialect
  return {
    async up(db: Kysely<unknown>) {
      await db.schema.createTable('link_changes')
        .addColumn('shard', 'integer', (c) => c.primaryKey())
        .addColumn('changes', 'bigint', (c) => c.notNull().defaultTo(0))
        .execute()
      if (dialect === 'sqlite') {
        await sql`insert into link_changes (shard, changes) values (0, 0)`.execute(db)
        for (const { table, events } of WATCHED) {
          for (const event of events) {
            await sql.raw(`create trigger ${triggerName(table, event)} after ${event} on ${table}
              begin update link_changes set changes = changes + 1 where shard = 0; end`).execute(db)
          }
        }
        return
      }
      await sql.raw(`create function link_changed() returns trigger language plpgsql as $$
        begin
          insert into link_changes (shard, changes) values (pg_backend_pid() % ${PG_SHARDS}, 1)
            on conflict (shard) do update set changes = link_changes.changes + 1;
          return null;
        end $$`).execute(db)
      for (const { table, events } of WATCHED) {
        await sql.raw(`create trigger link_changes_${table} after ${events.join(' or ')} on ${table}
          for each statement execute function link_changed()`).execute(db)
      }
    },
    async down(db: Kysely<unknown>) {
      if (dialect === 'sqlite') {
        for (const { table, events } of WATCHED) for (const event of events) await sql.raw(`drop trigger ${triggerName(table, event)}`).execute(db)
      } else {
        for (const { table } of WATCHED) await sql.raw(`drop trigger link_changes_${table} on ${table}`).execute(db)
        await sql.raw('drop function link_changed()').execute(db)
      }
      await db.schema.dropTable('link_changes').execute()
    },
  }
}
