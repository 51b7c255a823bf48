// The official PHP SDK's refer-a-friend classes (Referrals / ReferralCustomers: 12 methods;
// CustomerReferralLinks: 6) and the n8n node's refer-a-friend operations, replayed exactly as they
// send their requests: JSON bodies on GET and DELETE (`[]` when empty), nulls for unset model
// fields, the SDK's User-Agent, and n8n's nested dotted fields and query-string search.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startServer, type TestServer } from '../../../test/support/server.js'

let server: TestServer
let key: string
const php = { 'user-agent': 'partnero-php/v1', 'sdk-version': 'v1.0.23', accept: 'application/json' }
const call = (method: string, path: string, body: unknown) => server.request(method, path, { key, body: JSON.stringify(body), headers: php })

beforeAll(async () => {
  server = await startServer()
  key = (await server.program({ type: 'referral' })).key
})
afterAll(() => server.close())

/** The PHP Partner model's array: every field, null when unset (the id is an int in the model). */
const partnerModel = (fields: Record<string, unknown>) => ({ id: null, key: null, email: null, name: null, surname: null, password: null, ...fields })

describe('PHP SDK Referrals', () => {
  it('createReferring, createReferred, find, listReferred, stats, list, search, update', async () => {
    const ann = await call('POST', '/v1/customers', partnerModel({ key: 'ann_ref', email: 'ann@example.com', name: 'Ann' }))
    expect(ann.status, ann.text).toBe(201)
    expect(ann.json.data).toMatchObject({ id: 'ann_ref', key: 'ann_ref', email: 'ann@example.com' })
    const bob = await call('POST', '/v1/customers', { ...partnerModel({ id: 7, email: 'bob@example.com' }), referring_customer: partnerModel({ key: 'ann_ref' }) })
    expect(bob.status, bob.text).toBe(201)
    expect(bob.json.data).toMatchObject({ id: '7', referring_customer: { id: 'ann_ref' } })
    const find = await call('GET', '/v1/customers/7', [])
    expect(find.status, find.text).toBe(200)
    expect(find.json.data.email).toBe('bob@example.com')
    const referred = await call('GET', '/v1/customers/ann_ref/referrals', [])
    expect(referred.json.data.map((c: { id: string }) => c.id)).toEqual(['7'])
    const stats = await call('GET', '/v1/customers/ann_ref/stats', [])
    expect(stats.json.data).toMatchObject({ referrals_count: 1, signups: 1 })
    const list = await call('GET', '/v1/customers', { limit: 10, page: 1, refer_status: 'referred' })
    expect(list.json.data.map((c: { id: string }) => c.id)).toEqual(['7'])
    expect(list.json.meta).toMatchObject({ current_page: 1, per_page: 10 })
    const search = await call('GET', '/v1/customers:search', { key: null, name: null, surname: null, email: 'bob@example.com' })
    expect(search.status, search.text).toBe(200)
    expect(search.json.data.map((c: { id: string }) => c.id)).toEqual(['7'])
    const update = await call('PUT', '/v1/customers', { id: '7', update: { key: null, name: 'Robert', surname: null, email: null } })
    expect(update.status, update.text).toBe(200)
    expect(update.json.data).toMatchObject({ id: '7', name: 'Robert', email: 'bob@example.com' })
  })

  it('balance, credit, invite and delete', async () => {
    await call('POST', '/v1/customers', partnerModel({ key: 'cat', email: 'cat@example.com' }))
    await call('POST', '/v1/customers', { ...partnerModel({ key: 'dan', email: 'dan@example.com' }), referring_customer: partnerModel({ key: 'cat' }) })
    await server.post('/v1/transactions', { key, body: { key: 'dan-1', amount: 30, customer: { key: 'dan' } } })
    const balance = await call('GET', '/v1/customers/cat/balance', [])
    expect(balance.status, balance.text).toBe(200)
    expect(balance.json.data.balance.currency).toEqual([{ amount: 10, amount_units: 'USD', is_currency: true }])
    const credit = await call('POST', '/v1/customers/cat/balance/credit', { amount: 4, amount_units: 'usd', is_currency: true })
    expect(credit.status, credit.text).toBe(200)
    expect(credit.json.data.balance.currency[0].amount).toBe(6)
    const invite = await call('POST', '/v1/customers:invite', { ...partnerModel({ key: 'cat', email: 'cat@example.com' }), personalization: { discount: '20%' } })
    expect(invite.status, invite.text).toBe(200)
    expect(invite.json.status).toBe(1)
    const gone = await call('DELETE', '/v1/customers/dan', [])
    expect(gone.status, gone.text).toBe(200)
    expect((await call('GET', '/v1/customers/dan', [])).status).toBe(404)
    // Deleting the friend took its sale and what it earned the referrer: 6 left − 10 reversed.
    expect((await call('GET', '/v1/customers/cat/balance', [])).json.data.balance.currency[0].amount).toBe(-4)
  })
})

describe('PHP SDK CustomerReferralLinks', () => {
  it('create, get, list, update, search, delete', async () => {
    await call('POST', '/v1/customers', partnerModel({ key: 'eve', email: 'eve@example.com' }))
    const created = await call('POST', '/v1/customer_referral_links', {
      key: 'eve-summer', url: null, isAdditional: null, domain_id: null, is_additional: false, customer: partnerModel({ key: 'eve' }),
    })
    expect(created.status, created.text).toBe(201)
    expect(created.json.data).toMatchObject({ id: 'eve-summer', key: 'eve-summer', default: false, url: 'https://shop.example.com?ref=eve-summer' })
    expect((await call('GET', '/v1/customer_referral_links/eve-summer', [])).json.data.key).toBe('eve-summer')
    const list = await call('GET', '/v1/customers/eve/referral_links', { limit: 10 })
    expect(list.json.data.map((l: { key: string }) => l.key)).toEqual(['eve', 'eve-summer'])
    const update = await call('PUT', '/v1/customer_referral_links/eve-summer', { key: 'eve-autumn', isDefault: null })
    expect(update.status, update.text).toBe(200)
    expect(update.json.data.key).toBe('eve-autumn')
    const search = await call('GET', '/v1/customer_referral_links:search?id=eve-autumn', [])
    expect(search.json.data.map((l: { key: string }) => l.key)).toEqual(['eve-autumn'])
    const byCustomer = await server.get('/v1/customer_referral_links:search?customer%5Bid%5D=eve', { key })
    expect(byCustomer.json.data.map((l: { key: string }) => l.key)).toEqual(['eve', 'eve-autumn'])
    expect((await call('DELETE', '/v1/customer_referral_links/eve-autumn', [])).status).toBe(200)
    expect((await call('DELETE', '/v1/customer_referral_links/eve', [])).status).toBe(400)
    // The new key credits its customer: a visitor's sign-up through it is eve's referral.
    const friend = await call('POST', '/v1/customers', { ...partnerModel({ key: 'fay' }), referring_customer: partnerModel({ key: 'eve' }) })
    expect(friend.json.data.referring_customer.id).toBe('eve')
  })
})

describe('n8n refer-a-friend operations', () => {
  it('creates a customer attributed to a referring customer (by key or id) or to nobody', async () => {
    const ref = await server.post('/v1/customers', { key, body: { key: 'n8n_ref', email: 'n8n-ref@example.com', name: '', surname: '' } })
    expect(ref.status, ref.text).toBe(201)
    const byKey = await server.post('/v1/customers', { key, body: { key: 'n8n_a', email: '', referring_customer: { key: 'n8n_ref' } } })
    expect(byKey.json.data.referring_customer.id).toBe('n8n_ref')
    const byId = await server.post('/v1/customers', { key, body: { key: 'n8n_b', referring_customer: { id: 'n8n_ref' } } })
    expect(byId.json.data.referring_customer.id).toBe('n8n_ref')
    const unknown = await server.post('/v1/customers', { key, body: { key: 'n8n_c', referring_customer: { key: 'nobody' } } })
    expect(unknown.status).toBe(422)
    expect(unknown.json.errors).toHaveProperty('referring_customer')
  })

  it('searches customers by key (refer-a-friend only) and records a sale by customer id', async () => {
    const search = await server.get('/v1/customers:search?key=n8n_a&limit=100&sort=desc', { key })
    expect(search.json.data.map((c: { id: string }) => c.id)).toEqual(['n8n_a'])
    const sale = await server.post('/v1/transactions', { key, body: { 'customer': { id: 'n8n_b' }, amount: 12.5, key: '', action: 'sale', amount_units: '' } })
    expect(sale.status, sale.text).toBe(201)
    expect(sale.json.data).toMatchObject({ customer: 'n8n_ref', referred_customer: 'n8n_b', amount: 12.5 })
    const all = await server.get('/v1/transactions?limit=100&sort=desc', { key })
    expect(all.json.data.some((t: { referred_customer: string }) => t.referred_customer === 'n8n_b')).toBe(true)
  })
})
