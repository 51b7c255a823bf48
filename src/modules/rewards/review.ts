// The review period (spec §6): a reward waits in `review_period` until its date, then becomes
// payable (`ok`). A reward is released by one conditional UPDATE, so with several server processes
// each reward moves exactly once.
import type { Kysely } from 'kysely'
import type { Database } from '../../store/schema.js'
import { inTransaction } from '../../store/transaction.js'
import { releaseInside } from './service.js'
import { dueForRelease } from './store.js'

const BATCH = 200

/** Releases every reward whose review period ended by `now`; returns how many moved. */
export async function releaseDueRewards(db: Kysely<Database>, now = Date.now()): Promise<number> {
  let released = 0
  for (;;) {
    const due = await dueForRelease(db, now, BATCH)
    for (const id of due) if (await releaseOne(db, id, now)) released++
    if (due.length < BATCH) return released
  }
}

async function releaseOne(db: Kysely<Database>, id: number, now: number): Promise<boolean> {
  return inTransaction(db, async (tx) => (await releaseInside(tx, id, now)) !== undefined)
}
