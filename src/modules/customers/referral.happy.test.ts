// Refer-a-friend customers (issue 22): referring and referred customers, their links, referrals,
// stats, rewards and balances, through the API a refer-a-friend key reaches.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startServer, type TestServer } from '../../../test/support/server.js'
import { eventsOf } from '../../../test/support/partners.js'
import { releaseDueRewards } from '../rewards/review.js'

let server: TestServer
beforeAll(async () => {
  server = await startServer()
})
afterAll(() => server.close())

async function eventTypes(programId: number, type: string) {
  return (await eventsOf(server, programId)).filter((e) => e.type === type)
}

async function rafProgram(rewards?: unknown[]) {
  const p = await server.program({ type: 'referral', currency: 'USD' })
  if (rewards) {
    const put = await server.put('/v1/program', { key: p.key, body: { program_settings: { referral_rewards: rewards } } })
    expect(put.status, put.text).toBe(200)
  }
  return p
}

describe('customers who refer customers', () => {
  it('creates a referring customer with a default ?ref= link, and a referred one', async () => {
    const p = await rafProgram()
    const ann = await server.post('/v1/customers', { key: p.key, body: { id: 'ann', key: 'ann-ref', email: 'ann@example.com', name: 'Ann' } })
    expect(ann.status, ann.text).toBe(201)
    expect(ann.headers['content-type']).toBe('application/json')
    expect(ann.json.data).toMatchObject({
      id: 'ann', key: 'ann-ref', email: 'ann@example.com', name: 'Ann', approved: true, status: 'active', referring_customer: null, referrals_count: 0,
    })
    expect(ann.json.data.referral_link).toBe('https://shop.example.com?ref=ann-ref')
    expect(ann.json.data.referral_links).toEqual(['https://shop.example.com?ref=ann-ref'])
    const bob = await server.post('/v1/customers', { key: p.key, body: { id: 'bob', email: 'bob@example.com', referring_customer: { key: 'ann-ref' } } })
    expect(bob.status, bob.text).toBe(201)
    expect(bob.json.data.referring_customer).toMatchObject({ id: 'ann', key: 'ann-ref', email: 'ann@example.com' })
    expect(bob.json.data.key).toMatch(/^[a-z0-9]{12}$/)
    const again = await server.get('/v1/customers/ann', { key: p.key })
    expect(again.json.data.referrals_count).toBe(1)
    const referred = await server.get('/v1/customers?refer_status=referred', { key: p.key })
    expect(referred.json.data.map((c: { id: string }) => c.id)).toEqual(['bob'])
    const non = await server.get('/v1/customers', { key: p.key, body: { refer_status: 'non_referred' } })
    expect(non.json.data.map((c: { id: string }) => c.id)).toEqual(['ann'])
    const friends = await server.get('/v1/customers/ann/referrals', { key: p.key })
    expect(friends.json.data.map((c: { id: string }) => c.id)).toEqual(['bob'])
    const events = await eventTypes(p.id, 'customer.created')
    expect(events.length).toBe(2)
  })

  it('rewards the referrer 10 on the friend\'s first sale by default, and the balance is consumed by credit', async () => {
    const p = await rafProgram()
    await server.post('/v1/customers', { key: p.key, body: { id: 'ann', email: 'ann@example.com' } })
    await server.post('/v1/customers', { key: p.key, body: { id: 'bob', email: 'bob@example.com', referring_customer: { id: 'ann' } } })
    const sale = await server.post('/v1/transactions', { key: p.key, body: { key: 's1', amount: 50, customer: { id: 'bob' } } })
    expect(sale.status, sale.text).toBe(201)
    expect(sale.json.data).toMatchObject({ key: 's1', amount: 50, customer: 'ann', referred_customer: 'bob' })
    expect(sale.json.data.rewards).toEqual([expect.objectContaining({ side: 'referrer', customer: 'ann', amount: 10, amount_units: 'USD', status: 'ok' })])
    const second = await server.post('/v1/transactions', { key: p.key, body: { key: 's2', amount: 70, customer: { id: 'bob' } } })
    expect(second.json.data.rewards).toEqual([])
    const balance = await server.get('/v1/customers/ann/balance', { key: p.key })
    expect(balance.status, balance.text).toBe(200)
    expect(balance.json.data.balance.currency).toEqual([{ amount: 10, amount_units: 'USD', is_currency: true }])
    expect(balance.json.data.customer.id).toBe('ann')
    const tooMuch = await server.post('/v1/customers/ann/balance/credit', { key: p.key, body: { amount: 10.01, amount_units: 'usd', is_currency: true } })
    expect(tooMuch.status).toBe(422)
    const credit = await server.post('/v1/customers/ann/balance/credit', { key: p.key, body: { amount: 3, amount_units: 'usd', is_currency: true } })
    expect(credit.status, credit.text).toBe(200)
    expect(credit.json.data.balance.currency).toEqual([{ amount: 7, amount_units: 'USD', is_currency: true }])
    const stats = await server.get('/v1/customers/ann/stats', { key: p.key })
    expect(stats.json.data).toMatchObject({ signups: 1, referrals_count: 1, purchases: 2, revenue: [{ currency: 'USD', amount: 120 }] })
    expect(stats.json.data.rewards).toEqual([{ amount: 10, amount_units: 'USD', is_currency: true }])
    // A full refund of the first sale takes the reward back: the balance goes below zero by what was consumed.
    const refund = await server.delete('/v1/transactions/s1', { key: p.key })
    expect(refund.status, refund.text).toBe(200)
    const after = await server.get('/v1/customers/ann/balance', { key: p.key })
    expect(after.json.data.balance.currency).toEqual([{ amount: -3, amount_units: 'USD', is_currency: true }])
    expect((await eventTypes(p.id, 'customer.credited')).length).toBe(1)
    expect((await eventTypes(p.id, 'customer.rewarded')).length).toBe(1)
  })

  it('pays double-sided, tiered, point and sign-up rewards by the program rules', async () => {
    const p = await rafProgram([
      { side: 'referrer', trigger: 'signup', type: 'static', value: 100, unit: 'points' },
      { side: 'referrer', trigger: 'sale', type: 'percent', value: 10, recurrence: 'lifetime', to_occurrence: 1 },
      { side: 'referrer', trigger: 'sale', type: 'static', value: 5, from_occurrence: 2 },
      { side: 'friend', trigger: 'sale', type: 'static', value: '2.5' },
    ])
    await server.post('/v1/customers', { key: p.key, body: { id: 'ann' } })
    for (const id of ['f1', 'f2']) await server.post('/v1/customers', { key: p.key, body: { id, referring_customer: { id: 'ann' } } })
    const s1 = await server.post('/v1/transactions', { key: p.key, body: { key: 'a', amount: 80, customer: { id: 'f1' } } })
    expect(s1.json.data.rewards.map((r: { side: string; amount: number }) => [r.side, r.amount])).toEqual([['referrer', 8], ['friend', 2.5]])
    const s2 = await server.post('/v1/transactions', { key: p.key, body: { key: 'b', amount: 80, customer: { id: 'f2' } } })
    expect(s2.json.data.rewards.map((r: { side: string; amount: number }) => [r.side, r.amount])).toEqual([['referrer', 5], ['friend', 2.5]])
    const s3 = await server.post('/v1/transactions', { key: p.key, body: { key: 'c', amount: 40, customer: { id: 'f1' } } })
    expect(s3.json.data.rewards.map((r: { side: string; amount: number }) => [r.side, r.amount])).toEqual([['referrer', 4]])
    const ann = await server.get('/v1/customers/ann/balance', { key: p.key })
    expect(ann.json.data.balance).toEqual({
      currency: [{ amount: 17, amount_units: 'USD', is_currency: true }],
      points: [{ amount: 200, amount_units: 'points', is_currency: false }],
    })
    const f1 = await server.get('/v1/customers/f1/balance', { key: p.key })
    expect(f1.json.data.balance.currency).toEqual([{ amount: 2.5, amount_units: 'USD', is_currency: true }])
    const points = await server.post('/v1/customers/ann/balance/credit', { key: p.key, body: { amount: 150, amount_units: 'points', is_currency: false } })
    expect(points.json.data.balance.points).toEqual([{ amount: 50, amount_units: 'points', is_currency: false }])
  })

  it('gives a customer the merchant has not approved nothing on its side until it is approved', async () => {
    const p = await rafProgram([
      { side: 'referrer', trigger: 'sale', type: 'static', value: 4, recurrence: 'lifetime' },
      { side: 'friend', trigger: 'sale', type: 'static', value: 1, recurrence: 'lifetime' },
    ])
    await server.post('/v1/customers', { key: p.key, body: { id: 'ann', approved: false } })
    await server.post('/v1/customers', { key: p.key, body: { id: 'bob', referring_customer: { id: 'ann' } } })
    const sides = async (key: string) => (await server.post('/v1/transactions', { key: p.key, body: { key, amount: 10, customer: { id: 'bob' } } }))
      .json.data.rewards.map((r: { side: string }) => r.side)
    expect(await sides('one')).toEqual(['friend'])
    await server.put('/v1/customers/ann', { key: p.key, body: { update: { approved: true } } })
    await server.put('/v1/customers/bob', { key: p.key, body: { approved: false } })
    expect(await sides('two')).toEqual(['referrer'])
  })

  it('holds a reward in review for its rule\'s days, outside the balance, until the review job releases it', async () => {
    const p = await rafProgram([{ side: 'referrer', trigger: 'sale', type: 'static', value: 7, review_days: 3 }])
    await server.post('/v1/customers', { key: p.key, body: { id: 'ann' } })
    await server.post('/v1/customers', { key: p.key, body: { id: 'bob', referring_customer: { id: 'ann' } } })
    const sale = await server.post('/v1/transactions', { key: p.key, body: { amount: 30, customer: { id: 'bob' } } })
    expect(sale.json.data.rewards).toEqual([expect.objectContaining({ side: 'referrer', amount: 7, status: 'review_period' })])
    const balance = async () => (await server.get('/v1/customers/ann/balance', { key: p.key })).json.data.balance.currency[0].amount
    expect(await balance()).toBe(0)
    expect((await server.post('/v1/customers/ann/balance/credit', { key: p.key, body: { amount: 1 } })).status).toBe(422)
    expect(await releaseDueRewards(server.store.db, Date.now() + 2 * 86_400_000)).toBe(0)
    expect(await releaseDueRewards(server.store.db, Date.now() + 4 * 86_400_000)).toBe(1)
    expect(await balance()).toBe(7)
  })

  it('counts customers, referring and referred customers, sales and revenue in GET /v1/program', async () => {
    const p = await rafProgram()
    await server.post('/v1/customers', { key: p.key, body: { id: 'a' } })
    await server.post('/v1/customers', { key: p.key, body: { id: 'b' } })
    for (const id of ['c', 'd']) await server.post('/v1/customers', { key: p.key, body: { id, referring_customer: { id: 'a' } } })
    await server.post('/v1/transactions', { key: p.key, body: { amount: 25.5, customer: { id: 'c' } } })
    const program = await server.get('/v1/program', { key: p.key })
    expect(program.status, program.text).toBe(200)
    expect(program.json.data).toMatchObject({
      total_customers: 4, total_referring_customers: 1, total_referred_customers: 2, total_sales: 1, participation: 25,
      total_revenue_from_sales: { usd: '$25.50' }, active_rewards: 1,
    })
    expect(program.json.data.program_settings.referral_rewards).toHaveLength(1)
    await server.delete('/v1/customers/d', { key: p.key })
    expect((await server.get('/v1/program', { key: p.key })).json.data).toMatchObject({ total_customers: 3, total_referred_customers: 1, total_referring_customers: 1 })
    // The referrer goes: no referring customer is left; its friend, when it goes too, takes nothing more off.
    await server.delete('/v1/customers/a', { key: p.key })
    expect((await server.get('/v1/program', { key: p.key })).json.data).toMatchObject({ total_customers: 2, total_referred_customers: 1, total_referring_customers: 0 })
    await server.delete('/v1/customers/c', { key: p.key })
    expect((await server.get('/v1/program', { key: p.key })).json.data).toMatchObject({ total_customers: 1, total_referred_customers: 0, total_referring_customers: 0 })
  })

  it('records sales for referred customers only, and refuses affiliate-only actions', async () => {
    const p = await rafProgram()
    await server.post('/v1/customers', { key: p.key, body: { id: 'solo' } })
    const sale = await server.post('/v1/transactions', { key: p.key, body: { amount: 10, customer: { id: 'solo' } } })
    expect(sale.status).toBe(422)
    expect(sale.json.errors).toHaveProperty('customer')
    const suspend = await server.post('/v1/customers/solo/suspend', { key: p.key })
    expect(suspend.status).toBe(400)
    const partners = await server.get('/v1/partners', { key: p.key })
    expect(partners.status).toBe(400)
  })
})
