// Exactly once: 1,000 sales (CI; 400 in a plain `npm test`), then their partial refunds and full
// refunds, each request sent three times in a shuffled order by 8 concurrent clients spread over two
// server processes sharing one store. Every sale, refund and delete takes effect once, and the
// ledger is exact to the micro.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startServer, type TestServer } from './support/server.js'
import { makePartner } from './support/partners.js'
import { statsPair } from './support/recompute.js'
import type { Answer } from './support/client.js'
import { drain, seeded, shuffled, thrice } from './support/random.js'
import { scaled } from './support/scale.js'

const SALES = scaled(400, 1_000)
/** Each customer makes five of the sales. */
const CUSTOMERS = SALES / 5

let servers: TestServer[]
beforeAll(async () => {
  const first = await startServer()
  servers = [first, await startServer({}, { testStore: first.testStore })]
})
afterAll(async () => {
  await servers[1]?.close()
  await servers[0]?.close()
})

interface Send {
  method: 'POST' | 'DELETE'
  path: string
  body?: unknown
  idempotencyKey?: string
}

/**
 * Sends every request by `clients` concurrent workers. A 409 says the same key is still in flight
 * in that server: the request is sent again once the other sends of the same request (one of them
 * holds the key) have been answered, when the first answer is stored.
 */
async function sendAll(key: string, sends: Send[], clients: number): Promise<Answer[]> {
  const answers: Answer[] = []
  const inFlight = new Map<string, Set<Promise<Answer>>>()
  await drain(sends, clients, async (s, n, i) => {
    const server = servers[(n + i) % 2] as TestServer
    const headers: Record<string, string> = s.idempotencyKey ? { 'idempotency-key': s.idempotencyKey } : {}
    const same = `${s.method} ${s.path} ${s.idempotencyKey ?? ''}`
    const sending = inFlight.get(same) ?? new Set<Promise<Answer>>()
    inFlight.set(same, sending)
    for (let attempt = 1; ; attempt++) {
      const others = [...sending]
      const request = server.request(s.method, s.path, { key, body: s.body, headers })
      sending.add(request)
      const res = await request.finally(() => sending.delete(request))
      if (res.status !== 409) return void answers.push(res)
      // Only these sends exist, and a send of the same request is answered 409 while another runs.
      if (attempt > 3) throw new Error(`${same}: still 409 after ${attempt} sends`)
      await Promise.allSettled([...others, ...sending])
    }
  })
  return answers
}

/** 30 % of an amount in cents, as micros: exact, since cents × 3000 is whole. */
const commissionMicros = (cents: bigint) => cents * 3_000n

describe('each request takes effect exactly once', () => {
  it(`${SALES.toLocaleString('en')} sales with partial and full refunds, sent 3× each, shuffled, 8 clients, 2 processes`, async () => {
    const server = servers[0] as TestServer
    const p = await server.program()
    const partner = await makePartner(server, p.key, { key: 'once_ref' })
    const sales = Array.from({ length: SALES }, (_, n) => ({
      key: `once_${n}`, cents: BigInt(1_000 + ((n * 7_919) % 500_000)), currency: n % 3 === 0 ? 'EUR' : 'USD',
      customer: `once_cus_${n % CUSTOMERS}`, refundCents: n % 4 === 1 ? BigInt(1 + (n % 997)) : 0n, deleted: n % 10 === 6,
    }))
    for (let c = 0; c < CUSTOMERS; c++) {
      expect((await server.post('/v1/customers', { key: p.key, body: { key: `once_cus_${c}`, partner: { key: 'once_ref' } } })).status).toBe(201)
    }
    const cents = (n: bigint) => `${n / 100n}.${String(n % 100n).padStart(2, '0')}`

    const created = await sendAll(p.key, shuffled(thrice(sales.map((s) => ({
      method: 'POST' as const, path: '/v1/transactions', idempotencyKey: `create-${s.key}`,
      body: { key: s.key, amount: cents(s.cents), amount_units: s.currency, customer: { key: s.customer } },
    }))), seeded(1)), 8)
    expect(created.map((a) => a.status).filter((s) => s !== 201)).toEqual([])
    expect(created.filter((a) => a.headers['idempotent-replayed'] === 'true')).toHaveLength(2 * SALES)

    const refunds = sales.filter((s) => s.refundCents > 0n).map((s) => ({
      method: 'POST' as const, path: `/v1/transactions/${s.key}/refund`, idempotencyKey: `refund-${s.key}`, body: { amount: cents(s.refundCents) },
    }))
    const deletes = sales.filter((s) => s.deleted).map((s) => ({ method: 'DELETE' as const, path: `/v1/transactions/${s.key}` }))
    const later = await sendAll(p.key, shuffled(thrice([...refunds, ...deletes]), seeded(2)), 8)
    expect(later.filter((a) => a.status === 200)).toHaveLength(3 * refunds.length + deletes.length)
    // A delete sent again finds nothing to delete: the same 404 a missing transaction gets.
    expect(later.filter((a) => a.status === 404)).toHaveLength(2 * deletes.length)

    const db = server.store.db
    const rows = await db.selectFrom('transactions').select(['key', 'refunded', 'deleted_at']).where('program_id', '=', p.id).execute()
    expect(rows).toHaveLength(SALES)
    const expected = new Map<string, bigint>()
    for (const s of sales) {
      const row = rows.find((r) => r.key === s.key || (r.key === null && s.deleted))
      expect(row).toBeDefined()
      if (s.deleted) continue
      expected.set(s.currency, (expected.get(s.currency) ?? 0n) + commissionMicros(s.cents - s.refundCents))
    }
    expect(rows.filter((r) => r.deleted_at !== null)).toHaveLength(deletes.length)
    // Each partial refund counted once (a delete marks the sale deleted; it leaves `refunded` alone).
    expect(rows.reduce((sum, r) => sum + BigInt(r.refunded), 0n)).toBe(sales.reduce((sum, s) => sum + s.refundCents * 10_000n, 0n))

    const ledger = await db.selectFrom('ledger_entries').select(['currency', 'amount']).where('program_id', '=', p.id).execute()
    const owed = new Map<string, bigint>()
    for (const e of ledger) owed.set(e.currency, (owed.get(e.currency) ?? 0n) + BigInt(e.amount))
    expect(owed).toEqual(expected)
    const { recomputed, maintained } = await statsPair(db, p.id)
    expect(maintained).toEqual(recomputed)
    const view = (await server.get(`/v1/partners/${partner.id}`, { key: p.key })).json.data
    expect(view.referrals.sales_count).toBe(SALES - deletes.length)
  }, 300_000)
})
