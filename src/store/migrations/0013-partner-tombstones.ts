// Deleting a partner keeps its row (issue 17). Its sales, rewards and ledger rows name it, and are
// refunded, deleted and archived after it is gone: each of those moves the partner's counters, so
// the row they move must still be there, or the reversal fails (a foreign key) and the counters
// stop being what the rows add up to. DELETE now sets `deleted_at` on the partner and its links,
// and every look-up skips such rows, so on the wire a deleted partner is as missing as before.
//
// The id, key and email must be free again once deleted: the unique indexes cover live rows only
// (a partial index, on both stores). Marking the links deleted updates referral_links, which moves
// `link_changes` (0011), so processes forget what they remembered of the keys.
//
// Partners deleted before this have no row to keep, and their sales can still be reversed: the
// money counters no longer need the partner to exist (no foreign key from partner_amounts), so
// such a reversal adds to a counter nobody reads instead of failing.
import { sql, type Kysely } from 'kysely'
import type { Store } from '../store.js'

const LIVE = sql.ref('deleted_at')

const UNIQUE = [
  { name: 'partners_public_id', table: 'partners', columns: ['program_id', 'public_id'] },
  { name: 'partners_email', table: 'partners', columns: ['program_id', 'email_lower'] },
  { name: 'referral_links_key', table: 'referral_links', columns: ['program_id', 'key'] },
] as const

export function partnerTombstones(store: Store) {
  const dialect = store.dialect
  return {
    async up(db: Kysely<unknown>) {
      for (const table of ['partners', 'referral_links']) await db.schema.alterTable(table).addColumn('deleted_at', 'bigint').execute()
      for (const { name, table, columns } of UNIQUE) {
        await db.schema.dropIndex(name).execute()
        await db.schema.createIndex(name).unique().on(table).columns([...columns]).where(LIVE, 'is', null).execute()
      }
      await partnerAmountsReferPartners(db, dialect, false)
    },
    async down(db: Kysely<unknown>) {
      // What older versions did on DELETE, now: the rows go (links, clicks and counters with them).
      await sql`delete from partner_amounts where partner_id not in (select id from partners where deleted_at is null)`.execute(db)
      await sql`delete from referral_links where deleted_at is not null`.execute(db)
      await sql`delete from partners where deleted_at is not null`.execute(db)
      await partnerAmountsReferPartners(db, dialect, true)
      for (const { name, table, columns } of UNIQUE) {
        await db.schema.dropIndex(name).execute()
        await db.schema.createIndex(name).unique().on(table).columns([...columns]).execute()
      }
      for (const table of ['partners', 'referral_links']) await db.schema.alterTable(table).dropColumn('deleted_at').execute()
    },
  }
}

/** Adds or drops partner_amounts' foreign key to partners; SQLite can only rebuild the table for that. */
async function partnerAmountsReferPartners(db: Kysely<unknown>, dialect: Store['dialect'], refer: boolean): Promise<void> {
  if (dialect === 'postgres') {
    if (refer) {
      await sql`alter table partner_amounts add constraint partner_amounts_partner_id_fkey
        foreign key (partner_id) references partners (id) on delete cascade`.execute(db)
      return
    }
    const { rows } = await sql<{ name: string }>`select conname as name from pg_constraint
      where conrelid = 'partner_amounts'::regclass and confrelid = 'partners'::regclass and contype = 'f'`.execute(db)
    for (const { name } of rows) await sql`alter table partner_amounts drop constraint ${sql.id(name)}`.execute(db)
    return
  }
  await db.schema.createTable('partner_amounts_rebuilt')
    .addColumn('program_id', 'bigint', (c) => c.notNull().references('programs.id').onDelete('cascade'))
    .addColumn('partner_id', 'bigint', (c) => (refer ? c.notNull().references('partners.id').onDelete('cascade') : c.notNull()))
    .addColumn('metric', 'varchar(32)', (c) => c.notNull())
    .addColumn('currency', 'varchar(3)', (c) => c.notNull())
    .addColumn('value', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('partner_amounts_pk', ['program_id', 'partner_id', 'metric', 'currency'])
    .execute()
  await sql`insert into partner_amounts_rebuilt (program_id, partner_id, metric, currency, value)
    select program_id, partner_id, metric, currency, value from partner_amounts`.execute(db)
  await db.schema.dropTable('partner_amounts').execute()
  await db.schema.alterTable('partner_amounts_rebuilt').renameTo('partner_amounts').execute()
}
