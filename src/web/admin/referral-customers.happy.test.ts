// A refer-a-friend program's customers pages over HTTP against a real store: the list with who
// referred whom, referrals and balances, filtered and paged; a customer's links, friends, rewards,
// balance and statistics; crediting its balance through the API's own service, with its audit entry.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startServer, type TestServer } from '../../../test/support/server.js'
import { auditOf, signedInMember } from '../../../test/support/admin-sign-in.js'

let server: TestServer
let p: { id: number; publicId: string; key: string }
beforeAll(async () => {
  server = await startServer()
  p = await server.program({ type: 'referral', currency: 'USD', name: 'Friends Shop' })
  const add = async (body: Record<string, unknown>) => expect((await server.post('/v1/customers', { key: p.key, body })).status).toBe(201)
  await add({ id: 'ann', key: 'ann-ref', email: 'ann@example.com', name: 'Ann' })
  await add({ id: 'bob', email: 'bob@example.com', name: 'Bob', referring_customer: { id: 'ann' } })
  await add({ id: 'cid', email: 'cid@example.com', referring_customer: { id: 'ann' } })
  expect((await server.post('/v1/transactions', { key: p.key, body: { key: 's1', amount: 80, customer: { id: 'bob' } } })).status).toBe(201)
})
afterAll(() => server.close())

describe('the customers list of a refer-a-friend program', () => {
  it('shows each customer, who referred it, how many it referred and its balance', async () => {
    const { v } = await signedInMember(server, p.id, 'viewer')
    const page = await v.get('/admin/customers')
    expect(page.status).toBe(200)
    const rowOf = (id: string) => new RegExp(`<tr><td><a href="/admin/customers/${id}">(?:(?!</tr>).)*</tr>`, 's').exec(page.text)?.[0] ?? ''
    expect(rowOf('ann')).toContain('ann@example.com')
    expect(rowOf('ann')).toContain('$10.00')
    expect(rowOf('ann')).toMatch(/>2</)
    expect(rowOf('bob')).toContain('href="/admin/customers/ann"')
    expect(rowOf('bob')).toContain('$0.00')
    expect(page.text).not.toContain('Partners</a>')
  })

  it('filters referred and not referred customers, and pages', async () => {
    const { v } = await signedInMember(server, p.id, 'admin')
    const referred = await v.get('/admin/customers?referred=referred')
    const first = (id: string) => `<tr><td><a href="/admin/customers/${id}">`
    expect(referred.text).toContain(first('bob'))
    expect(referred.text).not.toContain(first('ann'))
    const not = await v.get('/admin/customers?referred=not_referred')
    expect(not.text).toContain(first('ann'))
    expect(not.text).not.toContain(first('bob'))
    const second = await v.get('/admin/customers?page=2')
    expect(second.status).toBe(200)
    expect(second.text).toContain('No customers yet')
  })
})

describe('a refer-a-friend customer\'s page', () => {
  it('shows its link, friends, rewards, balance and statistics', async () => {
    const { v } = await signedInMember(server, p.id, 'viewer')
    const page = await v.get('/admin/customers/ann')
    expect(page.status, page.text).toBe(200)
    expect(page.text).toContain('https://shop.example.com?ref=ann-ref')
    expect(page.text).toContain('href="/admin/customers/bob"')
    expect(page.text).toContain('href="/admin/customers/cid"')
    expect(page.text).toContain('<td>Sale of bob</td>')
    expect(page.text).toMatch(/<li>\$10\.00<\/li>/)
    expect(page.text).toMatch(/<dt>Sign-ups<\/dt><dd>2<\/dd>/)
    expect(page.text).toMatch(/<dt>Purchases<\/dt><dd>1<\/dd>/)
    expect(page.text).toMatch(/<dt>Revenue<\/dt><dd>\$80\.00<\/dd>/)
    // A viewer sees the balance, not the form that credits it.
    expect(page.text).not.toContain('action="/admin/customers/ann/credit"')
    // By referral key and by email too, as the API finds customers.
    expect((await v.get('/admin/customers/ann-ref')).status).toBe(200)
    expect((await v.get('/admin/customers/nobody')).status).toBe(404)
  })

  it('credits the balance, with its audit entry; more than the balance is refused on the form and changes nothing', async () => {
    const { v, userId } = await signedInMember(server, p.id, 'admin')
    const page = await v.get('/admin/customers/ann')
    expect(page.text).toContain('action="/admin/customers/ann/credit"')
    const tooMuch = await v.post('/admin/customers/ann/credit', { amount: '10.01', amount_units: 'USD' })
    expect(tooMuch.status).toBe(422)
    expect(tooMuch.text).toContain("The amount is more than the customer's balance (10 USD).")
    expect(tooMuch.text).toContain('value="10.01"')
    const done = await v.post('/admin/customers/ann/credit', { amount: '4', amount_units: 'USD' })
    expect(done.status, done.text).toBe(303)
    expect(done.headers.location).toBe('/admin/customers/ann?notice=balance-credited')
    const after = await v.follow(done)
    expect(after.text).toContain('The balance is credited')
    expect(after.text).toMatch(/<li>\$6\.00<\/li>/)
    const balance = await server.get('/v1/customers/ann/balance', { key: p.key })
    expect(balance.json.data.balance.currency).toEqual([{ amount: 6, amount_units: 'USD', is_currency: true }])
    expect((await auditOf(server, p.id))[0]).toMatchObject({ action: 'customer.credited', objectId: 'ann', userId })
    const points = await v.post('/admin/customers/ann/credit', { amount: '1', amount_units: 'points' })
    expect(points.status).toBe(422)
    expect(points.text).toContain('0 points')
  })
})

describe('a friend\'s own rewards', () => {
  it('show as its own sign-up, in points', async () => {
    const q = await server.program({ type: 'referral', currency: 'EUR' })
    const rules = [{ side: 'friend', trigger: 'signup', type: 'static', value: 5, unit: 'points' }]
    expect((await server.put('/v1/program', { key: q.key, body: { program_settings: { referral_rewards: rules } } })).status).toBe(200)
    expect((await server.post('/v1/customers', { key: q.key, body: { id: 'dan' } })).status).toBe(201)
    expect((await server.post('/v1/customers', { key: q.key, body: { id: 'eve', referring_customer: { id: 'dan' } } })).status).toBe(201)
    const { v } = await signedInMember(server, q.id, 'admin')
    const eve = await v.get('/admin/customers/eve')
    expect(eve.text).toContain('<td>Its own sign-up</td><td class="num">5 points</td>')
    expect(eve.text).toMatch(/<li>€0\.00<\/li><li>5 points<\/li>/)
    expect(eve.text).toContain('<option value="points">Points</option>')
    const credited = await v.post('/admin/customers/eve/credit', { amount: '2', amount_units: 'points' })
    expect(credited.status, credited.text).toBe(303)
    expect((await v.follow(credited)).text).toContain('<li>3 points</li>')
  })
})

describe('the dashboard of a refer-a-friend program', () => {
  it('shows its figures as GET /v1/program gives them, not an affiliate program\'s', async () => {
    const { v } = await signedInMember(server, p.id, 'viewer')
    const page = await v.get('/admin')
    expect(page.status).toBe(200)
    const api = (await server.get('/v1/program', { key: p.key })).json.data
    const figure = (label: string) => new RegExp(`<dt>${label}</dt><dd>([^<]*)</dd>`).exec(page.text)?.[1]
    expect(figure('Customers')).toBe('3')
    expect(figure('Referring customers')).toBe('1')
    expect(figure('Referred customers')).toBe('2')
    expect(figure('Participation')).toBe(`${api.participation}%`)
    expect(figure('Sales by referred customers')).toBe('1')
    expect(figure('Revenue from their sales')).toBe('$80.00')
    expect(figure('Active rewards')).toBe(String(api.active_rewards))
    expect(page.text).not.toContain('Partners waiting for approval')
    expect(page.text).not.toContain('<dt>Partners</dt>')
  })
})
