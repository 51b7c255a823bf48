// The few places where the DDL differs between SQLite and PostgreSQL.
import { sql, type CreateTableBuilder } from 'kysely'
import type { Dialect } from './store.js'

export function withIdColumn<T extends string>(table: CreateTableBuilder<T, never>, dialect: Dialect) {
  return dialect === 'postgres'
    ? table.addColumn('id', 'bigint', (c) => c.primaryKey().generatedByDefaultAsIdentity())
    : table.addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
}

export function jsonType(dialect: Dialect) {
  return dialect === 'postgres' ? sql`jsonb` : sql`text`
}

/** Bytes kept as they came (an uploaded image): bytea on PostgreSQL, blob on SQLite; both read back as a Buffer. */
export function bytesType(dialect: Dialect) {
  return dialect === 'postgres' ? sql`bytea` : sql`blob`
}
