import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startServer, type TestServer } from '../../../test/support/server.js'
import { eventsOf, makePartner } from '../../../test/support/partners.js'
import { readJson, writeJson } from '../../store/json.js'
import { releaseDueRewards } from '../rewards/review.js'

let server: TestServer
beforeAll(async () => {
  server = await startServer()
})
afterAll(() => server.close())

describe('a referred customer pays, is refunded, and the numbers follow', () => {
  it('earns 30 % of 99.99 exactly, shrinks it on a partial refund and takes it back on delete', async () => {
    const p = await server.program()
    const partner = await makePartner(server, p.key, { id: 'partner_1', key: 'ref_1' })
    const customer = await server.post('/v1/customers', { key: p.key, body: { key: 'cus_1', email: 'c1@example.com', partner: { key: 'ref_1' } } })
    expect(customer.status, customer.text).toBe(201)
    expect(customer.json.data).toMatchObject({ key: 'cus_1', partner: 'partner_1', deleted: false, status: 'active', deleted_at: null })

    const sale = await server.post('/v1/transactions', {
      key: p.key, body: { key: 'order_1', amount: 99.99, amount_units: 'usd', customer: { key: 'cus_1' }, product_id: 'prod_1', product_type: 'monthly' },
    })
    expect(sale.status, sale.text).toBe(201)
    expect(sale.json.data).toMatchObject({
      key: 'order_1', action: 'sale', amount: 99.99, partner: 'partner_1', customer: 'cus_1', credit: false, is_currency: true,
      amount_units: 'USD', deleted_at: null,
    })
    expect(sale.json.data.rewards).toEqual([expect.objectContaining({
      key: 'order_1', status: 'ok', amount: 29.997, amount_units: 'USD', partner: 'partner_1', customer: 'cus_1',
      product_type_data: { product_id: 'prod_1', product_type: 'monthly' },
    })])

    let view = (await server.get(`/v1/partners/${partner.id}`, { key: p.key })).json.data
    expect(view.referrals).toMatchObject({ signups: 1, revenue: [{ currency: 'USD', amount: 99.99 }], sales_count: 1, paid_accounts: 1 })
    expect(view.referrals_count).toBe(1)
    expect(view.commissions).toEqual({ paid: 0, pending: [], not_paid: [{ currency: 'USD', amount: 29.997 }] })

    const refund = await server.post('/v1/transactions/order_1/refund', { key: p.key, body: { amount: '49.99' } })
    expect(refund.status, refund.text).toBe(200)
    expect(refund.json.data).toMatchObject({ amount: 50, rewards: [expect.objectContaining({ amount: 15 })] })

    expect((await server.delete('/v1/transactions/order_1', { key: p.key })).status).toBe(200)
    view = (await server.get(`/v1/partners/${partner.id}`, { key: p.key })).json.data
    expect(view.referrals).toMatchObject({ revenue: [], sales_count: 0, paid_accounts: 0 })
    expect(view.commissions.not_paid).toEqual([])
    expect((await server.get('/v1/transactions/order_1', { key: p.key })).status).toBe(404)

    const ledger = await server.store.db.selectFrom('ledger_entries').select(['kind', 'amount']).where('program_id', '=', p.id).orderBy('id').execute()
    expect(ledger.map((l) => [l.kind, BigInt(l.amount)])).toEqual([['accrual', 29_997_000n], ['reversal', -14_997_000n], ['reversal', -15_000_000n]])
    const types = (await eventsOf(server, p.id)).map((e) => e.type)
    expect(types).toEqual(expect.arrayContaining(['customer.created', 'transaction.created', 'reward.created', 'transaction.updated', 'transaction.deleted']))
  })

  it('creates the customer with the sale, archives and restores it, and lists by customer', async () => {
    const p = await server.program()
    await makePartner(server, p.key, { id: 'partner_2', key: 'ref_2' })
    const sale = await server.post('/v1/transactions', {
      key: p.key,
      body: { key: 'order_2', amount: '200', customer: { key: 'cus_2', partner: { id: 'partner_2' } }, options: { create_customer: true } },
    })
    expect(sale.status, sale.text).toBe(201)
    expect(sale.json.data.rewards[0].amount).toBe(60)
    expect((await server.post('/v1/transactions/order_2/archive', { key: p.key })).status).toBe(200)
    expect((await server.post('/v1/transactions/order_2/archive', { key: p.key })).status).toBe(400)
    const archived = (await server.get('/v1/transactions/order_2', { key: p.key })).json.data
    expect(archived.deleted_at).not.toBeNull()
    let view = (await server.get('/v1/partners/partner_2', { key: p.key })).json.data
    expect(view.commissions.not_paid).toEqual([])
    expect((await server.post('/v1/transactions/order_2/revoke-archive', { key: p.key })).status).toBe(200)
    view = (await server.get('/v1/partners/partner_2', { key: p.key })).json.data
    expect(view.commissions.not_paid).toEqual([{ currency: 'USD', amount: 60 }])
    const list = await server.get('/v1/customers/cus_2/transactions', { key: p.key })
    expect(list.status, list.text).toBe(200)
    expect(list.json.data.map((t: { key: string }) => t.key)).toEqual(['order_2'])
  })

  it('holds a reward in review, then releases it once', async () => {
    const p = await server.program()
    // Setting the rules through the API is still to come: the test sets review_days in the stored settings.
    const stored = await server.store.db.selectFrom('programs').select('settings').where('id', '=', p.id).executeTakeFirstOrThrow()
    const settings = readJson<{ commission?: Record<string, unknown> }>(stored.settings) ?? {}
    settings.commission = { ...settings.commission, review_days: 7 }
    await server.store.db.updateTable('programs').set({ settings: writeJson(settings) }).where('id', '=', p.id).execute()
    await makePartner(server, p.key, { id: 'partner_3', key: 'ref_3' })
    const sale = await server.post('/v1/transactions', {
      key: p.key, body: { key: 'order_3', amount: 100, customer: { key: 'cus_3', partner: { key: 'ref_3' } }, options: { create_customer: true } },
    })
    expect(sale.json.data.rewards[0]).toMatchObject({ status: 'review_period', amount: 30 })
    let view = (await server.get('/v1/partners/partner_3', { key: p.key })).json.data
    expect(view.commissions).toEqual({ paid: 0, pending: [{ currency: 'USD', amount: 30 }], not_paid: [] })

    expect(await releaseDueRewards(server.store.db, Date.now() + 8 * 86_400_000)).toBe(1)
    expect(await releaseDueRewards(server.store.db, Date.now() + 8 * 86_400_000)).toBe(0)
    expect((await server.get('/v1/transactions/order_3', { key: p.key })).json.data.rewards[0].status).toBe('ok')
    view = (await server.get('/v1/partners/partner_3', { key: p.key })).json.data
    expect(view.commissions).toEqual({ paid: 0, pending: [], not_paid: [{ currency: 'USD', amount: 30 }] })
    expect((await eventsOf(server, p.id)).map((e) => e.type)).toContain('reward.approved')
  })

  it('deletes a customer with its sales, announcing each sale as GET showed it', async () => {
    const p = await server.program()
    await makePartner(server, p.key, { id: 'partner_4', key: 'ref_4' })
    await server.post('/v1/transactions', {
      key: p.key, body: { key: 'order_4', amount: 10, customer: { key: 'cus_4', partner: { key: 'ref_4' } }, options: { create_customer: true } },
    })
    const before = (await server.get('/v1/transactions/order_4', { key: p.key })).json.data
    expect((await server.delete('/v1/customers/cus_4', { key: p.key })).status).toBe(200)
    expect((await server.get('/v1/customers/cus_4', { key: p.key })).status).toBe(404)
    expect((await server.get('/v1/transactions/order_4', { key: p.key })).status).toBe(404)
    const deleted = (await eventsOf(server, p.id)).find((e) => e.type === 'transaction.deleted')
    expect(deleted?.data).toEqual(before)
    const view = (await server.get('/v1/partners/partner_4', { key: p.key })).json.data
    expect(view.referrals).toMatchObject({ signups: 0, revenue: [], sales_count: 0, paid_accounts: 0 })
    expect(view.commissions.not_paid).toEqual([])
  })

  it('back-dates a sale given Unix seconds or ISO-8601, a time without a zone being UTC', async () => {
    const p = await server.program()
    await makePartner(server, p.key, { id: 'partner_5', key: 'ref_5' })
    await server.post('/v1/customers', { key: p.key, body: { key: 'cus_5', partner: { key: 'ref_5' } } })
    const forms: Array<[number | string, string]> = [
      [1704103200, '2024-01-01T10:00:00.000000Z'],
      ['1704103200', '2024-01-01T10:00:00.000000Z'],
      ['2024-01-01', '2024-01-01T00:00:00.000000Z'],
      ['2024-01-01T10:00:00Z', '2024-01-01T10:00:00.000000Z'],
      ['2024-01-01T10:00:00.250+02:00', '2024-01-01T08:00:00.250000Z'],
      ['2024-01-01 10:00', '2024-01-01T10:00:00.000000Z'],
      ['2024-02-29T10:00:00', '2024-02-29T10:00:00.000000Z'],
    ]
    for (const [i, [createdAt, wire]] of forms.entries()) {
      const res = await server.post('/v1/transactions', { key: p.key, body: { key: `dated_${i}`, amount: 1, created_at: createdAt, customer: { key: 'cus_5' } } })
      expect(res.status, res.text).toBe(201)
      expect(res.json.data.created_at, String(createdAt)).toBe(wire)
    }
  })
})
