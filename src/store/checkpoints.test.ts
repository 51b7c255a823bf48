// WAL checkpoints from a worker thread (checkpoints.ts): committed pages reach the database file
// while the serving connection's own automatic checkpoint is still far away.
import fs from 'node:fs'
import path from 'node:path'
import { sql } from 'kysely'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { freshStore, storeKind, type TestStore } from '../../test/support/store.js'
import { openMigratedStore, type Store } from './store.js'
import { startCheckpoints } from './checkpoints.js'

const ROWS = 300
const ROW_BYTES = 8000

let testStore: TestStore | undefined
let store: Store | undefined
afterEach(async () => {
  await store?.close()
  await testStore?.drop()
})

/** Opens a fresh SQLite store and commits ~2.4 MB (about 600 pages) in one transaction. */
async function storeWithWrites(backgroundCheckpoints: boolean): Promise<{ file: string; sizeBefore: number }> {
  testStore = await freshStore()
  store = await openMigratedStore({ ...testStore.options, backgroundCheckpoints })
  const file = path.join(testStore.options.dataDir as string, 'partnerkit.sqlite')
  await sql`pragma wal_checkpoint(truncate)`.execute(store.db)
  const sizeBefore = fs.statSync(file).size
  await sql`create table filler (payload text not null)`.execute(store.db)
  await store.db.transaction().execute(async (tx) => {
    for (let i = 0; i < ROWS; i++) await sql`insert into filler (payload) values (${`${i}`.padEnd(ROW_BYTES, 'x')})`.execute(tx)
  })
  return { file, sizeBefore }
}

// PostgreSQL has no WAL file of ours to checkpoint: these run in the SQLite project only.
describe.skipIf(storeKind() !== 'sqlite')('background WAL checkpoints (SQLite)', () => {
  it('copy what was committed into the database file, which the serving connection alone would not yet do', async () => {
    const { file, sizeBefore } = await storeWithWrites(true)
    await vi.waitFor(() => expect(fs.statSync(file).size).toBeGreaterThan(sizeBefore + ROWS * ROW_BYTES * 0.9), { timeout: 5000, interval: 50 })
    expect((await sql<{ n: number }>`select count(*) as n from filler`.execute(store!.db)).rows[0]?.n).toBe(ROWS)
  })

  it('are what moves the pages: without them, the same writes stay in the WAL', async () => {
    const { file, sizeBefore } = await storeWithWrites(false)
    // SQLite's own automatic checkpoint (1,000 pages) is not reached by these ~600 pages.
    await new Promise((resolve) => setTimeout(resolve, 600))
    expect(fs.statSync(file).size).toBeLessThan(sizeBefore + ROWS * ROW_BYTES * 0.5)
  })

  it('tell the store when the worker stops by itself, so it can checkpoint on its own again', async () => {
    const reasons: string[] = []
    const checkpoints = startCheckpoints(path.join('/nonexistent', 'partnerkit.sqlite'), (reason) => reasons.push(reason))
    await vi.waitFor(() => expect(reasons).toHaveLength(1), { timeout: 5000, interval: 20 })
    expect(reasons[0]).toMatch(/directory|open/i)
    await checkpoints.stop()
  })
})
