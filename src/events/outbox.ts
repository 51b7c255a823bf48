// Domain events go into the outbox inside the same transaction as the change they announce,
// so an event exists if and only if its change committed. Webhook delivery reads them later.
import type { Db } from '../store/schema.js'
import { writeJson } from '../store/json.js'

export async function emit(tx: Db, programId: number, type: string, data: unknown, now = Date.now()): Promise<void> {
  await tx.insertInto('outbox')
    .values({ program_id: programId, type, data: writeJson(data), created_at: now })
    .execute()
}
