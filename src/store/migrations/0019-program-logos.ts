// The partner portal's logo (issue 21): one image a program, uploaded from the admin, kept in the
// store itself so a self-hosted server needs no file storage beside its database.
//
// The hash (SHA-256 of the bytes, hex) names the image in its URL: a new logo gets a new address,
// so browsers may keep each one for good. The content type is the one its first bytes showed.
import type { Kysely } from 'kysely'
import type { Store } from '../store.js'
import { bytesType } from '../columns.js'

export function programLogos(store: Store) {
  const dialect = store.dialect
  return {
    async up(db: Kysely<unknown>) {
      await db.schema.createTable('program_logos')
        .addColumn('program_id', 'bigint', (c) => c.primaryKey().references('programs.id').onDelete('cascade'))
        .addColumn('content_type', 'varchar(32)', (c) => c.notNull())
        .addColumn('bytes', bytesType(dialect), (c) => c.notNull())
        .addColumn('hash', 'varchar(64)', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .execute()
    },
    async down(db: Kysely<unknown>) {
      await db.schema.dropTable('program_logos').execute()
    },
  }
}
