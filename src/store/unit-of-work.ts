// What a transaction carries besides its connection. Code that runs inside inTransaction receives
// a `Tx`: the Kysely transaction plus its unit of work — the store's dialect, the transaction's lane
// (PostgreSQL), and the rows its rules deferred (counter bumps, outbox events) that are written in
// one statement per kind just before it commits. Nothing about a transaction lives anywhere else.
import type { Transaction } from 'kysely'
import type { Database, Db } from './schema.js'
import type { Dialect, Store } from './store.js'

/** A transaction opened by inTransaction, with its unit of work. */
export type Tx = Transaction<Database> & { readonly unit: UnitOfWork }

/**
 * One kind of row that many rules of a transaction add to the same table (counters, events):
 * deferred, then written by `write` in one statement just before commit. Fewer statements per
 * write, and shared counter rows stay locked only for the end of the transaction. A read of the
 * table inside a transaction must see them: it goes through `read`, which writes them first.
 */
export interface Deferred<Row> {
  readonly name: string
  /** Adds rows: deferred inside a transaction, written at once on the store's own handle. */
  add(db: Db, rows: Row[]): Promise<void>
  /** Runs a read of the table after writing what this transaction has deferred of this kind. */
  read<T>(db: Db, query: (db: Db) => Promise<T>): Promise<T>
}

export function deferred<Row>(name: string, write: (db: Db, rows: Row[]) => Promise<void>): Deferred<Row> {
  const kind: Deferred<Row> = {
    name,
    async add(db, rows) {
      if (isTx(db)) db.unit.defer(kind, rows, write)
      else await write(db, rows)
    },
    async read(db, query) {
      if (isTx(db)) await db.unit.flush(kind)
      return query(db)
    },
  }
  return kind
}

/**
 * Whether the handle is a transaction opened by inTransaction. The store's own handle is not, even
 * while it stands for a request's unit (store/unit.ts): what is written through it is written at once.
 */
export function isTx(db: Db): db is Tx {
  return Object.prototype.hasOwnProperty.call(db, 'unit')
}

interface Pending {
  rows: unknown[]
  write: (tx: Tx, rows: unknown[]) => Promise<void>
}

export class UnitOfWork {
  /** Per kind, in the order first deferred: what is written before commit. */
  private readonly pending = new Map<Deferred<never>, Pending>()

  constructor(
    /** The transaction this unit belongs to: deferred rows are written on it. */
    private readonly tx: Tx,
    readonly store: Store | undefined,
    readonly dialect: Dialect | undefined,
    /**
     * PostgreSQL: a small number no other transaction of this process open at the same time holds
     * (0, 1, 2… up to about the pool's size), so shared counter rows can be split by it and
     * concurrent transactions never wait for each other on them. Undefined on SQLite.
     */
    readonly lane?: number,
  ) {}

  defer<Row>(kind: Deferred<Row>, rows: Row[], write: (tx: Tx, rows: Row[]) => Promise<void>): void {
    const found = this.pending.get(kind as Deferred<never>)
    if (found) found.rows.push(...rows)
    else this.pending.set(kind as Deferred<never>, { rows: [...rows], write: write as Pending['write'] })
  }

  /** Writes what is deferred of one kind: for a read that must see it. */
  async flush(kind: Deferred<never> | Deferred<unknown>): Promise<void> {
    const found = this.pending.get(kind as Deferred<never>)
    if (!found) return
    this.pending.delete(kind as Deferred<never>)
    if (found.rows.length > 0) await found.write(this.tx, found.rows)
  }

  /** Drops everything deferred: the work that deferred it was rolled back to its savepoint (transaction.ts). */
  forget(): void {
    this.pending.clear()
  }

  /** Writes everything deferred, as at commit. A write may defer more (counters that emit events): those go in the same pass. */
  async settle(): Promise<void> {
    while (this.pending.size > 0) {
      const [kind] = this.pending.keys()
      await this.flush(kind as Deferred<never>)
    }
  }
}

/** Gives a transaction Kysely opened its unit of work: from then on it is a Tx. */
export function openUnit(tx: Transaction<Database>, store: Store | undefined, dialect: Dialect | undefined, lane?: number): Tx {
  const unit = new UnitOfWork(tx as Tx, store, dialect, lane)
  return Object.defineProperty(tx, 'unit', { value: unit, enumerable: false }) as Tx
}
