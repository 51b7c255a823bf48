// Consuming a balance from several requests at once (issue 22): the balance is read under the
// customer's row lock, so credits that together exceed it cannot all pass — exactly as many as
// fit succeed, the rest are 422s, and the balance never goes below zero through credits.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startServer, type TestServer } from '../../../test/support/server.js'

let server: TestServer
beforeAll(async () => {
  server = await startServer()
})
afterAll(() => server.close())

describe('concurrent credits', () => {
  it('consume no more than the balance, whatever the interleaving', async () => {
    const p = await server.program({ type: 'referral' })
    await server.post('/v1/customers', { key: p.key, body: { id: 'ann' } })
    for (const [i, friend] of ['b', 'c', 'd'].entries()) {
      await server.post('/v1/customers', { key: p.key, body: { id: friend, referring_customer: { id: 'ann' } } })
      await server.post('/v1/transactions', { key: p.key, body: { key: `s${i}`, amount: 20, customer: { id: friend } } })
    }
    // 30 earned; twelve credits of 4 race for it: exactly seven fit (28), five are refused.
    const answers = await Promise.all(Array.from({ length: 12 }, () =>
      server.post('/v1/customers/ann/balance/credit', { key: p.key, body: { amount: 4, amount_units: 'USD' } })))
    expect(answers.filter((a) => a.status === 200)).toHaveLength(7)
    expect(answers.filter((a) => a.status === 422)).toHaveLength(5)
    const balance = await server.get('/v1/customers/ann/balance', { key: p.key })
    expect(balance.json.data.balance.currency).toEqual([{ amount: 2, amount_units: 'USD', is_currency: true }])
  })
})
