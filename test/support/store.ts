// A fresh store for one test file: a SQLite file in a temp folder, or a new schema in the
// PostgreSQL database TEST_DATABASE_URL names.
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { randomBytes } from 'node:crypto'
import pg from 'pg'
import { afterAll, beforeAll } from 'vitest'
import { openMigratedStore, type Store, type StoreOptions } from '../../src/store/store.js'

export interface TestStore {
  options: StoreOptions
  /** What the CLI needs to reach the same store, as environment variables. */
  env: Record<string, string>
  drop(): Promise<void>
}

export function storeKind(): 'sqlite' | 'postgres' {
  return process.env.PARTNERKIT_TEST_STORE === 'postgres' ? 'postgres' : 'sqlite'
}

/** A fresh store, migrated and open for the whole test file (closed and dropped after it). */
export function storeForThisFile(): () => Store {
  let testStore: TestStore
  let store: Store
  beforeAll(async () => {
    testStore = await freshStore()
    store = await openMigratedStore(testStore.options)
  })
  afterAll(async () => {
    await store.close()
    await testStore.drop()
  })
  return () => store
}

export async function freshStore(): Promise<TestStore> {
  if (storeKind() === 'postgres') {
    const url = process.env.TEST_DATABASE_URL
    if (!url) throw new Error('PARTNERKIT_TEST_STORE=postgres needs TEST_DATABASE_URL')
    const schema = `t_${randomBytes(6).toString('hex')}`
    await onAdminClient(url, (c) => c.query(`CREATE SCHEMA ${schema}`))
    const scopedUrl = withSearchPath(url, schema)
    return {
      options: { databaseUrl: url, schema, poolSize: 4 },
      env: { DATABASE_URL: scopedUrl },
      drop: () => onAdminClient(url, (c) => c.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`)).then(() => {}),
    }
  }
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'partnerkit-test-'))
  return {
    options: { dataDir },
    env: { PARTNERKIT_DATA_DIR: dataDir },
    drop: async () => fs.rmSync(dataDir, { recursive: true, force: true }),
  }
}

async function onAdminClient<T>(url: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url })
  await client.connect()
  try {
    return await work(client)
  } finally {
    await client.end()
  }
}

/** A DATABASE_URL whose connections work inside `schema` (libpq's options parameter). */
function withSearchPath(url: string, schema: string): string {
  const u = new URL(url)
  u.searchParams.set('options', `-c search_path=${schema}`)
  return u.toString()
}
