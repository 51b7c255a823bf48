// The program_logos table: one row a program, replaced whole on upload.
import type { Db } from '../../store/schema.js'
import { readRow } from '../../store/prepared.js'

export interface StoredLogo {
  contentType: string
  bytes: Buffer
  hash: string
  updatedAt: number
}

/** What a page needs to link the logo: no bytes. */
export type LogoVersion = Pick<StoredLogo, 'contentType' | 'hash'>

export async function saveLogo(db: Db, programId: number, logo: StoredLogo): Promise<void> {
  const values = { content_type: logo.contentType, bytes: logo.bytes, hash: logo.hash, updated_at: logo.updatedAt }
  await db.insertInto('program_logos').values({ program_id: programId, ...values })
    .onConflict((oc) => oc.column('program_id').doUpdateSet(values))
    .execute()
}

/** Whether there was a logo to delete. */
export async function deleteLogo(db: Db, programId: number): Promise<boolean> {
  const result = await db.deleteFrom('program_logos').where('program_id', '=', programId).executeTakeFirst()
  return Number(result.numDeletedRows) > 0
}

export async function findLogo(db: Db, programId: number): Promise<StoredLogo | undefined> {
  const row = await db.selectFrom('program_logos').select(['content_type', 'bytes', 'hash', 'updated_at'])
    .where('program_id', '=', programId).executeTakeFirst()
  return row ? { contentType: row.content_type, bytes: Buffer.from(row.bytes), hash: row.hash, updatedAt: Number(row.updated_at) } : undefined
}

export async function findLogoVersion(db: Db, programId: number): Promise<LogoVersion | undefined> {
  // Every portal page asks: a statement prepared once.
  const row = await readRow<{ content_type: string; hash: string }>(db, 'program_logo_version',
    'select content_type, hash from program_logos where program_id = ?', [programId])
  return row ? { contentType: row.content_type, hash: row.hash } : undefined
}
