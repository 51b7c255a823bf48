// Sales sent at the same time are recorded together (sale-batches.ts): each request must still get
// exactly its own answer, every number must be as if they had come one by one, and a sale the batch
// cannot record (repeated key, taken key, unknown customer) must fail alone with its own 4xx.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startServer, type TestServer } from '../../../test/support/server.js'
import { makePartner } from '../../../test/support/partners.js'
import { makeCustomer, makeSale } from '../../../test/support/sales.js'

let server: TestServer
beforeAll(async () => {
  server = await startServer()
})
afterAll(() => server.close())

/** Posts every body at once; the answers in the same order. */
function burst(key: string, bodies: Record<string, unknown>[]) {
  return Promise.all(bodies.map((body) => server.post('/v1/transactions', { key, body })))
}

describe('sales that arrive together', () => {
  it('are each answered with their own sale and rewards, and counted as if one by one', async () => {
    const p = await server.program()
    const partners = [await makePartner(server, p.key), await makePartner(server, p.key)]
    const customers = ['a', 'b', 'c', 'd', 'e', 'f'].map((c, i) => ({ key: `cus_${c}`, partner: partners[i % 2] }))
    for (const c of customers) await makeCustomer(server, p.key, { key: c.key, partner: { id: c.partner.id } })
    const bodies = Array.from({ length: 30 }, (_, i) => ({ key: `sale_${i}`, amount: `${10 + i}.10`, customer: { key: (customers[i % 6] as { key: string }).key } }))
    const answers = await burst(p.key, bodies)
    for (const [i, res] of answers.entries()) {
      const c = customers[i % 6] as (typeof customers)[number]
      expect(res.status, res.text).toBe(201)
      expect(res.json.data).toMatchObject({ key: `sale_${i}`, amount: 10 + i + 0.1, customer: c.key, partner: c.partner.id })
      expect(res.json.data.rewards).toEqual([expect.objectContaining({ key: `sale_${i}`, partner: c.partner.id, customer: c.key, amount: Math.round((10 + i + 0.1) * 300) / 1000 })])
      expect((await server.get(`/v1/transactions/sale_${i}`, { key: p.key })).json.data).toEqual(res.json.data)
    }
    for (const [n, partner] of partners.entries()) {
      const view = (await server.get(`/v1/partners/${partner.id}`, { key: p.key })).json.data
      const mine = bodies.filter((_, i) => i % 2 === n).reduce((sum, b) => sum + Math.round(Number(b.amount) * 100), 0)
      expect(view.referrals).toMatchObject({ sales_count: 15, paid_accounts: 3, revenue: [{ currency: 'USD', amount: mine / 100 }] })
    }
    const stats = (await server.get('/v1/program', { key: p.key })).json.data.stats
    expect(stats).toMatchObject({ total_purchases: '30' })
  })

  it('turn away a repeated key, a taken key and an unknown customer alone, with their own 422', async () => {
    const p = await server.program()
    const partner = await makePartner(server, p.key)
    await makeCustomer(server, p.key, { key: 'cus_x', partner: { id: partner.id } })
    await makeSale(server, p.key, { key: 'taken', amount: 5, customer: { key: 'cus_x' } })
    const good = Array.from({ length: 8 }, (_, i) => ({ key: `good_${i}`, amount: 20, customer: { key: 'cus_x' } }))
    const answers = await burst(p.key, [
      ...good,
      { key: 'twice', amount: 7, customer: { key: 'cus_x' } },
      { key: 'taken', amount: 9, customer: { key: 'cus_x' } },
      { key: 'nobody', amount: 9, customer: { key: 'cus_nope' } },
      { key: 'twice', amount: 7, customer: { key: 'cus_x' } },
    ])
    for (const res of answers.slice(0, 8)) expect(res.status, res.text).toBe(201)
    const twice = [answers[8], answers[11]].map((res) => res?.status).sort()
    expect(twice).toEqual([201, 422])
    expect([answers[8], answers[11]].find((res) => res?.status === 422)?.json.errors).toHaveProperty('key')
    expect(answers[9]?.status).toBe(422)
    expect(answers[9]?.json.errors).toHaveProperty('key')
    expect(answers[10]?.status).toBe(422)
    expect(answers[10]?.json.errors).toHaveProperty('customer')
    expect((await server.get('/v1/transactions/taken', { key: p.key })).json.data).toMatchObject({ amount: 5 })
    const view = (await server.get(`/v1/partners/${partner.id}`, { key: p.key })).json.data
    expect(view.referrals).toMatchObject({ sales_count: 10, paid_accounts: 1, revenue: [{ currency: 'USD', amount: 172 }] })
  })
})
