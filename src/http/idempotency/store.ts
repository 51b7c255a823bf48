import type { Db } from '../../store/schema.js'

export interface Claim {
  programId: number
  apiKeyId: number
  key: string
  fingerprint: string
}

/** Inserts the claim row; its id, or undefined when the key is already held. */
export async function insertClaim(db: Db, claim: Claim, now: number, lockedUntil: number): Promise<number | undefined> {
  const row = await db.insertInto('idempotency_keys')
    .values({
      program_id: claim.programId,
      api_key_id: claim.apiKeyId,
      idem_key: claim.key,
      fingerprint: claim.fingerprint,
      locked_until: lockedUntil,
      created_at: now,
    })
    .onConflict((oc) => oc.columns(['program_id', 'api_key_id', 'idem_key']).doNothing())
    .returning('id')
    .executeTakeFirst()
  return row ? Number(row.id) : undefined
}

export function findClaim(db: Db, claim: Claim) {
  return db.selectFrom('idempotency_keys')
    .where('program_id', '=', claim.programId)
    .where('api_key_id', '=', claim.apiKeyId)
    .where('idem_key', '=', claim.key)
    .selectAll()
    .executeTakeFirst()
}

/** Takes over a claim whose holder's lease ran out (it crashed); false if someone else did first. */
export async function takeOverClaim(db: Db, id: number, expectedLock: number, lockedUntil: number): Promise<boolean> {
  const result = await db.updateTable('idempotency_keys')
    .set({ locked_until: lockedUntil })
    .where('id', '=', id)
    .where('locked_until', '=', expectedLock)
    .where('status_code', 'is', null)
    .executeTakeFirst()
  return Number(result.numUpdatedRows) === 1
}

export async function completeClaim(db: Db, id: number, statusCode: number, body: string): Promise<void> {
  await db.updateTable('idempotency_keys')
    .set({ status_code: statusCode, response_body: body, locked_until: null })
    .where('id', '=', id)
    .execute()
}

export async function dropClaim(db: Db, id: number): Promise<void> {
  await db.deleteFrom('idempotency_keys').where('id', '=', id).execute()
}

export async function dropClaimsOlderThan(db: Db, cutoff: number): Promise<void> {
  await db.deleteFrom('idempotency_keys').where('created_at', '<', cutoff).execute()
}
