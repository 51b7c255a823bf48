// A commission period counted in sales ("first N sales of each customer") must hold when one
// customer's sales arrive at the same time: each sale sees exactly the sales counted before it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startServer, type TestServer } from '../../../test/support/server.js'
import { makePartner } from '../../../test/support/partners.js'

let server: TestServer
beforeAll(async () => {
  server = await startServer()
})
afterAll(() => server.close())

describe('a commission period in sales, under concurrent sales of one customer', () => {
  it('rewards exactly the first N sales, whichever requests win', async () => {
    const p = await server.program()
    const partner = await makePartner(server, p.key)
    const set = await server.put('/v1/program', { key: p.key, body: { program_settings: { commission: { type: 'static', value: 10, period: '2 sales' } } } })
    expect(set.status, set.text).toBe(200)
    const customer = await server.post('/v1/customers', { key: p.key, body: { key: 'cus_busy', partner: { id: partner.id } } })
    expect(customer.status, customer.text).toBe(201)
    const answers = await Promise.all(Array.from({ length: 12 }, (_, i) => server.post('/v1/transactions', {
      key: p.key, body: { key: `busy_${i}`, amount: 50, customer: { key: 'cus_busy' } },
    })))
    for (const res of answers) expect(res.status, res.text).toBe(201)
    const rewarded = answers.filter((res) => (res.json.data.rewards as unknown[]).length > 0)
    expect(rewarded).toHaveLength(2)
    const stats = (await server.get(`/v1/partners/${partner.id}`, { key: p.key })).json.data
    expect(stats.referrals.sales_count).toBe(12)
    expect(stats.referrals.paid_accounts).toBe(1)
  })
})
