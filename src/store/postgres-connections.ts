// The PostgreSQL connections Kysely runs on. Two things make a write transaction cheaper here:
//
// * Statements are named after their SQL text, so PostgreSQL parses and plans each one once per
//   connection (Kysely sends every query unnamed).
// * Inside a transaction, statements whose answer nobody reads — BEGIN, and the rows marked
//   UNREAD (counters, ledger rows, events) — wait and go out together with the next statement, in
//   one write, pipelined. On a busy machine each round trip to PostgreSQL costs far more than the
//   statement: waking the backend and then the server again. A sale's BEGIN rides on its first
//   read, and its end-of-transaction writes on its COMMIT.
//
// Nothing is lost by waiting: a statement that fails while it waited fails the one it went out
// with, and so the transaction, which is rolled back whole as before.
import type pg from 'pg'
import type { PostgresPool, PostgresPoolClient } from 'kysely'
import { UNREAD } from './writes.js'

/** Most distinct SQL texts given a name; past it, texts run unnamed (parsed each time). */
const MAX_NAMED_STATEMENTS = 500

interface Statement {
  text: string
  values?: unknown[]
}

type Answer = pg.QueryResult

const answered = (command: string): Answer => ({ command, rowCount: 0, rows: [], oid: 0, fields: [] })

/** Kysely's pool: each pg client wrapped once, for as long as it lives. */
export function pipelinedPool(pool: pg.Pool): PostgresPool {
  const names = new Map<string, string>()
  const nameOf = (text: string) => {
    let name = names.get(text)
    if (name === undefined && names.size < MAX_NAMED_STATEMENTS) names.set(text, (name = `k${names.size}`))
    return name
  }
  const wrapped = new WeakMap<pg.PoolClient, PipelinedConnection>()
  return {
    connect: async () => {
      const client = await pool.connect()
      let connection = wrapped.get(client)
      if (!connection) wrapped.set(client, (connection = new PipelinedConnection(client, nameOf)))
      return connection as unknown as PostgresPoolClient
    },
    end: () => pool.end(),
  }
}

class PipelinedConnection {
  /** Between BEGIN and COMMIT or ROLLBACK. */
  private open = false
  /** Sent with the next statement. While BEGIN is first here, nothing of the transaction has gone out. */
  private waiting: Statement[] = []

  constructor(private readonly client: pg.PoolClient, private readonly nameOf: (text: string) => string | undefined) {}

  query(text: string, values?: unknown[]): Promise<Answer> {
    if (text === 'begin' && !this.open) {
      this.open = true
      this.waiting = [{ text }]
      return Promise.resolve(answered('BEGIN'))
    }
    if (!this.open) return this.send(text, values)
    if (text.startsWith(UNREAD)) {
      this.waiting.push({ text, values })
      return Promise.resolve(answered('INSERT'))
    }
    if (text === 'commit' || text === 'rollback') return this.end(text)
    return this.sendWaitingWith({ text, values })
  }

  release(): void {
    // Kysely ends every transaction before it lets go of the connection; this is only a safeguard.
    this.open = false
    this.waiting = []
    this.client.release()
  }

  private async end(text: 'commit' | 'rollback'): Promise<Answer> {
    this.open = false
    // BEGIN still waiting: nothing of this transaction has reached PostgreSQL yet.
    const nothingSent = this.waiting[0]?.text === 'begin'
    if (text === 'rollback') {
      this.waiting = []
      return nothingSent ? answered('ROLLBACK') : this.send(text)
    }
    if (nothingSent && this.waiting.length === 1) {
      this.waiting = []
      return answered('COMMIT')
    }
    const answer = await this.sendWaitingWith({ text })
    // PostgreSQL answers COMMIT of a failed transaction with ROLLBACK, not with an error.
    if (answer.command !== 'COMMIT') throw new Error(`the transaction was rolled back (${answer.command}) instead of committed`)
    return answer
  }

  /** The waiting statements, then this one, in one write; the answer to this one. */
  private async sendWaitingWith(last: Statement): Promise<Answer> {
    const earlier = this.waiting
    this.waiting = []
    if (earlier.length === 0) return this.send(last.text, last.values)
    const stream = (this.client as unknown as { connection?: { stream?: { cork(): void; uncork(): void } } }).connection?.stream
    stream?.cork()
    const answers = [...earlier, last].map((s) => this.send(s.text, s.values))
    stream?.uncork()
    const settled = await Promise.allSettled(answers)
    // The first failure is the cause; what followed it failed only because the transaction had.
    const failed = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected')
    if (failed) throw failed.reason
    return (settled[settled.length - 1] as PromiseFulfilledResult<Answer>).value
  }

  private send(text: string, values?: unknown[]): Promise<Answer> {
    const name = this.nameOf(text)
    return this.client.query(name === undefined ? { text, values } : { name, text, values })
  }
}
