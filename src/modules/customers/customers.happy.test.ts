import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startServer, type TestServer } from '../../../test/support/server.js'
import { eventsOf, makePartner } from '../../../test/support/partners.js'
import { makeCustomer, makeSale } from '../../../test/support/sales.js'

let server: TestServer
beforeAll(async () => {
  server = await startServer()
})
afterAll(() => server.close())

const keysOf = (res: { json: { data: Array<{ key: string }> } }) => res.json.data.map((c) => c.key)

async function partnerView(key: string, id: string) {
  return (await server.get(`/v1/partners/${id}`, { key })).json.data
}

describe('list', () => {
  let p: { id: number; key: string }
  let ann: { email: string }
  beforeAll(async () => {
    p = await server.program()
    ann = await makePartner(server, p.key, { id: 'ann', key: 'ann-key' })
    await makePartner(server, p.key, { id: 'bob', key: 'bob-key' })
    for (const [key, partner] of [['c1', 'ann-key'], ['c2', 'bob-key'], ['c3', 'ann-key'], ['c4', 'bob-key'], ['c5', 'ann-key']]) {
      await makeCustomer(server, p.key, { key, email: `${key}@example.com`, partner: { key: partner } })
    }
  })

  it('filters by the partner in every spelling clients send', async () => {
    const spellings = [
      'partner.key=ann-key', 'partner%5Bkey%5D=ann-key', 'partner_key=ann-key', `partner_email=${encodeURIComponent(ann.email)}`,
      `partner.email=${encodeURIComponent(ann.email)}`, 'partner.id=ann', 'partner_id=ann',
    ]
    for (const query of spellings) {
      const res = await server.get(`/v1/customers?${query}`, { key: p.key })
      expect(res.status, query).toBe(200)
      expect(keysOf(res), query).toEqual(['c5', 'c3', 'c1'])
    }
    const nested = await server.get('/v1/customers', { key: p.key, body: { partner: { key: 'bob-key' }, sort: 'asc' } })
    expect(keysOf(nested)).toEqual(['c2', 'c4'])
    expect(nested.json.data[0]).toMatchObject({ partner: 'bob', status: 'active', deleted: false })
  })

  it('answers an unknown partner with an empty page, and no filter with everyone', async () => {
    expect(keysOf(await server.get('/v1/customers?partner_key=nobody', { key: p.key }))).toEqual([])
    expect(keysOf(await server.get('/v1/customers?sort=asc', { key: p.key }))).toEqual(['c1', 'c2', 'c3', 'c4', 'c5'])
  })

  it('pages with links that keep the filter', async () => {
    const first = await server.get('/v1/customers?partner_key=ann-key&limit=2', { key: p.key })
    expect(keysOf(first)).toEqual(['c5', 'c3'])
    expect(first.json.meta).toMatchObject({ current_page: 1, per_page: 2, from: 1, to: 2 })
    expect(first.json.links.prev).toBeNull()
    const next = new URL(first.json.links.next as string)
    expect(next.pathname).toBe('/v1/customers')
    expect(Object.fromEntries(next.searchParams)).toEqual({ partner_key: 'ann-key', limit: '2', page: '2' })
    const second = await server.get(`${next.pathname}${next.search}`, { key: p.key })
    expect(keysOf(second)).toEqual(['c1'])
    expect(second.json.links.next).toBeNull()
    expect(second.json.links.prev).toContain('page=1')
    expect(second.json.meta).toMatchObject({ current_page: 2, from: 3, to: 3 })
  })

  it('searches by key or email, partially and in any case', async () => {
    const search = (q: string) => server.get(`/v1/customers:search?${q}`, { key: p.key })
    expect(keysOf(await search('key=C3'))).toEqual(['c3'])
    expect(keysOf(await search('id=c4'))).toEqual(['c4'])
    expect(keysOf(await search('email=C2%40EXAMPLE'))).toEqual(['c2'])
    expect(keysOf(await search('key=c&sort=asc&limit=2'))).toEqual(['c1', 'c2'])
    expect(keysOf(await search('key=zzz'))).toEqual([])
  })
})

describe('create', () => {
  it('attributes by partner id, key, email or a non-default referral key, and counts the sign-up', async () => {
    const p = await server.program()
    const ann = await makePartner(server, p.key, { id: 'ann', key: 'ann-key' })
    const extra = await server.post('/v1/partner_referral_links', { key: p.key, body: { key: 'ann-promo', partner: { id: 'ann' } } })
    expect(extra.status, extra.text).toBe(201)
    const refs = [{ id: 'ann' }, { key: 'ann-key' }, { email: ann.email.toUpperCase() }, { key: 'ann-promo' }]
    for (const [i, partner] of refs.entries()) {
      const res = await server.post('/v1/customers', {
        key: p.key, body: { key: `cus_${i}`, email: `Cus${i}@Example.com`, name: 'Ada', surname: 'Lovelace', tags: ['vip', 'vip', 'eu'], partner },
      })
      expect(res.status, res.text).toBe(201)
      expect(res.json.data).toEqual({
        key: `cus_${i}`, partner: 'ann', deleted: false, name: 'Ada', surname: 'Lovelace', email: `Cus${i}@Example.com`, status: 'active',
        created_at: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/), updated_at: expect.any(String), deleted_at: null,
        tags: [{ value: 'vip' }, { value: 'eu' }],
      })
    }
    const credited = await server.store.db.selectFrom('customers as c').innerJoin('referral_links as l', 'l.id', 'c.link_id')
      .select(['c.key', 'l.key as link']).where('c.program_id', '=', p.id).orderBy('c.id').execute()
    expect(credited.map((r) => r.link)).toEqual(['ann-key', 'ann-key', 'ann-key', 'ann-promo'])
    const view = await partnerView(p.key, 'ann')
    expect(view.referrals.signups).toBe(4)
    expect(view.referrals_count).toBe(4)
    const created = (await eventsOf(server, p.id)).filter((e) => e.type === 'customer.created')
    expect(created.map((e) => e.data.key)).toEqual(['cus_0', 'cus_1', 'cus_2', 'cus_3'])
    expect(created[0]?.data).toEqual((await server.get('/v1/customers/cus_0', { key: p.key })).json.data)
  })

  it('credits the link a referral URL carries', async () => {
    const p = await server.program()
    await makePartner(server, p.key, { id: 'ann', key: 'ann-key' })
    await server.post('/v1/partner_referral_links', { key: p.key, body: { key: 'ann-second', partner: { id: 'ann' } } })
    const res = await server.post('/v1/customers', {
      key: p.key, body: { key: 'by-url', partner: { id: 'ann' }, options: { referral_url: 'https://shop.example.com/pricing?aff=ann-second' } },
    })
    expect(res.status, res.text).toBe(201)
    const row = await server.store.db.selectFrom('customers as c').innerJoin('referral_links as l', 'l.id', 'c.link_id')
      .select(['l.key as link', 'c.referral_url']).where('c.program_id', '=', p.id).executeTakeFirstOrThrow()
    expect(row).toEqual({ link: 'ann-second', referral_url: 'https://shop.example.com/pricing?aff=ann-second' })
  })

  it('takes the legacy {customer, partner} form on both URLs, with a first sale when one is sent', async () => {
    const p = await server.program()
    await makePartner(server, p.key, { id: 'ann', key: 'ann-key' })
    for (const url of ['/v1/customers', '/v1/customer']) {
      const key = `legacy${url.length}`
      const res = await server.post(url, { key: p.key, body: { customer: { key, email: `${key}@example.com`, name: 'Leg' }, partner: { key: 'ann-key' } } })
      expect(res.status, res.text).toBe(201)
      expect(res.json.data).toMatchObject({ key, partner: 'ann', name: 'Leg', email: `${key}@example.com` })
    }
    const withSale = await server.post('/v1/customer', {
      key: p.key,
      body: { customer: { key: 'legacy-sale', partner: { id: 'ann' } }, transaction: { key: 'first-order', amount: 50, action: 'sale' } },
    })
    expect(withSale.status, withSale.text).toBe(201)
    expect(withSale.json.data).toMatchObject({ key: 'legacy-sale', partner: 'ann' })
    const sale = await server.get('/v1/transactions/first-order', { key: p.key })
    expect(sale.json.data).toMatchObject({ customer: 'legacy-sale', partner: 'ann', amount: 50, rewards: [expect.objectContaining({ amount: 15 })] })
    const view = await partnerView(p.key, 'ann')
    expect(view.referrals).toMatchObject({ signups: 3, sales_count: 1, paid_accounts: 1, revenue: [{ currency: 'USD', amount: 50 }] })
  })
})

describe('get, update and delete', () => {
  let p: { id: number; key: string }
  beforeAll(async () => {
    p = await server.program()
    await makePartner(server, p.key, { id: 'ann', key: 'ann-key' })
    await makePartner(server, p.key, { id: 'bob', key: 'bob-key' })
  })

  it('finds a customer by key, then by email (any case), on the path and the legacy query forms', async () => {
    await makeCustomer(server, p.key, { key: 'find-me', email: 'Find.Me@example.com', partner: { id: 'ann' } })
    // An email-looking key of another customer wins over an email match.
    await makeCustomer(server, p.key, { key: 'find.me@example.com', partner: { id: 'bob' } })
    expect((await server.get('/v1/customers/find-me', { key: p.key })).json.data.key).toBe('find-me')
    expect((await server.get('/v1/customers/FIND.ME%40EXAMPLE.COM', { key: p.key })).json.data.key).toBe('find-me')
    expect((await server.get('/v1/customers/find.me%40example.com', { key: p.key })).json.data.key).toBe('find.me@example.com')
    expect((await server.get('/v1/customer?key=find-me', { key: p.key })).json.data.key).toBe('find-me')
    expect((await server.get('/v1/customer', { key: p.key, body: { email: 'find.me@EXAMPLE.com' } })).json.data.key).toBe('find-me')
  })

  it('updates through {update}, flat fields and the collection form, renaming the key', async () => {
    await makeCustomer(server, p.key, { key: 'up-1', email: 'up1@example.com', partner: { id: 'ann' } })
    let res = await server.put('/v1/customers/up-1', { key: p.key, body: { update: { name: 'Grace', tags: ['a'] } } })
    expect(res.status, res.text).toBe(200)
    expect(res.json.data).toMatchObject({ key: 'up-1', name: 'Grace', tags: [{ value: 'a' }], partner: 'ann' })
    res = await server.put('/v1/customers/up-1', { key: p.key, body: { surname: 'Hopper', email: 'UP1@example.com' } })
    expect(res.json.data).toMatchObject({ name: 'Grace', surname: 'Hopper', email: 'UP1@example.com' })
    res = await server.put('/v1/customers', { key: p.key, body: { key: 'up-1', update: { key: 'up-2', name: 'G.' } } })
    expect(res.status, res.text).toBe(200)
    expect(res.json.data).toMatchObject({ key: 'up-2', name: 'G.' })
    res = await server.put('/v1/customers', { key: p.key, body: { key: 'up-2', surname: 'H.' } })
    expect(res.json.data).toMatchObject({ key: 'up-2', surname: 'H.' })
    res = await server.put('/v1/customer', { key: p.key, body: { key: 'up-2', update: { name: 'Legacy' } } })
    expect(res.json.data).toMatchObject({ key: 'up-2', name: 'Legacy' })
    res = await server.put('/v1/customers/up-2', { key: p.key, body: { key: 'up-3' } })
    expect(res.json.data.key).toBe('up-3')
    expect((await server.get('/v1/customers/up-1', { key: p.key })).status).toBe(404)
    expect((await server.get('/v1/customers/up-2', { key: p.key })).status).toBe(404)
    const got = await server.get('/v1/customers/up-3', { key: p.key })
    expect(got.json.data).toMatchObject({ key: 'up-3', name: 'Legacy', surname: 'H.', email: 'UP1@example.com', tags: [{ value: 'a' }] })
    const updated = (await eventsOf(server, p.id)).filter((e) => e.type === 'customer.updated')
    expect(updated.at(-1)?.data).toEqual(got.json.data)
  })

  it('deletes by path and by body, freeing the key and the partner\'s sign-up', async () => {
    await makeCustomer(server, p.key, { key: 'del-1', email: 'del1@example.com', partner: { id: 'bob' } })
    await makeCustomer(server, p.key, { key: 'del-2', partner: { id: 'bob' } })
    const signups = (await partnerView(p.key, 'bob')).referrals.signups as number
    let res = await server.delete('/v1/customers/del-1', { key: p.key })
    expect(res.status, res.text).toBe(200)
    expect(res.json).toEqual({ status: 1 })
    res = await server.delete('/v1/customers', { key: p.key, body: { key: 'del-2' } })
    expect(res.json).toEqual({ status: 1 })
    expect((await server.get('/v1/customers/del-1', { key: p.key })).status).toBe(404)
    expect((await server.get('/v1/customers/del2@example.com', { key: p.key })).status).toBe(404)
    expect((await partnerView(p.key, 'bob')).referrals.signups).toBe(signups - 2)
    const deleted = (await eventsOf(server, p.id)).filter((e) => e.type === 'customer.deleted')
    expect(deleted.map((e) => [e.data.key, e.data.deleted])).toEqual([['del-1', true], ['del-2', true]])
    // The key and the email are free again.
    await makeCustomer(server, p.key, { key: 'del-1', email: 'del1@example.com', partner: { id: 'ann' } })
    expect((await server.get('/v1/customers/del-1', { key: p.key })).json.data.partner).toBe('ann')
  })
})

describe('states', () => {
  it('a suspended customer earns nothing until approved', async () => {
    const p = await server.program()
    await makePartner(server, p.key, { id: 'ann', key: 'ann-key' })
    await makeCustomer(server, p.key, { key: 'sus', partner: { id: 'ann' } })
    let res = await server.post('/v1/customers/sus/suspend', { key: p.key })
    expect(res.status, res.text).toBe(200)
    expect(res.json).toEqual({ status: 1 })
    expect((await server.get('/v1/customers/sus', { key: p.key })).json.data.status).toBe('suspended')
    const unpaid = await makeSale(server, p.key, { key: 'while-suspended', amount: 100, customer: { key: 'sus' } })
    expect(unpaid.rewards).toEqual([])
    let view = await partnerView(p.key, 'ann')
    // The sale still counts as revenue; only the commission is withheld.
    expect(view.referrals).toMatchObject({ sales_count: 1, revenue: [{ currency: 'USD', amount: 100 }] })
    expect(view.commissions.not_paid).toEqual([])

    res = await server.post('/v1/customers/sus/approve', { key: p.key })
    expect(res.status, res.text).toBe(200)
    expect((await server.get('/v1/customers/sus', { key: p.key })).json.data.status).toBe('active')
    const paid = await makeSale(server, p.key, { key: 'after-approve', amount: 100, customer: { key: 'sus' } })
    expect(paid.rewards).toEqual([expect.objectContaining({ amount: 30, status: 'ok' })])
    view = await partnerView(p.key, 'ann')
    expect(view.commissions.not_paid).toEqual([{ currency: 'USD', amount: 30 }])
  })

  it('an archived customer shows as archived, earns nothing, and earns again once restored', async () => {
    const p = await server.program()
    await makePartner(server, p.key, { id: 'ann', key: 'ann-key' })
    await makeCustomer(server, p.key, { key: 'arc', partner: { id: 'ann' } })
    expect((await server.post('/v1/customers/arc/archive', { key: p.key })).json).toEqual({ status: 1 })
    expect((await server.get('/v1/customers/arc', { key: p.key })).json.data.status).toBe('archived')
    expect((await makeSale(server, p.key, { amount: 10, customer: { key: 'arc' } })).rewards).toEqual([])
    expect((await server.post('/v1/customers/arc/revoke-archive', { key: p.key })).json).toEqual({ status: 1 })
    expect((await server.get('/v1/customers/arc', { key: p.key })).json.data.status).toBe('active')
    expect((await makeSale(server, p.key, { amount: 10, customer: { key: 'arc' } })).rewards).toHaveLength(1)
    const types = (await eventsOf(server, p.id)).map((e) => e.type).filter((t) => t === 'customer.updated')
    expect(types).toHaveLength(2)
  })
})

describe('a customer\'s transactions', () => {
  it('lists only that customer\'s live sales, newest first, in pages', async () => {
    const p = await server.program()
    await makePartner(server, p.key, { id: 'ann', key: 'ann-key' })
    await makeCustomer(server, p.key, { key: 'buyer', email: 'buyer@example.com', partner: { id: 'ann' } })
    await makeCustomer(server, p.key, { key: 'other', partner: { id: 'ann' } })
    for (const key of ['t1', 't2', 't3']) await makeSale(server, p.key, { key, amount: 10, customer: { key: 'buyer' } })
    await makeSale(server, p.key, { key: 'not-mine', amount: 10, customer: { key: 'other' } })
    await server.delete('/v1/transactions/t2', { key: p.key })
    const all = await server.get('/v1/customers/buyer/transactions', { key: p.key })
    expect(all.status, all.text).toBe(200)
    expect(keysOf(all)).toEqual(['t3', 't1'])
    expect(all.json.data[0]).toMatchObject({ customer: 'buyer', partner: 'ann', amount: 10, rewards: [expect.objectContaining({ amount: 3 })] })
    const page = await server.get('/v1/customers/buyer%40example.com/transactions?limit=1&page=2', { key: p.key })
    expect(keysOf(page)).toEqual(['t1'])
    expect(page.json.meta).toMatchObject({ current_page: 2, per_page: 1, from: 2, to: 2 })
    expect(keysOf(await server.get('/v1/customers/other/transactions', { key: p.key }))).toEqual(['not-mine'])
  })
})
