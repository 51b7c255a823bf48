// Direct access to a store's tables for the bench generators and their checks, one interface over
// both stores: SQLite through a connection of its own (prepared INSERT, one transaction per call),
// PostgreSQL through one INSERT … SELECT FROM unnest(arrays) per chunk. Rows are objects; a
// table's columns and their PostgreSQL types are given once. Writing bypasses every rule of the
// application: it is only for filling a fresh store.
import { createRequire } from 'node:module'
import pg from 'pg'

const SQLite = createRequire(import.meta.url)('better-sqlite3')
const PG_CHUNK = 5000

/** `?` placeholders in, `$n` out, for PostgreSQL. */
function numbered(text) {
  let n = 0
  return text.replace(/\?/g, () => `$${++n}`)
}

/**
 * columns: { name: 'bigint' | 'integer' | 'text' | 'jsonb' }. `onConflict` is appended to the
 * INSERT as is (both stores spell ON CONFLICT … DO UPDATE the same way).
 */
export async function openRawStore({ databaseUrl, sqliteFile }) {
  return databaseUrl ? postgresStore(databaseUrl) : sqliteStore(sqliteFile)
}

function sqliteStore(file) {
  const db = new SQLite(file)
  // A generator run that crashes is simply run again: durability buys nothing here.
  db.pragma('synchronous = OFF')
  const statements = new Map()
  const prepared = (text) => {
    if (!statements.has(text)) statements.set(text, db.prepare(text))
    return statements.get(text)
  }
  return {
    async insert(table, columns, rows, onConflict = '') {
      if (rows.length === 0) return
      const names = Object.keys(columns)
      const statement = prepared(`insert into ${table} (${names.map((n) => `"${n}"`).join(', ')}) values (${names.map((n) => `@${n}`).join(', ')}) ${onConflict}`)
      db.transaction(() => {
        for (const row of rows) statement.run(row)
      })()
    },
    async run(text, params = []) {
      prepared(text).run(...params)
    },
    /** Many runs of one statement in one transaction. */
    async runMany(text, paramsList) {
      const statement = prepared(text)
      db.transaction(() => {
        for (const params of paramsList) statement.run(...params)
      })()
    },
    async all(text, params = []) {
      return prepared(text).all(...params)
    },
    // AUTOINCREMENT follows explicit ids by itself.
    async resyncIds() {},
    async close() {
      db.close()
    },
  }
}

async function postgresStore(url) {
  const client = new pg.Client({ connectionString: url })
  await client.connect()
  // No micro may be rounded on the way in: a bigint goes as its decimal text.
  const wire = (v) => (typeof v === 'bigint' ? String(v) : v)
  return {
    async insert(table, columns, rows, onConflict = '') {
      const names = Object.keys(columns)
      const arrayType = (type) => (type === 'jsonb' ? 'text' : type)
      const select = names.map((n) => (columns[n] === 'jsonb' ? `u."${n}"::jsonb` : `u."${n}"`)).join(', ')
      const unnest = names.map((n, i) => `$${i + 1}::${arrayType(columns[n])}[]`).join(', ')
      const text = `insert into ${table} (${names.map((n) => `"${n}"`).join(', ')})
        select ${select} from unnest(${unnest}) as u(${names.map((n) => `"${n}"`).join(', ')}) ${onConflict}`
      for (let from = 0; from < rows.length; from += PG_CHUNK) {
        const chunk = rows.slice(from, from + PG_CHUNK)
        await client.query(text, names.map((n) => chunk.map((row) => wire(row[n]))))
      }
    },
    async run(text, params = []) {
      await client.query(numbered(text), params.map(wire))
    },
    async runMany(text, paramsList) {
      await client.query('begin')
      for (const params of paramsList) await client.query(numbered(text), params.map(wire))
      await client.query('commit')
    },
    async all(text, params = []) {
      return (await client.query(numbered(text), params.map(wire))).rows
    },
    /** After explicit ids, the identity must continue past them, or the application's next insert collides. */
    async resyncIds(table) {
      await client.query(`select setval(pg_get_serial_sequence('${table}', 'id'), (select coalesce(max(id), 0) + 1 from ${table}), false)`)
    },
    async close() {
      await client.end()
    },
  }
}
