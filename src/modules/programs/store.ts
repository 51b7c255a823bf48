import type { Db, ProgramTable, ProgramType } from '../../store/schema.js'
import { sql, type Selectable } from 'kysely'
import { readJson, writeJson } from '../../store/json.js'
import { dialectOf } from '../../store/prepared.js'
import { programSettings, type StoredSettings } from './settings.js'
import { storableText } from '../../store/text-keys.js'
import { readRow } from '../../store/prepared.js'

export interface Program {
  id: number
  publicId: string
  name: string
  type: ProgramType
  website: string | null
  currency: string
  settings: StoredSettings
  createdAt: number
  updatedAt: number
}

// The caller of an API route is a program's key: route handlers see its program as this module
// defines it (http/route.ts leaves CallerProgram for us to say).
declare module '../../http/route.js' {
  interface CallerProgram extends Program {}
}

export function toProgram(row: Selectable<ProgramTable>): Program {
  return {
    id: Number(row.id),
    publicId: row.public_id,
    name: row.name,
    type: row.type,
    website: row.website,
    currency: row.currency,
    settings: programSettings(readJson<Partial<StoredSettings>>(row.settings), row.type),
    createdAt: Number(row.created_at),
    updatedAt: Number(row.updated_at),
  }
}

export async function findProgram(db: Db, id: number): Promise<Program | undefined> {
  const row = await db.selectFrom('programs').selectAll().where('id', '=', id).executeTakeFirst()
  return row ? toProgram(row) : undefined
}

export async function findProgramByPublicId(db: Db, publicId: string): Promise<Program | undefined> {
  if (!storableText(publicId)) return undefined
  // Every portal page starts here: a statement prepared once.
  const row = await readRow<Selectable<ProgramTable>>(db, 'program_by_public_id', 'select * from programs where public_id = ?', [publicId])
  return row ? toProgram(row) : undefined
}

/**
 * The program whose portal answers on `host` (stored lower-cased), if any other than `exceptId`. The
 * domain lives in the settings document, so this reads every program's: callers cache the answer.
 */
export async function findProgramByPortalDomain(db: Db, host: string, exceptId?: number): Promise<Program | undefined> {
  if (!storableText(host)) return undefined
  const domain = dialectOf(db) === 'postgres'
    ? sql<string | null>`settings -> 'portal' ->> 'portal_domain'`
    : sql<string | null>`json_extract(settings, '$.portal.portal_domain')`
  let query = db.selectFrom('programs').selectAll().where(domain, '=', host)
  if (exceptId !== undefined) query = query.where('id', '<>', exceptId)
  const row = await query.orderBy('id').executeTakeFirst()
  return row ? toProgram(row) : undefined
}

/**
 * Holds `host` as a portal domain until the transaction ends, so that two programs claiming it at
 * once cannot both find it free under PostgreSQL's read committed (the domain is in the settings
 * document, not a column with a unique index). SQLite needs none: it runs one write transaction at a time.
 */
export async function lockPortalDomain(db: Db, host: string): Promise<void> {
  if (dialectOf(db) !== 'postgres') return
  await sql`select pg_advisory_xact_lock(hashtextextended(${`portal_domain/${host}`}, 0))`.execute(db)
}

export async function allPrograms(db: Db): Promise<Program[]> {
  const rows = await db.selectFrom('programs').selectAll().orderBy('id').execute()
  return rows.map(toProgram)
}

/** A new program starts with no stored settings: every setting reads as its (type's) default. */
export type NewProgram = Pick<Program, 'publicId' | 'name' | 'type' | 'website' | 'currency'> & { now: number }

/** Inserts unless the public id is taken; undefined then, so the caller can draw another. */
export async function insertProgram(db: Db, p: NewProgram): Promise<Program | undefined> {
  const row = await db.insertInto('programs')
    .values({
      public_id: p.publicId,
      name: p.name,
      type: p.type,
      website: p.website,
      currency: p.currency,
      settings: writeJson({}),
      created_at: p.now,
      updated_at: p.now,
    })
    .onConflict((oc) => oc.column('public_id').doNothing())
    .returningAll()
    .executeTakeFirst()
  return row ? toProgram(row) : undefined
}

export async function saveProgram(db: Db, program: Program): Promise<void> {
  await db.updateTable('programs')
    .set({
      name: program.name,
      website: program.website,
      currency: program.currency,
      settings: writeJson(program.settings),
      updated_at: program.updatedAt,
    })
    .where('id', '=', program.id)
    .execute()
}

export async function setDeleteCode(db: Db, programId: number, codeHash: string, expiresAt: number): Promise<void> {
  await db.updateTable('programs')
    .set({ delete_code_hash: codeHash, delete_code_expires_at: expiresAt })
    .where('id', '=', programId)
    .execute()
}

/** Deletes the program (everything in it goes by cascade) if the code matches and is still valid. */
export async function deleteProgramWithCode(db: Db, programId: number, codeHash: string, now: number): Promise<boolean> {
  const result = await db.deleteFrom('programs')
    .where('id', '=', programId)
    .where('delete_code_hash', '=', codeHash)
    .where('delete_code_expires_at', '>=', now)
    .executeTakeFirst()
  return Number(result.numDeletedRows) === 1
}

// The program's additional domains (program_domains): hosts its links may live on, besides the website.
export function domainsOf(db: Db, programId: number, page?: { offset: number; fetch: number }) {
  let query = db.selectFrom('program_domains').select(['id', 'domain']).where('program_id', '=', programId).orderBy('id')
  if (page) query = query.offset(page.offset).limit(page.fetch)
  return query.execute()
}

export function findDomain(db: Db, programId: number, id: number) {
  return db.selectFrom('program_domains').select(['id', 'domain'])
    .where('program_id', '=', programId).where('id', '=', id).executeTakeFirst()
}

/** Keeps the listed hosts (their ids stay), adds the new ones, removes the rest. */
export async function replaceDomains(db: Db, programId: number, hosts: string[], now: number): Promise<void> {
  const existing = await domainsOf(db, programId)
  const gone = existing.filter((d) => !hosts.includes(d.domain)).map((d) => d.id)
  if (gone.length > 0) await db.deleteFrom('program_domains').where('program_id', '=', programId).where('id', 'in', gone).execute()
  const added = hosts.filter((h) => !existing.some((d) => d.domain === h))
  if (added.length > 0) {
    await db.insertInto('program_domains').values(added.map((domain) => ({ program_id: programId, domain, created_at: now }))).execute()
  }
}
