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

let opened: Array<{ testStore: TestStore; store: Store }> = []
afterEach(async () => {
  for (const { testStore, store } of opened) {
    await store.close()
    await testStore.drop()
  }
  opened = []
})

/** Opens a fresh SQLite store and commits ~2.4 MB (about 600 pages) in one transaction. */
async function storeWithWrites(backgroundCheckpoints: boolean): Promise<{ store: Store; file: string; sizeBefore: number }> {
  const testStore = await freshStore()
  const store = await openMigratedStore({ ...testStore.options, backgroundCheckpoints })
  opened.push({ testStore, store })
  const file = path.join(testStore.options.dataDir as string, 'partnerkit.sqlite')
  await sql`pragma wal_checkpoint(truncate)`.execute(store.db)
  const sizeBefore = fs.statSync(file).size
  await sql`create table filler (payload text not null)`.execute(store.db)
  await store.db.transaction().execute(async (tx) => {
    for (let i = 0; i < ROWS; i++) await sql`insert into filler (payload) values (${`${i}`.padEnd(ROW_BYTES, 'x')})`.execute(tx)
  })
  return { store, file, sizeBefore }
}

/** Resolves once the worker has copied nearly all of the writes into the database file. */
const copied = ({ file, sizeBefore }: { file: string; sizeBefore: number }) =>
  vi.waitFor(() => expect(fs.statSync(file).size).toBeGreaterThan(sizeBefore + ROWS * ROW_BYTES * 0.9), { timeout: 5000, interval: 20 })

// PostgreSQL has no WAL file of ours to checkpoint: these run in the SQLite project only.
describe.skipIf(storeKind() !== 'sqlite')('background WAL checkpoints (SQLite)', () => {
  it('copy what was committed into the database file, which the serving connection alone would not yet do', async () => {
    const withWorker = await storeWithWrites(true)
    await copied(withWorker)
    expect((await sql<{ n: number }>`select count(*) as n from filler`.execute(withWorker.store.db)).rows[0]?.n).toBe(ROWS)
  })

  it('are what moves the pages: without them, the same writes stay in the WAL', async () => {
    // The same writes in two stores side by side; the one without a worker is looked at once the
    // worker has moved the other's pages, so it had the same time to move its own, and did not:
    // SQLite's own automatic checkpoint (1,000 pages) is not reached by these ~600 pages.
    const without = await storeWithWrites(false)
    await copied(await storeWithWrites(true))
    expect(fs.statSync(without.file).size).toBeLessThan(without.sizeBefore + ROWS * ROW_BYTES * 0.5)
  })

  it('tell the store when the worker stops by itself, so it can checkpoint on its own again', async () => {
    const reasons: string[] = []
    const checkpoints = startCheckpoints(path.join('/nonexistent', 'partnerkit.sqlite'), (reason) => reasons.push(reason))
    await vi.waitFor(() => expect(reasons).toHaveLength(1), { timeout: 5000, interval: 20 })
    expect(reasons[0]).toMatch(/directory|open/i)
    await checkpoints.stop()
  })
})
