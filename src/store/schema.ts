// Table types for Kysely. Portable column rules (architecture §5): times are epoch milliseconds,
// booleans are 0/1 integers on both stores, JSON is text on SQLite and jsonb on PostgreSQL
// (read it with readJson), money is integer micros.
import type { Generated, Kysely, Transaction } from 'kysely'

export type ProgramType = 'affiliate' | 'referral' | 'newsletter'

export interface ProgramTable {
  id: Generated<number>
  public_id: string
  name: string
  type: ProgramType
  website: string | null
  currency: string
  /** JSON: the program's settings, merged over the defaults on read. */
  settings: unknown
  created_at: number
  updated_at: number
  delete_code_hash: string | null
  delete_code_expires_at: number | null
}

export interface ApiKeyTable {
  id: Generated<number>
  program_id: number
  /** The first characters of the key, safe to show (`pk_live_AbCd1234`). */
  prefix: string
  /** SHA-256 of the whole key, hex. The key itself is never stored. */
  key_hash: string
  created_at: number
  revoked_at: number | null
}

export interface IdempotencyTable {
  id: Generated<number>
  program_id: number
  api_key_id: number
  idem_key: string
  /** SHA-256 of method, path and canonical input: a second use with other input is refused. */
  fingerprint: string
  /** While in flight, the time after which a crashed holder's claim may be taken over. */
  locked_until: number | null
  status_code: number | null
  response_body: string | null
  created_at: number
}

export interface OutboxTable {
  id: Generated<number>
  program_id: number
  type: string
  data: unknown
  created_at: number
}

/** One row per program, day, metric and currency: the running sums behind program stats. */
export interface RollupTable {
  program_id: number
  /** Days since 1970-01-01 UTC. */
  day: number
  metric: string
  /** Upper-case currency for money metrics, '' for counts. */
  currency: string
  value: number | bigint
}

/** Store-wide facts (one row each), e.g. whether the demo program was already made. */
export interface StoreMetaTable {
  name: string
  value: string
}

export interface Database {
  programs: ProgramTable
  api_keys: ApiKeyTable
  idempotency_keys: IdempotencyTable
  outbox: OutboxTable
  program_rollups: RollupTable
  store_meta: StoreMetaTable
}

export type Db = Kysely<Database> | Transaction<Database>
