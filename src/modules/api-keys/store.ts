import type { Selectable } from 'kysely'
import type { Db, ProgramTable } from '../../store/schema.js'
import type { Store } from '../../store/store.js'
import { toProgram, type Program } from '../programs/service.js'

export interface KeyOwner {
  apiKeyId: number
  program: Program
}

const CALLER_BY_KEY_HASH = `
  select k.id as api_key_id, p.*
  from api_keys k join programs p on p.id = k.program_id
  where k.key_hash = ? and k.revoked_at is null`

/** The hot path of every authenticated request: the key and its program, one prepared lookup on the unique hash index. */
export async function findKeyOwner(store: Store, keyHash: string): Promise<KeyOwner | undefined> {
  const row = await store.first<Selectable<ProgramTable> & { api_key_id: number }>('caller_by_key_hash', CALLER_BY_KEY_HASH, [keyHash])
  if (!row) return undefined
  const { api_key_id: apiKeyId, ...program } = row
  return { apiKeyId: Number(apiKeyId), program: toProgram(program) }
}

export async function insertKey(db: Db, programId: number, prefix: string, keyHash: string, now: number): Promise<void> {
  await db.insertInto('api_keys').values({ program_id: programId, prefix, key_hash: keyHash, created_at: now }).execute()
}

export function listKeys(db: Db, programId: number) {
  return db.selectFrom('api_keys')
    .where('program_id', '=', programId)
    .select(['id', 'prefix', 'created_at', 'revoked_at'])
    .orderBy('id')
    .execute()
}

/** Keys matching a full hash or a display prefix, with their program's public id. */
export function keysMatching(db: Db, match: { keyHash: string } | { prefix: string }) {
  let query = db.selectFrom('api_keys')
    .innerJoin('programs', 'programs.id', 'api_keys.program_id')
    .select(['api_keys.id', 'api_keys.prefix', 'api_keys.revoked_at', 'programs.public_id'])
  query = 'keyHash' in match
    ? query.where('api_keys.key_hash', '=', match.keyHash)
    : query.where('api_keys.prefix', '=', match.prefix)
  return query.execute()
}

export async function markRevoked(db: Db, keyId: number, now: number): Promise<void> {
  await db.updateTable('api_keys').set({ revoked_at: now }).where('id', '=', keyId).where('revoked_at', 'is', null).execute()
}
