// The partner portal's sign-in (issue 20): sessions, one-time tokens, and what a partner's own
// account adds to the partner row.
//
// A session row is keyed by the SHA-256 of the cookie's random value, so a copy of the table
// signs nobody in; likewise a one-time token (a sign-in URL, a magic link, a reset or verification
// link) keeps only its hash, and a typed code only its hash beside it. A token that was used or
// replaced by a newer one stays, with why it ended, so its page can say "used" or "replaced".
//
// Partners: `email_verified_at` (those that exist and those the API creates were vouched for by
// the merchant; an applicant's is null until the link in the mail is followed), `language`, and
// `mail_opt_out`, the JSON list of the mails the partner turned off.
import { sql, type Kysely } from 'kysely'
import type { Store } from '../store.js'
import { withIdColumn } from '../columns.js'

export function signIn(store: Store) {
  const dialect = store.dialect
  return {
    async up(db: Kysely<unknown>) {
      await db.schema.createTable('partner_sessions')
        .addColumn('id', 'varchar(64)', (c) => c.primaryKey())
        .addColumn('partner_id', 'bigint', (c) => c.notNull().references('partners.id').onDelete('cascade'))
        .addColumn('program_id', 'bigint', (c) => c.notNull().references('programs.id').onDelete('cascade'))
        .addColumn('csrf', 'varchar(64)', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('expires_at', 'bigint', (c) => c.notNull())
        .execute()
      await db.schema.createIndex('partner_sessions_partner').on('partner_sessions').columns(['partner_id']).execute()

      await withIdColumn(db.schema.createTable('sign_in_tokens'), dialect)
        .addColumn('program_id', 'bigint', (c) => c.notNull().references('programs.id').onDelete('cascade'))
        .addColumn('partner_id', 'bigint', (c) => c.notNull().references('partners.id').onDelete('cascade'))
        // url (POST /v1/partners:sign-in-url), link (magic link + code), reset, verify
        .addColumn('purpose', 'varchar(16)', (c) => c.notNull())
        .addColumn('token_hash', 'varchar(64)', (c) => c.notNull())
        .addColumn('code_hash', 'varchar(64)')
        // The address a verification link confirms (a changed email is verified before it counts).
        .addColumn('email', 'varchar(320)')
        .addColumn('code_attempts', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('expires_at', 'bigint', (c) => c.notNull())
        // null while it can be used; 'used' or 'replaced' after
        .addColumn('ended', 'varchar(16)')
        .execute()
      await db.schema.createIndex('sign_in_tokens_hash').unique().on('sign_in_tokens').columns(['token_hash']).execute()
      await db.schema.createIndex('sign_in_tokens_partner').on('sign_in_tokens').columns(['partner_id', 'purpose']).execute()

      // The portal's chart: a partner's rewards of the last days, without reading its older ones,
      // and covering what the chart sums, so no row of the table itself is read.
      await db.schema.createIndex('rewards_partner_time').on('rewards')
        .columns(['program_id', 'partner_id', 'created_at', 'currency', 'status', 'archived', 'amount']).execute()

      await db.schema.alterTable('partners').addColumn('email_verified_at', 'bigint').execute()
      await db.schema.alterTable('partners').addColumn('language', 'varchar(16)').execute()
      await db.schema.alterTable('partners').addColumn('mail_opt_out', 'text').execute()
      await sql`update partners set email_verified_at = created_at`.execute(db)
    },
    async down(db: Kysely<unknown>) {
      for (const column of ['mail_opt_out', 'language', 'email_verified_at']) await db.schema.alterTable('partners').dropColumn(column).execute()
      await db.schema.dropIndex('rewards_partner_time').execute()
      await db.schema.dropTable('sign_in_tokens').execute()
      await db.schema.dropTable('partner_sessions').execute()
    },
  }
}
