// Sales that arrive together are recorded together. Under load, the requests that each record one
// sale for a customer named by key gather for one turn of the event loop (store/group-commit.ts);
// then one transaction finds all their customers in one statement and records the sales with
// addSales(): one statement per table for the whole batch, where each sale alone takes a dozen.
// On PostgreSQL every statement costs work in both processes and its share of a round trip, so
// that is most of what a sale costs there. Each request still gets its own answer, and only once
// the batch has committed.
//
// What the batch cannot settle by itself runs alone afterwards, exactly as without batching (the
// `alone` path, which gives the 4xx): a sale whose customer is not found, one whose key is taken
// (the insert itself leaves it out), one whose key an earlier sale of the batch also names, and,
// if the batch's transaction fails, every sale of it, so that only the one at fault fails.
import type { Kysely } from 'kysely'
import type { Database, Db } from '../../store/schema.js'
import { GroupCommit } from '../../store/group-commit.js'
import { inTransaction } from '../../store/transaction.js'
import { openUnitOf } from '../../store/unit.js'
import { findCustomersByKeys } from '../customers/service.js'
import type { Program } from '../programs/service.js'
import type { SaleView } from './representation.js'
import { addSales, newSaleKey, type Sale } from './sales.js'

/** One sale for a customer named by key. */
export interface KeyedSale {
  program: Program
  customerKey: string
  sale: Sale
  now: number
}

/** Most sales in one batch: bounds how long the first of them waits for the commit. */
const MAX_SALES = 64

type Outcome = { recorded: SaleView } | 'alone'

/** Records one sale in a transaction of its own, as if no batch existed. */
export type RecordAlone = (db: Kysely<Database>, sale: KeyedSale) => Promise<SaleView>

export class SaleBatches {
  private readonly batches: GroupCommit<KeyedSale, Outcome>

  constructor(private readonly db: Kysely<Database>, private readonly alone: RecordAlone) {
    this.batches = new GroupCommit((sales) => this.recordTogether(sales), MAX_SALES)
  }

  async record(sale: KeyedSale): Promise<SaleView> {
    // A request that is a unit of its own (Idempotency-Key) commits its sale with its answer.
    if (openUnitOf(this.db)) return this.alone(this.db, sale)
    const outcome = await this.batches.add(sale)
    return outcome === 'alone' ? this.alone(this.db, sale) : outcome.recorded
  }

  /** One outcome per sale, in order. */
  private async recordTogether(sales: KeyedSale[]): Promise<Outcome[]> {
    try {
      // The batch is gathered already: on SQLite it is not batched again with other writes.
      return await inTransaction(this.db, (tx) => recordInside(tx, sales), { batched: true })
    } catch {
      return sales.map(() => 'alone')
    }
  }
}

/** Records, program by program, every sale the batch can settle by itself; the others go alone. */
async function recordInside(tx: Db, sales: KeyedSale[]): Promise<Outcome[]> {
  const outcomes: Outcome[] = sales.map(() => 'alone')
  const named = new Set<string>()
  for (const [programId, indexes] of byProgram(sales)) {
    const program = (sales[indexes[0] as number] as KeyedSale).program
    const customers = new Map((await findCustomersByKeys(tx, programId, indexes.map((i) => (sales[i] as KeyedSale).customerKey)))
      .map((c) => [c.key as string, c]))
    // Every sale gets its key now, so that each answer can be told apart by it.
    const ready = indexes.flatMap((i) => {
      const { sale, customerKey } = sales[i] as KeyedSale
      const key = sale.key ?? newSaleKey()
      const repeated = named.has(`${programId}|${key}`)
      named.add(`${programId}|${key}`)
      const customer = customers.get(customerKey)
      return !repeated && customer ? [{ i, customer, sale: { ...sale, key } }] : []
    })
    if (ready.length === 0) continue
    const now = Math.max(...ready.map(({ i }) => (sales[i] as KeyedSale).now))
    const views = new Map((await addSales(tx, program, ready, now, { skipTaken: true })).map((view) => [view.key, view]))
    for (const { i, sale } of ready) {
      const view = views.get(sale.key)
      if (view) outcomes[i] = { recorded: view }
    }
  }
  return outcomes
}

function byProgram(sales: KeyedSale[]): Map<number, number[]> {
  const groups = new Map<number, number[]>()
  sales.forEach((s, i) => {
    const group = groups.get(s.program.id)
    if (group) group.push(i)
    else groups.set(s.program.id, [i])
  })
  return groups
}

const batchesOf = new WeakMap<Kysely<Database>, SaleBatches>()

/** The store's batches; `alone` records one sale by itself. */
export function saleBatchesOf(db: Kysely<Database>, alone: RecordAlone): SaleBatches {
  let found = batchesOf.get(db)
  if (!found) batchesOf.set(db, (found = new SaleBatches(db, alone)))
  return found
}
