// The customers, leads and commissions pages for a signed-in admin, over HTTP against a real store:
// each page shows the program's data; each form changes it through the API's own service (the same
// outbox events) and leaves an audit entry.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startServer, type TestServer } from '../../../test/support/server.js'
import { visitor, type Visitor } from '../../../test/support/portal.js'
import { eventsOf, makePartner } from '../../../test/support/partners.js'
import { makeCustomer, makeSale } from '../../../test/support/sales.js'
import { BROWSER } from '../../../test/support/visits.js'
import { addMember } from '../../modules/users/service.js'
import { auditTrail } from '../../modules/users/audit.js'
import { mintSignInUrl } from '../../modules/users/sign-in.js'

let server: TestServer
beforeAll(async () => {
  server = await startServer()
})
afterAll(() => server.close())

let n = 0

async function signedIn(programId: number, role = 'admin'): Promise<Visitor> {
  const user = (await addMember(server.store.db, programId, { email: `sales.${++n}@example.com`, role }, null)).user
  const v = visitor(server)
  const answer = await v.get(new URL((await mintSignInUrl(server.store.db, user.id, programId, server.url)).url).pathname)
  expect(answer.status, answer.text).toBe(303)
  await v.follow(answer)
  return v
}

async function audit(programId: number) {
  const rows = await server.store.db.selectFrom('audit_log').select(['action', 'object_type', 'object_id']).where('program_id', '=', programId).orderBy('id').execute()
  // Signing users up is audited too: only this area's entries.
  return rows.filter((r) => !r.action.startsWith('user.')).map((r) => `${r.action} ${r.object_type} ${r.object_id}`)
}

async function typesOf(programId: number) {
  return (await eventsOf(server, programId)).map((e) => e.type)
}

/** A program with a partner (key `ann_ref`), and a customer credited through a click on her link. */
async function shop() {
  const p = await server.program({ name: 'Sales Shop' })
  await server.put('/v1/program', { key: p.key, body: { program_settings: { commission: { review_days: 30 } } } })
  const partner = await makePartner(server, p.key, { key: 'ann_ref', name: 'Ann Partner' })
  const clicked = await server.post('/t/click', {
    body: JSON.stringify({ program: p.publicId, key: 'ann_ref' }), headers: { origin: 'https://shop.example.com', 'content-type': 'text/plain', 'user-agent': BROWSER },
  })
  expect(clicked.status, clicked.text).toBe(200)
  const clickId = clicked.json.data.click_id as string
  await makeCustomer(server, p.key, { key: 'cus_1', email: 'buyer@example.com', name: 'Bea', surname: 'Buyer', partner: { key: clickId } })
  return { p, partner, clickId }
}

describe('customers', () => {
  it('lists and searches them by key or email, and pages through them', async () => {
    const { p } = await shop()
    await makeCustomer(server, p.key, { key: 'other_cus', email: 'someone@else.example', partner: { key: 'ann_ref' } })
    const v = await signedIn(p.id)
    const all = await v.get('/admin/customers')
    expect(all.status, all.text).toBe(200)
    expect(all.text).toContain('href="/admin/customers/cus_1"')
    expect(all.text).toContain('other_cus')
    expect(all.text).toContain('aria-current="page"')
    const byEmail = await v.get('/admin/customers?email=BUYER%40')
    expect(byEmail.text).toContain('cus_1')
    expect(byEmail.text).not.toContain('other_cus')
    const byKey = await v.get('/admin/customers?key=other')
    expect(byKey.text).toContain('other_cus')
    expect(byKey.text).not.toContain('>cus_1<')
    expect((await v.get('/admin/customers?key=nobody')).text).toContain('No customer matches this search.')
    for (let i = 0; i < 25; i++) await makeCustomer(server, p.key, { key: `bulk_${i}`, partner: { key: 'ann_ref' } })
    const first = await v.get('/admin/customers')
    expect(first.text).toContain('href="/admin/customers?page=2"')
    const second = await v.get('/admin/customers?page=2')
    expect(second.text).toContain('cus_1')
    expect(second.text).not.toContain('bulk_24')
  })

  it('shows who credited the customer, through which link and click, and its sales with refunds and commissions', async () => {
    const { p, partner, clickId } = await shop()
    await makeSale(server, p.key, { key: 'order_1', amount: 100, customer: { key: 'cus_1' } })
    await server.post('/v1/transactions/order_1/refund', { key: p.key, body: { amount: 40 } })
    const v = await signedIn(p.id, 'viewer')
    const page = await v.get('/admin/customers/cus_1')
    expect(page.status, page.text).toBe(200)
    expect(page.text).toContain('<h1>Bea Buyer</h1>')
    expect(page.text).toMatch(new RegExp(`Credited to partner Ann Partner \\(${partner.id}\\) through the referral link &quot;ann_ref&quot;, clicked on \\d+ \\w+ \\d{4} \\(${clickId}\\)\\.`))
    expect(page.text).toContain(`${clickId}, first on`)
    expect(page.text).toContain('order_1')
    expect(page.text).toContain('$100.00')
    expect(page.text).toContain('$40.00')
    expect(page.text).toContain('$60.00')
    expect(page.text).toContain(`to ${partner.id}, in review`)
    // A viewer sees no forms.
    expect(page.text).not.toContain('Record the sale')
    expect(page.text).not.toContain('/archive"')
    // By email too, as the API finds customers.
    expect((await v.get('/admin/customers/buyer%40example.com')).text).toContain('<h1>Bea Buyer</h1>')
    expect((await v.get('/admin/customers/nobody')).status).toBe(404)
  })

  it('records a sale through the API\'s service, refuses a bad amount on the form, and audits it', async () => {
    const { p } = await shop()
    const v = await signedIn(p.id)
    await v.get('/admin/customers/cus_1')
    const bad = await v.post('/admin/customers/cus_1/sales', { amount: 'lots', key: 'order_bad' })
    expect(bad.status).toBe(422)
    expect(bad.text).toContain('aria-invalid="true"')
    expect(bad.text).toContain('value="order_bad"')
    const done = await v.post('/admin/customers/cus_1/sales', { amount: '49.90', amount_units: 'eur', key: 'order_2', product_id: 'sku-9' })
    expect(done.status, done.text).toBe(303)
    expect(done.headers.location).toBe('/admin/customers/cus_1?notice=sale-recorded')
    const after = await v.follow(done)
    expect(after.text).toContain('The sale is recorded')
    expect(after.text).toContain('order_2')
    const api = (await server.get('/v1/transactions/order_2', { key: p.key })).json.data
    expect(api).toMatchObject({ amount: 49.9, amount_units: 'EUR', customer: 'cus_1' })
    const created = (await eventsOf(server, p.id)).filter((e) => e.type === 'transaction.created')
    expect(created.map((e) => e.data.key)).toEqual(['order_2'])
    expect(await audit(p.id)).toContain('transaction.created transaction order_2')
    // Taken keys come back as the field's message.
    await v.get('/admin/customers/cus_1')
    const taken = await v.post('/admin/customers/cus_1/sales', { amount: '5', key: 'order_2' })
    expect(taken.status).toBe(422)
    expect(taken.text).toContain('has already been taken')
  })

  it('refunds part of a sale, then the rest, as the API does; too much is refused', async () => {
    const { p } = await shop()
    await makeSale(server, p.key, { key: 'order_r', amount: 100, customer: { key: 'cus_1' } })
    const v = await signedIn(p.id)
    await v.get('/admin/customers/cus_1')
    const part = await v.post('/admin/customers/cus_1/sales/order_r/refund', { amount: '30' })
    expect(part.status, part.text).toBe(303)
    expect(part.headers.location).toBe('/admin/customers/cus_1?notice=sale-refunded')
    expect((await server.get('/v1/transactions/order_r', { key: p.key })).json.data.amount).toBe(70)
    const page = await v.follow(part)
    expect(page.text).toContain('name="amount" value="70.00"')
    const tooMuch = await v.post('/admin/customers/cus_1/sales/order_r/refund', { amount: '71' })
    expect(tooMuch.status).toBe(422)
    expect(tooMuch.text).toContain('more than what is left')
    const rest = await v.post('/admin/customers/cus_1/sales/order_r/refund', { amount: '70' })
    expect(rest.status).toBe(303)
    const api = (await server.get('/v1/transactions/order_r', { key: p.key })).json.data
    expect(api.amount).toBe(0)
    expect(api.rewards[0].amount).toBe(0)
    expect((await typesOf(p.id)).filter((t) => t === 'transaction.updated')).toHaveLength(2)
    expect((await audit(p.id)).filter((a) => a === 'transaction.refunded transaction order_r')).toHaveLength(2)
    expect((await v.follow(rest)).text).toContain('nothing to refund')
  })

  it('archives and restores the customer, each once', async () => {
    const { p } = await shop()
    const v = await signedIn(p.id)
    await v.get('/admin/customers/cus_1')
    const archived = await v.post('/admin/customers/cus_1/archive')
    expect(archived.status, archived.text).toBe(303)
    expect(archived.headers.location).toBe('/admin/customers/cus_1?notice=customer-archived')
    expect((await server.get('/v1/customers/cus_1', { key: p.key })).json.data.status).toBe('archived')
    const page = await v.follow(archived)
    expect(page.text).toContain('Restore the customer')
    const again = await v.post('/admin/customers/cus_1/archive')
    expect(again.status).toBe(422)
    expect(again.text).toContain('already archived')
    const restored = await v.post('/admin/customers/cus_1/restore')
    expect(restored.headers.location).toBe('/admin/customers/cus_1?notice=customer-restored')
    expect((await server.get('/v1/customers/cus_1', { key: p.key })).json.data.status).toBe('active')
    expect((await typesOf(p.id)).filter((t) => t === 'customer.updated')).toHaveLength(2)
    expect(await audit(p.id)).toEqual(['customer.archived customer cus_1', 'customer.restored customer cus_1'])
    const trail = await auditTrail(server.store.db, p.id, {})
    expect(trail.entries[0]?.userEmail).toMatch(/^sales\.\d+@example\.com$/)
  })
})

describe('leads', () => {
  it('lists them, converts one with a first sale and rejects another, as the API does', async () => {
    const { p } = await shop()
    for (const [name, email] of [['Lee Lead', 'lee@lead.example'], ['Rae Reject', 'rae@lead.example']]) {
      const res = await server.post('/v1/leads', { key: p.key, body: { name, email, partner: { key: 'ann_ref' } } })
      expect(res.status, res.text).toBe(201)
    }
    const v = await signedIn(p.id)
    const list = await v.get('/admin/leads')
    expect(list.status, list.text).toBe(200)
    expect(list.text).toContain('Lee Lead')
    expect(list.text).toContain('rae@lead.example')
    expect(list.text).toContain('action="/admin/leads/1/convert"')
    const converted = await v.post('/admin/leads/1/convert', { commission_transaction_amount: '20' })
    expect(converted.status, converted.text).toBe(303)
    expect(converted.headers.location).toBe('/admin/leads?notice=lead-converted')
    const lead = (await server.get('/v1/leads/1', { key: p.key })).json.data
    expect(lead.status).toBe('converted')
    const customerKey = lead.converted_to.key as string
    expect((await server.get(`/v1/customers/${customerKey}/transactions`, { key: p.key })).json.data[0].amount).toBe(20)
    expect((await v.follow(converted)).text).toContain(`href="/admin/customers/${customerKey}"`)
    const rejected = await v.post('/admin/leads/2/reject')
    expect(rejected.headers.location).toBe('/admin/leads?notice=lead-rejected')
    expect((await server.get('/v1/leads/2', { key: p.key })).json.data.status).toBe('rejected')
    const again = await v.post('/admin/leads/2/convert')
    expect(again.status).toBe(422)
    expect(again.text).toContain('Only a submitted lead can be converted')
    const types = await typesOf(p.id)
    expect(types).toContain('lead.converted')
    expect(types).toContain('lead.rejected')
    expect(await audit(p.id)).toEqual(['lead.converted lead 1', 'lead.rejected lead 2'])
    expect((await v.post('/admin/leads/99/reject')).status).toBe(404)
  })
})

describe('commissions', () => {
  it('lists rewards by state with partner and sale, releases one early and rejects another', async () => {
    const { p, partner } = await shop()
    await makeSale(server, p.key, { key: 'order_a', amount: 100, customer: { key: 'cus_1' } })
    await makeSale(server, p.key, { key: 'order_b', amount: 50, customer: { key: 'cus_1' } })
    const ids = (await server.store.db.selectFrom('rewards').select('id').where('program_id', '=', p.id).orderBy('id').execute()).map((r) => Number(r.id))
    const v = await signedIn(p.id)
    const review = await v.get('/admin/commissions')
    expect(review.status, review.text).toBe(200)
    expect(review.text).toContain('order_a')
    expect(review.text).toContain(`Ann Partner (${partner.id})`)
    expect(review.text).toContain(`action="/admin/commissions/${ids[0]}/release"`)
    const released = await v.post(`/admin/commissions/${ids[0]}/release`)
    expect(released.status, released.text).toBe(303)
    expect(released.headers.location).toBe('/admin/commissions?state=review&notice=reward-released')
    const rejected = await v.post(`/admin/commissions/${ids[1]}/reject`)
    expect(rejected.status, rejected.text).toBe(303)
    const payable = await v.get('/admin/commissions?state=payable')
    expect(payable.text).toContain('order_a')
    expect(payable.text).not.toContain('order_b')
    expect(payable.text).not.toContain('/release"')
    expect((await v.get('/admin/commissions?state=rejected')).text).toContain('order_b')
    expect((await v.get('/admin/commissions')).text).toContain('No commissions are in review.')
    const sales = (await server.get('/v1/transactions?customer_key=cus_1', { key: p.key })).json.data
    expect(Object.fromEntries(sales.map((s: { key: string; rewards: Array<{ status: string }> }) => [s.key, s.rewards[0]?.status]))).toEqual({ order_a: 'ok', order_b: 'rejected' })
    const view = (await server.get(`/v1/partners/${partner.id}`, { key: p.key })).json.data
    expect(view.commissions.pending).toEqual([])
    expect(view.commissions.not_paid).toEqual([{ currency: 'USD', amount: expect.any(Number) }])
    const types = await typesOf(p.id)
    expect(types).toContain('reward.approved')
    expect(types).toContain('reward.rejected')
    expect(await audit(p.id)).toEqual([`reward.released reward ${ids[0]}`, `reward.rejected reward ${ids[1]}`])
    const twice = await v.post(`/admin/commissions/${ids[0]}/reject`)
    expect(twice.status).toBe(422)
    expect(twice.text).toContain('not in review any more')
  })
})
