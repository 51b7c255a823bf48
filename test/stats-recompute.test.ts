// After a random workload through the API — clicks (repeat visitors among them), sign-ups, sales in several currencies, partial
// refunds, deletes, archives, suspended customers, bonuses, reviews released, partners up a
// referring chain, a partner in the middle of that chain deleted halfway and its key taken by a new
// one — every maintained number equals the same number worked out from the raw rows.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startServer, type TestServer } from './support/server.js'
import { makePartner } from './support/partners.js'
import { statsPair } from './support/recompute.js'
import { releaseDueRewards } from '../src/modules/rewards/review.js'

let server: TestServer
beforeAll(async () => {
  server = await startServer()
})
afterAll(() => server.close())

/** A small seeded generator (mulberry32), so a failure replays exactly. */
function seeded(seed: number) {
  let a = seed
  const next = () => {
    a = (a + 0x6d2b79f5) | 0
    let t = Math.imul(a ^ (a >>> 15), 1 | a)
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
  return { next, int: (n: number) => Math.floor(next() * n), pick: <T>(list: T[]): T => list[Math.floor(next() * list.length)] as T }
}

describe('maintained stats against the raw rows', () => {
  it('agree after 300 random operations', async () => {
    const p = await server.program()
    const rng = seeded(20261121)
    await server.put('/v1/program', {
      key: p.key,
      body: {
        program_settings: {
          commission: {
            review_days: 5, levels: [{ type: 'percent', value: 5 }],
            tiers: [{ metric: 'customers', from: 3, type: 'percent', value: 40 }],
            products: [{ product_id: 'flat', type: 'static', value: '7.5', priority: 1 }],
          },
        },
      },
    })
    await makePartner(server, p.key, { key: 'ref_0' })
    for (const n of [1, 2, 3]) await makePartner(server, p.key, { key: `ref_${n}`, referring_partner: { key: `ref_${n - 1}` } })
    const customers: string[] = []
    const sales: string[] = []
    let made = 0
    const answers: Record<string, number> = {}

    for (let step = 0; step < 300; step++) {
      if (step === 150) {
        // The deleted partner's sales, rewards and customers stay, and are reversed from here on.
        const deleted = await server.delete('/v1/partners/ref_1', { key: p.key })
        expect(deleted.status, deleted.text).toBe(200)
        await makePartner(server, p.key, { key: 'ref_1' })
      }
      const roll = rng.int(100)
      let res
      if (roll < 15 || customers.length === 0) {
        const key = `cus_${++made}`
        res = await server.post('/v1/customers', { key: p.key, body: { key, partner: { key: `ref_${rng.int(4)}` } } })
        if (res.status === 201) customers.push(key)
      } else if (roll < 55) {
        const key = `sale_${++made}`
        const amount = `${rng.int(50_000)}.${String(rng.int(1_000_000)).padStart(6, '0')}`
        res = await server.post('/v1/transactions', {
          key: p.key,
          body: { key, amount, amount_units: rng.pick(['USD', 'EUR', 'JPY']), customer: { key: rng.pick(customers) }, ...(rng.int(5) === 0 ? { product_id: 'flat' } : {}) },
        })
        if (res.status === 201) sales.push(key)
      } else if (roll < 70 && sales.length > 0) {
        res = await server.post(`/v1/transactions/${rng.pick(sales)}/refund`, { key: p.key, body: { amount: `${rng.int(3_000)}.5` } })
      } else if (roll < 75 && sales.length > 0) {
        res = await server.delete(`/v1/transactions/${rng.pick(sales)}`, { key: p.key })
      } else if (roll < 83 && sales.length > 0) {
        res = await server.post(`/v1/transactions/${rng.pick(sales)}/${rng.pick(['archive', 'revoke-archive'])}`, { key: p.key })
      } else if (roll < 88) {
        res = await server.post(`/v1/customers/${rng.pick(customers)}/${rng.pick(['suspend', 'approve', 'archive', 'revoke-archive'])}`, { key: p.key })
      } else if (roll < 91) {
        const key = rng.pick(customers)
        res = await server.delete(`/v1/customers/${key}`, { key: p.key })
        if (res.status === 200) customers.splice(customers.indexOf(key), 1)
      } else if (roll < 96) {
        res = await server.post(`/v1/partners/ref_${rng.int(4)}/reward`, { key: p.key, body: { amount: rng.int(100) + 1, amount_units: rng.pick(['USD', 'EUR']) } })
      } else if (roll < 99) {
        // A few visitors, so some clicks are repeats within the hour and do not count.
        res = await server.get(`/r/ref_${rng.int(4)}?program=${p.publicId}`, { headers: { 'user-agent': `Mozilla/5.0 Chrome/126.0 visitor/${rng.int(6)}` } })
        expect(res.status).toBe(302)
        continue
      } else {
        await releaseDueRewards(server.store.db, Date.now() + rng.int(10) * 86_400_000)
        continue
      }
      expect(res.status, res.text).toBeLessThan(500)
      answers[res.status] = (answers[res.status] ?? 0) + 1
    }
    // The workload did real work, and met refusals (refunds past what is left, states out of order).
    expect(answers[201]).toBeGreaterThan(100)
    expect(answers[200]).toBeGreaterThan(30)

    const { recomputed, maintained } = await statsPair(server.store.db, p.id)
    expect(maintained.partners).toEqual(recomputed.partners)
    expect(maintained.program).toEqual(recomputed.program)
    expect(maintained.rewards).toEqual(recomputed.rewards)
    expect(Object.keys(recomputed.rewards).length).toBeGreaterThan(50)
    expect(Number(recomputed.program.clicks)).toBeGreaterThan(0)
    // The deleted partner is counted apart from the new one that took its key, and had sales to reverse.
    const deleted = Object.keys(recomputed.partners).filter((name) => name.includes('(deleted'))
    expect(deleted).toHaveLength(1)
    expect(Object.keys(recomputed.partners[deleted[0] as string] ?? {})).toContain('sales_count')
  }, 300_000)
})
