// The exact requests real Partnero clients send that a stricter reading would refuse: n8n's blank
// optional fields, repeated query parameters and "Customer ID"; the PHP SDK's trailing-slash find;
// and the money maps a client reads by the program currency's key (issue 18, wire items 1–5).
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startServer, type TestServer } from './support/server.js'
import { makePartner } from './support/partners.js'

let server: TestServer
let key: string
beforeAll(async () => {
  server = await startServer()
  key = (await server.program()).key
  await makePartner(server, key, { id: 'p_n8n', key: 'ref_n8n', email: 'n8n-partner@example.com' })
})
afterAll(() => server.close())

describe('n8n sends "" for every optional field left empty', () => {
  it('records a sale whose key is ""', async () => {
    await server.post('/v1/customers', { key, body: { key: 'c1', partner: { key: 'ref_n8n' } } })
    const sale = await server.post('/v1/transactions', { key, body: { customer: { key: 'c1' }, amount: 5, key: '' } })
    expect(sale.status, sale.text).toBe(201)
    expect(sale.json.data).toMatchObject({ customer: 'c1', amount: 5 })
    expect(sale.json.data.key).not.toBe('')
  })

  it('signs up a customer whose email, name and surname are ""', async () => {
    const res = await server.post('/v1/customers', { key, body: { key: 'c2', email: '', name: '', surname: '', partner: { key: 'ref_n8n' } } })
    expect(res.status, res.text).toBe(201)
    expect(res.json.data).toMatchObject({ key: 'c2', email: null, partner: 'p_n8n' })
  })

  it('leaves a field given as "" unchanged on an update, and dates a sale with created_at "" now', async () => {
    const p = await server.program({ name: 'Kept' })
    const put = await server.put('/v1/program', { key: p.key, body: { name: '', website: '' } })
    expect(put.status, put.text).toBe(200)
    const program = (await server.get('/v1/program', { key: p.key })).json.data.program
    expect(program).toMatchObject({ name: 'Kept', website: 'https://shop.example.com' })
    const before = Date.now() - 1000
    const sale = await server.post('/v1/transactions', { key, body: { customer: { key: 'c1' }, amount: 5, created_at: '' } })
    expect(sale.status, sale.text).toBe(201)
    expect(Date.parse(sale.json.data.created_at)).toBeGreaterThanOrEqual(before)
  })

  it('answers a required field given as "" exactly as a missing one, and changes nothing', async () => {
    const blank = await server.post('/v1/customers', { key, body: { key: '', partner: { key: 'ref_n8n' } } })
    const missing = await server.post('/v1/customers', { key, body: { partner: { key: 'ref_n8n' } } })
    expect(blank.status).toBe(422)
    expect(blank.json).toEqual(missing.json)
    const refund = await server.post('/v1/transactions/whatever/refund', { key, body: { amount: '' } })
    expect(refund.status).toBe(422)
    expect(refund.json.errors).toHaveProperty('amount')
  })
})

describe('a query parameter given twice takes its last value, as PHP reads it', () => {
  it('follows links.next with n8n\'s own query appended again', async () => {
    for (let i = 0; i < 3; i++) await server.post('/v1/customers', { key, body: { key: `page_${i}`, partner: { key: 'ref_n8n' } } })
    const first = await server.get('/v1/customers?limit=2&sort=desc&partner_key=ref_n8n', { key })
    expect(first.status, first.text).toBe(200)
    const next = `${first.json.links.next.replace(server.url, '')}&limit=2&sort=desc&partner_key=ref_n8n`
    const second = await server.get(next, { key })
    expect(second.status, second.text).toBe(200)
    expect(second.json.meta).toMatchObject({ current_page: 2, per_page: 2 })
    const keys = [...first.json.data, ...second.json.data].map((c: { key: string }) => c.key)
    expect(new Set(keys).size).toBe(keys.length)
  })

  it('takes the last of two different values and keeps tags[] as a list', async () => {
    const res = await server.get('/v1/customers?limit=1&limit=3', { key })
    expect(res.json.meta.per_page).toBe(3)
  })
})

describe('a sale names its customer by customer.id', () => {
  it('resolves the id as a key, then as an email', async () => {
    await server.post('/v1/customers', { key, body: { key: 'by_id', email: 'by-id@example.com', partner: { key: 'ref_n8n' } } })
    const byKey = await server.post('/v1/transactions', { key, body: { customer: { id: 'by_id' }, amount: 10, key: 'sale_by_id' } })
    expect(byKey.status, byKey.text).toBe(201)
    expect(byKey.json.data).toMatchObject({ customer: 'by_id', partner: 'p_n8n' })
    const byEmail = await server.post('/v1/transactions', { key, body: { customer: { id: 'by-id@example.com' }, amount: 10, key: 'sale_by_email' } })
    expect(byEmail.status, byEmail.text).toBe(201)
    expect(byEmail.json.data.customer).toBe('by_id')
  })

  it('answers an unknown customer.id with the 422 a missing key gets', async () => {
    const res = await server.post('/v1/transactions', { key, body: { customer: { id: 'nobody' }, amount: 10 } })
    expect(res.status).toBe(422)
    expect(res.json.errors).toHaveProperty('customer')
  })
})

describe('PHP partners()->find(null, $email): GET /v1/partners/ naming a partner in its body', () => {
  it('answers that partner, by email, key or id, as GET /v1/partner does', async () => {
    const legacy = await server.get('/v1/partner', { key, body: { email: 'n8n-partner@example.com' } })
    for (const named of [{ email: 'n8n-partner@example.com' }, { key: 'ref_n8n' }, { id: 'p_n8n' }]) {
      const res = await server.get('/v1/partners/', { key, body: named })
      expect(res.status, res.text).toBe(200)
      expect(res.json).toEqual(legacy.json)
    }
  })

  it('answers 404 for a partner that does not exist, and the list without a trailing slash', async () => {
    expect((await server.get('/v1/partners/', { key, body: { email: 'nobody@example.com' } })).status).toBe(404)
    const list = await server.get('/v1/partners', { key })
    expect(Array.isArray(list.json.data)).toBe(true)
    const bare = await server.get('/v1/partners/', { key })
    expect(Array.isArray(bare.json.data)).toBe(true)
  })
})

describe('an empty program shows its currency in every money map', () => {
  it('answers {"usd": "$0.00"} where there is nothing yet', async () => {
    const empty = await server.program({ currency: 'USD' })
    const res = await server.get('/v1/program', { key: empty.key })
    const stats = res.json.data.stats
    for (const map of [stats.total_reward, stats.total_revenue, stats.average_order_value, ...Object.values(stats.rewards_breakdown)]) {
      expect(map).toEqual({ usd: '$0.00' })
    }
  })
})
