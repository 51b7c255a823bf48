// Opens the store: an embedded SQLite file by default, PostgreSQL when a postgres:// URL is given.
import fs from 'node:fs'
import path from 'node:path'
import SQLite from 'better-sqlite3'
import pg from 'pg'
import { CompiledQuery, Kysely, PostgresDialect, SqliteDialect, sql, type Driver } from 'kysely'
import type { Database } from './schema.js'
import { migrateToLatest } from './migrate.js'
import { installSecretKey } from './secrets.js'
import { DEFAULT_CHECKPOINTS, startCheckpoints } from './checkpoints.js'
import { numberedPlaceholders, registerStore } from './prepared.js'
import { pipelinedPool } from './postgres-connections.js'
import { unitAware } from './unit.js'

export type Dialect = 'sqlite' | 'postgres'

export interface Store {
  db: Kysely<Database>
  dialect: Dialect
  /**
   * A read on a hot path (API-key lookup, …) as a statement prepared once per process: SQL with
   * `?` placeholders, the first row back. Kysely re-prepares every query, which dominates the cost
   * of a small read. Reads only, of committed data: on SQLite it has a connection of its own.
   */
  first<Row>(name: string, text: string, params: unknown[]): Promise<Row | undefined>
  /** The same, every row. */
  all<Row>(name: string, text: string, params: unknown[]): Promise<Row[]>
  /** Where the data lives, for messages: the SQLite file or the PostgreSQL database name. */
  location: string
  ping(): Promise<void>
  close(): Promise<void>
}

export interface StoreOptions {
  databaseUrl?: string
  dataDir?: string
  /** PostgreSQL only: work inside this schema (tests give each run its own). */
  schema?: string
  /** PARTNERKIT_SECRET_KEY: seals stored secrets (store/secrets.ts). */
  secretKey?: string
  poolSize?: number
  /** SQLite only: checkpoint the WAL from a worker thread (store/checkpoints.ts), as a server does. */
  backgroundCheckpoints?: boolean
}

// int8 (COUNT, SUM, bigint columns) arrives as a string from pg. Numbers within the safe range
// become numbers, as they do on SQLite; larger ones become bigint so money never loses a micro.
pg.types.setTypeParser(20, (text: string) => {
  const n = Number(text)
  return Number.isSafeInteger(n) ? n : BigInt(text)
})
// numeric (SUM over bigint on PostgreSQL) likewise.
pg.types.setTypeParser(1700, (text: string) => {
  const n = Number(text)
  return Number.isSafeInteger(n) ? n : text.includes('.') ? n : BigInt(text)
})

export function openStore(options: StoreOptions): Store {
  const store = options.databaseUrl ? openPostgres(options.databaseUrl, options) : openSqlite(options.dataDir ?? './data', options)
  registerStore(store)
  return store
}

function openSqlite(dataDir: string, options: StoreOptions): Store {
  fs.mkdirSync(dataDir, { recursive: true })
  const file = path.join(dataDir, 'partnerkit.sqlite')
  const database = new SQLite(file)
  database.pragma('journal_mode = WAL')
  database.pragma('synchronous = NORMAL')
  database.pragma('foreign_keys = ON')
  database.pragma('busy_timeout = 5000')
  const checkpoints = options.backgroundCheckpoints ? startCheckpoints(file, (reason) => {
    database.pragma(`wal_autocheckpoint = ${SQLITE_AUTOCHECKPOINT_PAGES}`)
    process.emitWarning(`the WAL checkpoint worker stopped (${reason}); the server checkpoints by itself again`, 'PartnerkitWarning')
  }) : undefined
  if (checkpoints) database.pragma(`wal_autocheckpoint = ${DEFAULT_CHECKPOINTS.fallbackPages}`)
  const db = unitAware(new Kysely<Database>({ dialect: new ImmediateSqliteDialect({ database: reusingStatements(database) }) }))
  // Hot reads use a connection of their own: they see only committed data (WAL snapshots), never a
  // write transaction half done on the writer's connection, and they need not wait for it.
  const reader = new SQLite(file, { readonly: true })
  reader.pragma('busy_timeout = 5000')
  const prepared = new Map<string, SQLite.Statement>()
  const statement = (name: string, text: string) => {
    let found = prepared.get(name)
    if (!found) {
      found = reader.prepare(text)
      prepared.set(name, found)
    }
    return found
  }
  return {
    db,
    dialect: 'sqlite',
    first: async <Row>(name: string, text: string, params: unknown[]) => statement(name, text).get(...params) as Row | undefined,
    all: async <Row>(name: string, text: string, params: unknown[]) => statement(name, text).all(...params) as Row[],
    location: file,
    ping: async () => {
      await sql`select 1`.execute(db)
    },
    close: async () => {
      await checkpoints?.stop()
      reader.close()
      await db.destroy()
    },
  }
}

/**
 * Transactions take SQLite's write lock when they begin (BEGIN IMMEDIATE), waiting up to
 * busy_timeout for another process to finish. A deferred BEGIN reads first and asks for the lock
 * at its first write: when another process on the same file committed in between, the write fails
 * at once (SQLITE_BUSY_SNAPSHOT) instead of waiting, and with group commit that failed a whole
 * batch. Every transaction here writes, so nothing is lost by taking the lock up front.
 */
class ImmediateSqliteDialect extends SqliteDialect {
  override createDriver(): Driver {
    const driver = super.createDriver()
    driver.beginTransaction = async (connection) => {
      await connection.executeQuery(CompiledQuery.raw('begin immediate'))
    }
    return driver
  }
}

/** SQLite's own default: a commit that takes the WAL past this many pages checkpoints it. */
const SQLITE_AUTOCHECKPOINT_PAGES = 1000

/** Most distinct SQL texts kept prepared; past it (multi-row inserts of every size…) texts are prepared each time. */
const MAX_CACHED_STATEMENTS = 500

/**
 * Kysely prepares every query it runs; on a write path of a dozen small statements that is a good
 * part of the cost. Its SQLite connection runs one query at a time and we never stream, so a
 * statement can safely be prepared once per SQL text and reused.
 */
function reusingStatements(database: SQLite.Database) {
  const cache = new Map<string, SQLite.Statement>()
  return {
    prepare(text: string) {
      let statement = cache.get(text)
      if (!statement) {
        statement = database.prepare(text)
        if (cache.size < MAX_CACHED_STATEMENTS) cache.set(text, statement)
      }
      return statement
    },
    close: () => database.close(),
  }
}

function openPostgres(url: string, options: StoreOptions): Store {
  const pool = new pg.Pool({
    connectionString: url,
    max: options.poolSize ?? 10,
    // Queries given to a client before the answer to the last are sent at once (postgres-connections.ts).
    pipeline: true,
    ...(options.schema ? { options: `-c search_path=${options.schema}` } : {}),
  })
  // An idle client that loses its server must not take the process down.
  pool.on('error', () => {})
  const db = unitAware(new Kysely<Database>({ dialect: new PostgresDialect({ pool: pipelinedPool(pool) }) }))
  const texts = new Map<string, string>()
  const query = async (name: string, text: string, params: unknown[]) => {
    let numbered = texts.get(name)
    if (numbered === undefined) {
      numbered = numberedPlaceholders(text)
      texts.set(name, numbered)
    }
    // A named statement is parsed and planned once per connection.
    return (await pool.query({ name, text: numbered, values: params })).rows
  }
  return {
    db,
    dialect: 'postgres',
    first: async <Row>(name: string, text: string, params: unknown[]) => (await query(name, text, params))[0] as Row | undefined,
    all: async <Row>(name: string, text: string, params: unknown[]) => (await query(name, text, params)) as Row[],
    location: new URL(url).pathname.slice(1) + (options.schema ? `/${options.schema}` : ''),
    ping: async () => {
      await sql`select 1`.execute(db)
    },
    close: () => db.destroy(),
  }
}

/** Opens the store and brings its schema up to date: what the server and every CLI command do. */
export async function openMigratedStore(options: StoreOptions): Promise<Store> {
  const store = openStore(options)
  try {
    await migrateToLatest(store)
    await installSecretKey(store, options.secretKey)
  } catch (err) {
    await store.close()
    throw err
  }
  return store
}
