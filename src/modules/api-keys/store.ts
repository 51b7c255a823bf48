import type { Db } from '../../store/schema.js'

export interface KeyOwner {
  apiKeyId: number
  programId: number
}

/** The hot path of every authenticated request: one lookup on the unique hash index. */
export async function findActiveKey(db: Db, keyHash: string): Promise<KeyOwner | undefined> {
  const row = await db.selectFrom('api_keys')
    .where('key_hash', '=', keyHash)
    .where('revoked_at', 'is', null)
    .select(['id', 'program_id'])
    .executeTakeFirst()
  return row ? { apiKeyId: Number(row.id), programId: Number(row.program_id) } : undefined
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
