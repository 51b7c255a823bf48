// Outgoing email (src/mail/): one row per mail, queued in the transaction of the change it tells
// about and worked through by the mail job until it is sent, logged (no SMTP_URL) or given up.
// Everything the job knows lives here, so a restart loses no mail. The outbox gets a flag of its
// own for the mail job, as it has one for webhooks: each reader marks the events it has handled.
import { sql, type Kysely } from 'kysely'
import type { Store } from '../store.js'
import { withIdColumn } from '../columns.js'

export function mail(store: Store) {
  const dialect = store.dialect
  return {
    async up(db: Kysely<unknown>) {
      await withIdColumn(db.schema.createTable('mails'), dialect)
        // Null for mails that belong to no program (a merchant user's sign-in link).
        .addColumn('program_id', 'bigint', (c) => c.references('programs.id').onDelete('cascade'))
        // The event the mail tells about, when an event made it: one mail per event at most.
        .addColumn('outbox_id', 'bigint')
        // The message's name (application-received, sign-in-code…): what `mail list` and tests match.
        .addColumn('kind', 'varchar(64)', (c) => c.notNull())
        .addColumn('to_address', 'varchar(320)', (c) => c.notNull())
        .addColumn('subject', 'varchar(998)', (c) => c.notNull())
        .addColumn('text', 'text', (c) => c.notNull())
        .addColumn('html', 'text', (c) => c.notNull())
        .addColumn('status', 'varchar(16)', (c) => c.notNull())
        .addColumn('attempts', 'integer', (c) => c.notNull())
        .addColumn('next_attempt_at', 'bigint', (c) => c.notNull())
        // A job holds a mail while it sends; a crashed holder's claim runs out.
        .addColumn('claimed_until', 'bigint')
        .addColumn('claim_token', 'varchar(64)')
        .addColumn('last_error', 'varchar(500)')
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('sent_at', 'bigint')
        .execute()
      await db.schema.createIndex('mails_event').unique().on('mails').columns(['outbox_id']).execute()
      await db.schema.createIndex('mails_due').on('mails').columns(['next_attempt_at']).where(sql.ref('status'), '=', 'pending').execute()
      // `partnerkit mail list` reads the newest first.
      await db.schema.createIndex('mails_recent').on('mails').columns(['created_at']).execute()

      // Events the mail job has not read yet. Those written before mail existed announce nothing to mail now.
      await db.schema.alterTable('outbox').addColumn('mailed', 'integer', (c) => c.notNull().defaultTo(0)).execute()
      await db.updateTable('outbox' as never).set({ mailed: 1 } as never).execute()
      await db.schema.createIndex('outbox_unmailed').on('outbox').columns(['id']).where(sql.ref('mailed'), '=', 0).execute()
    },
    async down(db: Kysely<unknown>) {
      await db.schema.dropIndex('outbox_unmailed').execute()
      await db.schema.alterTable('outbox').dropColumn('mailed').execute()
      await db.schema.dropTable('mails').execute()
    },
  }
}
