import type { Selectable } from 'kysely'
import type { Db, IdempotencyTable } from '../../store/schema.js'
import { readRow } from '../../store/prepared.js'

export interface Claim {
  programId: number
  apiKeyId: number
  key: string
  fingerprint: string
}

export type ClaimRow = Selectable<IdempotencyTable>

/** Inserts the claim row, with no answer yet; its id, or undefined when the key is already held. */
export async function insertClaim(db: Db, claim: Claim, now: number): Promise<number | undefined> {
  const row = await db.insertInto('idempotency_keys')
    .values(claimRow(claim, now))
    .onConflict((oc) => oc.columns(['program_id', 'api_key_id', 'idem_key']).doNothing())
    .returning('id')
    .executeTakeFirst()
  return row ? Number(row.id) : undefined
}

/** Keeps an answer that had no effect (a 4xx), unless the key got an answer meanwhile. */
export async function keepAnswer(db: Db, claim: Claim, now: number, statusCode: number, body: string): Promise<void> {
  await db.insertInto('idempotency_keys')
    .values({ ...claimRow(claim, now), status_code: statusCode, response_body: body })
    .onConflict((oc) => oc.columns(['program_id', 'api_key_id', 'idem_key']).doNothing())
    .execute()
}

function claimRow(claim: Claim, now: number) {
  return {
    program_id: claim.programId,
    api_key_id: claim.apiKeyId,
    idem_key: claim.key,
    fingerprint: claim.fingerprint,
    created_at: now,
  }
}

/**
 * The claim as committed, read beside the writer (prepared, on SQLite's reader connection): a
 * retry is answered without waiting for the writes in progress, a request still running among them.
 */
export function findCommittedClaim(db: Db, claim: Claim): Promise<ClaimRow | undefined> {
  return readRow<ClaimRow>(db, 'idempotency_claim',
    'select * from idempotency_keys where program_id = ? and api_key_id = ? and idem_key = ?',
    [claim.programId, claim.apiKeyId, claim.key])
}

/** The claim as this transaction sees it. */
export function findClaim(db: Db, claim: Claim): Promise<ClaimRow | undefined> {
  return db.selectFrom('idempotency_keys')
    .where('program_id', '=', claim.programId)
    .where('api_key_id', '=', claim.apiKeyId)
    .where('idem_key', '=', claim.key)
    .selectAll()
    .executeTakeFirst()
}

/** Stores the answer of the request that ran under the claim (and its fingerprint: it may have taken an old claim over). */
export async function completeClaim(db: Db, id: number, fingerprint: string, statusCode: number, body: string): Promise<void> {
  await db.updateTable('idempotency_keys')
    .set({ fingerprint, status_code: statusCode, response_body: body, locked_until: null })
    .where('id', '=', id)
    .execute()
}

export async function dropClaim(db: Db, id: number): Promise<void> {
  await db.deleteFrom('idempotency_keys').where('id', '=', id).execute()
}

export async function dropClaimsOlderThan(db: Db, cutoff: number): Promise<void> {
  await db.deleteFrom('idempotency_keys').where('created_at', '<', cutoff).execute()
}
