// Merchant users (issue 21): the people who run programs from the admin, what each may do in
// which program, their sessions and one-time links, and the audit log of who changed what.
//
// A user is one person across programs (one email, one password); a membership gives that person a
// role in one program. Sessions and links keep only SHA-256 hashes, as the partners' do (0017), so
// a copy of these tables signs nobody in. A session names the program being worked on: switching
// programs changes that column, never who is signed in.
//
// The audit log is append-only and read per program newest first, hence its (program_id, id) index.
// Its user is set null when the user row goes: what was done stays on record.
import type { Kysely } from 'kysely'
import type { Store } from '../store.js'
import { jsonType, withIdColumn } from '../columns.js'

export function users(store: Store) {
  const dialect = store.dialect
  return {
    async up(db: Kysely<unknown>) {
      await withIdColumn(db.schema.createTable('users'), dialect)
        .addColumn('email', 'varchar(255)', (c) => c.notNull())
        .addColumn('email_lower', 'varchar(255)', (c) => c.notNull())
        // '' until the person gives one (the CLI creates users from an address alone).
        .addColumn('name', 'varchar(255)', (c) => c.notNull())
        // Null until a password is chosen: such a user signs in by one-time links only.
        .addColumn('password_hash', 'varchar(255)')
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .execute()
      await db.schema.createIndex('users_email').unique().on('users').columns(['email_lower']).execute()

      await db.schema.createTable('memberships')
        .addColumn('user_id', 'bigint', (c) => c.notNull().references('users.id').onDelete('cascade'))
        .addColumn('program_id', 'bigint', (c) => c.notNull().references('programs.id').onDelete('cascade'))
        // owner, admin or viewer (users/roles.ts says what each may do)
        .addColumn('role', 'varchar(16)', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addPrimaryKeyConstraint('memberships_pkey', ['user_id', 'program_id'])
        .execute()
      await db.schema.createIndex('memberships_program').on('memberships').columns(['program_id']).execute()

      await db.schema.createTable('user_sessions')
        // SHA-256 (hex) of the cookie's value
        .addColumn('id', 'varchar(64)', (c) => c.primaryKey())
        .addColumn('user_id', 'bigint', (c) => c.notNull().references('users.id').onDelete('cascade'))
        .addColumn('program_id', 'bigint', (c) => c.notNull().references('programs.id').onDelete('cascade'))
        .addColumn('csrf', 'varchar(64)', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('expires_at', 'bigint', (c) => c.notNull())
        .execute()
      await db.schema.createIndex('user_sessions_user').on('user_sessions').columns(['user_id']).execute()

      await withIdColumn(db.schema.createTable('user_tokens'), dialect)
        .addColumn('user_id', 'bigint', (c) => c.notNull().references('users.id').onDelete('cascade'))
        // link (sign in once), reset (choose a password)
        .addColumn('purpose', 'varchar(16)', (c) => c.notNull())
        .addColumn('token_hash', 'varchar(64)', (c) => c.notNull())
        // The program the link opens the session in; null: the user's first.
        .addColumn('program_id', 'bigint', (c) => c.references('programs.id').onDelete('cascade'))
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('expires_at', 'bigint', (c) => c.notNull())
        // null while it can be used; 'used' or 'replaced' after (so its page can say which)
        .addColumn('ended', 'varchar(16)')
        .execute()
      await db.schema.createIndex('user_tokens_hash').unique().on('user_tokens').columns(['token_hash']).execute()
      await db.schema.createIndex('user_tokens_user').on('user_tokens').columns(['user_id', 'purpose']).execute()

      await withIdColumn(db.schema.createTable('audit_log'), dialect)
        .addColumn('program_id', 'bigint', (c) => c.notNull().references('programs.id').onDelete('cascade'))
        // null: the command line or Partnerkit itself; or a user since removed
        .addColumn('user_id', 'bigint', (c) => c.references('users.id').onDelete('set null'))
        // what was done: user.added, partner.approved…
        .addColumn('action', 'varchar(64)', (c) => c.notNull())
        .addColumn('object_type', 'varchar(32)', (c) => c.notNull())
        .addColumn('object_id', 'varchar(255)', (c) => c.notNull())
        .addColumn('detail', jsonType(dialect))
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .execute()
      await db.schema.createIndex('audit_log_program').on('audit_log').columns(['program_id', 'id']).execute()
    },
    async down(db: Kysely<unknown>) {
      for (const table of ['audit_log', 'user_tokens', 'user_sessions', 'memberships', 'users']) await db.schema.dropTable(table).execute()
    },
  }
}
