// The crash suite's engine: real `partnerkit serve` processes on one store, concurrent senders of
// mixed writes (customers, keyed sales, partial and full refunds, deletes; some with an
// Idempotency-Key), and a killer that SIGKILLs servers at random moments and starts them again.
// Every write that gets no answer is sent again, with the same keys, until it is answered. Then
// the store is compared with an exact model the driver kept (bigint micros, never floats).
import { openMigratedStore } from '../../src/store/store.js'
import { call, type Answer } from './client.js'
import { runCli, serveCli, type RunningServer } from './cli.js'
import { seeded, type Random } from './random.js'
import { count } from './count.js'
import { statsPair } from './recompute.js'
import type { TestStore } from './store.js'

export interface CrashRun {
  /** Writes to send in all (about: whole chains of one customer are sent), or… */
  writes?: number
  /** …chains started until this much time has passed. */
  forMs?: number
  /** Concurrent senders. */
  senders: number
  /** Server processes sharing the store. */
  servers: number
  /** When to kill: after these fractions of the writes are answered, or every `everyMs` while they run. */
  kills: { at: number[] } | { everyMs: number }
  /** Extra environment for the servers (a fault to inject). */
  env?: Record<string, string>
  seed: number
}

export interface CrashReport {
  writes: number
  kills: number
  /** Sends of a write beyond its first: each follows a send that got no answer. */
  retries: number
  /** Answers a retry got that say "already done" (a taken key, a deleted sale). */
  alreadyDone: number
  replayed: number
  /** Everything that differs from the model or breaks a rule; empty when all held. */
  mismatches: string[]
}

interface Write {
  method: 'POST' | 'DELETE'
  path: string
  body?: unknown
  idempotencyKey?: string
  /** What a retry may get when the first send took effect but its answer was lost (no Idempotency-Key). */
  doneAnswer?: (a: Answer) => boolean
  ok: number
}

interface SaleModel {
  key: string
  currency: 'USD' | 'EUR'
  cents: bigint
  refundedCents: bigint
  refunds: number
  deleted: boolean
}

const money = (cents: bigint) => `${cents / 100n}.${String(cents % 100n).padStart(2, '0')}`
const keyTaken = (a: Answer) => a.status === 422 && a.json?.errors?.key !== undefined
const goneAlready = (a: Answer) => a.status === 404

/**
 * The writes of one customer, in the order they depend on each other: the customer, its sales,
 * then partial refunds, full refunds and deletes. A sender sends one chain in order.
 */
function chainOf(n: number, random: Random, sales: SaleModel[], partnerKey: string): Write[] {
  const customer = `crash_cus_${n}`
  const keyed = () => random.chance(0.5)
  const chain: Write[] = [{
    method: 'POST', path: '/v1/customers', ok: 201, doneAnswer: keyTaken,
    body: { key: customer, email: `${customer}@example.com`, partner: { key: partnerKey } },
    ...(keyed() ? { idempotencyKey: `cus-${n}` } : {}),
  }]
  const later: Write[] = []
  for (let i = 0, count = 1 + random.int(3); i < count; i++) {
    const sale: SaleModel = {
      key: `crash_sale_${n}_${i}`, currency: random.chance(0.3) ? 'EUR' : 'USD',
      cents: BigInt(1_000 + random.int(200_000)), refundedCents: 0n, refunds: 0, deleted: false,
    }
    sales.push(sale)
    chain.push({
      method: 'POST', path: '/v1/transactions', ok: 201, doneAnswer: keyTaken,
      body: { key: sale.key, amount: money(sale.cents), amount_units: sale.currency, customer: { key: customer } },
      ...(keyed() ? { idempotencyKey: `sale-${sale.key}` } : {}),
    })
    later.push(...endingOf(sale, random))
  }
  return [...chain, ...later]
}

/** What happens to a sale afterwards. Partial refunds always carry a key: unkeyed, a retry would refund again. */
function endingOf(sale: SaleModel, random: Random): Write[] {
  const writes: Write[] = []
  const refund = (cents: bigint) => {
    sale.refundedCents += cents
    sale.refunds++
    writes.push({
      method: 'POST', path: `/v1/transactions/${sale.key}/refund`, ok: 200,
      body: { amount: money(cents) }, idempotencyKey: `refund-${sale.key}-${sale.refunds}`,
    })
  }
  const roll = random.next()
  if (roll < 0.35) refund(1n + BigInt(random.int(Number(sale.cents / 2n))))
  if (roll < 0.15) refund(sale.cents - sale.refundedCents)
  else if (roll < 0.25) {
    sale.deleted = true
    writes.push({ method: 'DELETE', path: `/v1/transactions/${sale.key}`, ok: 200, doneAnswer: goneAlready })
  }
  return writes
}

/** The servers of a run: started, killed and started again on the same store. */
class Fleet {
  private readonly running: (RunningServer | undefined)[]
  private readonly starting: (Promise<RunningServer> | undefined)[]
  kills = 0

  constructor(private readonly env: Record<string, string>, size: number) {
    this.running = Array.from({ length: size }, () => undefined)
    this.starting = Array.from({ length: size }, () => undefined)
  }

  async start(): Promise<void> {
    for (let i = 0; i < this.running.length; i++) await this.startOne(i)
  }

  private startOne(i: number): Promise<RunningServer> {
    const started = serveCli(this.env).then((server) => {
      this.running[i] = server
      this.starting[i] = undefined
      return server
    })
    this.starting[i] = started
    return started
  }

  /** The server is still in the fleet, yet its process is gone: it exited without being killed. */
  diedByItself(server: RunningServer): boolean {
    return this.running.includes(server) && (server.child.exitCode !== null || server.child.signalCode !== null)
  }

  /** A server to send to: any that runs, or the next to come up. */
  async any(hint: number): Promise<RunningServer> {
    for (let k = 0; k < this.running.length; k++) {
      const server = this.running[(hint + k) % this.running.length]
      if (server) return server
    }
    return Promise.race(this.starting.filter((s): s is Promise<RunningServer> => s !== undefined))
  }

  /** SIGKILL, then the same server again; senders meanwhile wait for it (or use another). */
  async kill(i: number): Promise<void> {
    const server = this.running[i]
    if (!server) return
    this.running[i] = undefined
    this.kills++
    // Set before the first await, so that a sender never finds no server running nor starting.
    const restarted = server.stop('SIGKILL').then(() => this.startOne(i))
    this.starting[i] = restarted
    await restarted
  }

  async stop(): Promise<void> {
    await Promise.all(this.starting.filter(Boolean))
    await Promise.all(this.running.map((s) => s?.stop('SIGTERM')))
  }
}

export async function crashRun(testStore: TestStore, run: CrashRun): Promise<CrashReport> {
  const env = { ...testStore.env, RATE_LIMIT_MAX: '10000000', LOG_LEVEL: 'silent', ...run.env }
  const made = await runCli(['programs', 'create', '--name', 'Crash', '--type', 'affiliate'], env)
  if (made.code !== 0) throw new Error(`programs create failed: ${made.stderr}`)
  const { program, api_key: key } = JSON.parse(made.stdout) as { program: { id: number }; api_key: string }
  const report: CrashReport = { writes: 0, kills: 0, retries: 0, alreadyDone: 0, replayed: 0, mismatches: [] }
  const random = seeded(run.seed)
  const sales: SaleModel[] = []
  const deadline = run.forMs === undefined ? undefined : Date.now() + run.forMs
  let chains = 0
  /** The next customer's writes, made when a sender is free for them: none once the run is over. */
  const nextChain = (): Write[] | undefined => {
    if (deadline !== undefined ? Date.now() >= deadline : report.writes >= (run.writes ?? 0)) return undefined
    const chain = chainOf(chains++, random, sales, 'crash_ref')
    report.writes += chain.length
    return chain
  }

  const fleet = new Fleet(env, run.servers)
  await fleet.start()
  try {
    const partner = await call((await fleet.any(0)).url, 'POST', '/v1/partners', { key, body: { email: 'crash@example.com', name: 'Crash', key: 'crash_ref' } })
    if (partner.status !== 201) throw new Error(`partner: ${partner.status} ${partner.text}`)
    const answered = count()
    const sender = async (s: number) => {
      for (let chain = nextChain(), c = 0; chain; chain = nextChain(), c++) {
        for (const write of chain) {
          await sendUntilAnswered(fleet, s + c, key, write, report)
          answered.add()
        }
      }
    }
    const killer = new Killer(run, fleet, (fraction) => answered.reach(Math.ceil(fraction * (run.writes ?? Infinity))), random)
    await Promise.all(Array.from({ length: run.senders }, (_, s) => sender(s)))
    await killer.stop()
  } finally {
    report.kills = fleet.kills
    await fleet.stop()
  }
  report.mismatches.push(...await compareWithModel(testStore, program.id, sales))
  return report
}

/** Sends a write until it is answered; checks the answer it finally gets. */
async function sendUntilAnswered(fleet: Fleet, hint: number, key: string, write: Write, report: CrashReport): Promise<void> {
  const headers: Record<string, string> = write.idempotencyKey ? { 'idempotency-key': write.idempotencyKey } : {}
  for (let attempt = 1; ; attempt++) {
    const server = await fleet.any(hint + attempt)
    let answer: Answer
    try {
      answer = await call(server.url, write.method, write.path, { key, body: write.body, headers })
    } catch {
      // No answer: the server died with the request in flight (or before it arrived). The killer takes
      // a server out of the fleet before it kills it, so the same request goes again at once, to
      // another server or to this one once it is back. A server that died by itself fails the run.
      report.retries++
      if (fleet.diedByItself(server)) {
        report.mismatches.push(`a server exited without being killed (${write.method} ${write.path} unanswered)`)
        return
      }
      continue
    }
    if (answer.headers['idempotent-replayed'] === 'true') report.replayed++
    if (answer.status === write.ok) return
    if (attempt > 1 && write.doneAnswer?.(answer)) {
      report.alreadyDone++
      return
    }
    report.mismatches.push(`${write.method} ${write.path} (${write.idempotencyKey ?? 'no key'}, send ${attempt}): ${answer.status} ${answer.text.slice(0, 200)}`)
    return
  }
}

/** Kills a server at the planned moments (fractions of the writes answered) or every `everyMs`. */
class Killer {
  private stopping!: () => void
  /** Resolves when the senders are done: the killer kills no more. */
  private readonly stopped = new Promise<void>((resolve) => (this.stopping = resolve))
  private isStopped = false
  private readonly done: Promise<void>

  /** `answered(fraction)` resolves once that fraction of the planned writes has been answered. */
  constructor(run: CrashRun, fleet: Fleet, answered: (fraction: number) => Promise<void>, random: Random) {
    const pick = () => random.int(run.servers)
    this.done = 'at' in run.kills ? this.atFractions([...run.kills.at].sort(), fleet, answered, pick) : this.every(run.kills.everyMs, fleet, pick)
  }

  private async atFractions(at: number[], fleet: Fleet, answered: (fraction: number) => Promise<void>, pick: () => number): Promise<void> {
    for (const fraction of at) {
      await Promise.race([answered(fraction), this.stopped])
      if (this.isStopped) return
      await fleet.kill(pick())
    }
  }

  private async every(ms: number, fleet: Fleet, pick: () => number): Promise<void> {
    for (;;) {
      // The schedule is the load under test (a kill every `ms` while the writes go on), not a wait for something.
      let timer: NodeJS.Timeout | undefined
      await Promise.race([new Promise((resolve) => (timer = setTimeout(resolve, ms))), this.stopped])
      clearTimeout(timer)
      if (this.isStopped) return
      await fleet.kill(pick())
    }
  }

  async stop(): Promise<void> {
    this.isStopped = true
    this.stopping()
    await this.done
  }
}

/** 30 % of an amount in cents, as micros: exact, since cents × 3,000 is whole. */
const commissionMicros = (cents: bigint) => cents * 3_000n

/** The store against the model: every sale and refund once, the ledger exact, counters = recount. */
async function compareWithModel(testStore: TestStore, programId: number, sales: SaleModel[]): Promise<string[]> {
  const store = await openMigratedStore(testStore.options)
  const wrong: string[] = []
  try {
    const db = store.db
    const rows = await db.selectFrom('transactions').select(['key', 'amount', 'refunded', 'deleted_at'])
      .where('program_id', '=', programId).execute()
    if (rows.length !== sales.length) wrong.push(`${rows.length} sales stored, ${sales.length} sent`)
    // A deleted sale keeps its row; its key is freed, so deleted rows are matched by amount.
    const byKey = new Map(rows.filter((r) => r.key !== null).map((r) => [r.key as string, r]))
    const owed = new Map<string, bigint>()
    for (const sale of sales) {
      if (sale.deleted) continue
      const row = byKey.get(sale.key)
      if (!row) {
        wrong.push(`sale ${sale.key} missing`)
        continue
      }
      if (BigInt(row.amount) !== sale.cents * 10_000n) wrong.push(`sale ${sale.key}: amount ${row.amount}, sent ${sale.cents * 10_000n}`)
      if (BigInt(row.refunded) !== sale.refundedCents * 10_000n) wrong.push(`sale ${sale.key}: refunded ${row.refunded}, expected ${sale.refundedCents * 10_000n}`)
      owed.set(sale.currency, (owed.get(sale.currency) ?? 0n) + commissionMicros(sale.cents - sale.refundedCents))
    }
    const deleted = rows.filter((r) => r.deleted_at !== null).length
    if (deleted !== sales.filter((s) => s.deleted).length) wrong.push(`${deleted} sales deleted, ${sales.filter((s) => s.deleted).length} sent`)
    const ledger = await db.selectFrom('ledger_entries').select(['currency', 'amount']).where('program_id', '=', programId).execute()
    const booked = new Map<string, bigint>()
    for (const e of ledger) booked.set(e.currency, (booked.get(e.currency) ?? 0n) + BigInt(e.amount))
    for (const currency of new Set([...owed.keys(), ...booked.keys()])) {
      if ((owed.get(currency) ?? 0n) !== (booked.get(currency) ?? 0n)) wrong.push(`ledger ${currency}: ${booked.get(currency) ?? 0n}, model ${owed.get(currency) ?? 0n}`)
    }
    const updates = await db.selectFrom('outbox').select((eb) => eb.fn.countAll<number>().as('n'))
      .where('program_id', '=', programId).where('type', '=', 'transaction.updated').executeTakeFirstOrThrow()
    const refunds = sales.reduce((n, s) => n + s.refunds, 0)
    if (Number(updates.n) !== refunds) wrong.push(`${updates.n} transaction.updated events, ${refunds} refunds sent`)
    const customers = await db.selectFrom('customers').select((eb) => eb.fn.countAll<number>().as('n')).where('program_id', '=', programId).executeTakeFirstOrThrow()
    const planned = new Set(sales.map((s) => s.key.replace(/^crash_sale_(\d+)_\d+$/, '$1'))).size
    if (Number(customers.n) !== planned) wrong.push(`${customers.n} customers stored, ${planned} sent`)
    const { recomputed, maintained } = await statsPair(db, programId)
    if (JSON.stringify(maintained) !== JSON.stringify(recomputed)) wrong.push(`counters differ from a recount: ${JSON.stringify({ maintained, recomputed })}`)
  } finally {
    await store.close()
  }
  return wrong
}
