// Commission rules set through the API and earned end to end: rates, periods, tiers, product
// rules, levels, rounding, review, and a partner's own rate.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startServer, type TestServer } from '../../../test/support/server.js'
import { makePartner } from '../../../test/support/partners.js'

let server: TestServer
beforeAll(async () => {
  server = await startServer()
})
afterAll(() => server.close())

let sales = 0
/** One sale by a new (or given) customer of `partnerKey`; answers the rewards it earned. */
async function sell(key: string, partnerKey: string, amount: number | string, extra: Record<string, unknown> = {}, customer?: string) {
  sales += 1
  const res = await server.post('/v1/transactions', {
    key,
    body: {
      key: `order_${sales}`, amount, customer: { key: customer ?? `cus_${sales}`, partner: { key: partnerKey } },
      options: { create_customer: customer === undefined }, ...extra,
    },
  })
  expect(res.status, res.text).toBe(201)
  return res.json.data.rewards as Array<{ partner: string; amount: number; status: string }>
}

async function setRules(key: string, commission: Record<string, unknown>) {
  const res = await server.put('/v1/program', { key, body: { program_settings: { commission } } })
  expect(res.status, res.text).toBe(200)
}

describe('program commission rules', () => {
  it('starts at 30 %, lifetime, and reads back what was set', async () => {
    const p = await server.program()
    const initial = await server.get('/v1/program/commission', { key: p.key })
    expect(initial.json.data).toEqual({
      type: 'percent', value: 30, period: 'lifetime', rounding: false, review_days: 0, tiers: [], products: [],
      products_over_tiers: true, levels: [], description: '30%, lifetime', has_multiple_commissions: false,
    })
    await setRules(p.key, {
      type: 'static', value: '12.5', period: '3 sales', rounding: true, review_days: 14,
      tiers: [{ metric: 'revenue', from: '1000.50', type: 'percent', value: 40 }],
    })
    const rules = (await server.get('/v1/program/commission', { key: p.key })).json.data
    expect(rules).toMatchObject({
      type: 'static', value: 12.5, period: '3 sales', rounding: true, review_days: 14,
      tiers: [{ metric: 'revenue', from: 1000.5, type: 'percent', value: 40 }],
      description: '12.50 USD, 3 sales', has_multiple_commissions: true,
    })
    const settings = (await server.get('/v1/program', { key: p.key })).json.data.program_settings
    expect(settings).toMatchObject({ commission_description: '12.50 USD, 3 sales', commission_value: '12.50 USD', has_multiple_commissions: true })
    // A partial update keeps what it does not name; a list given replaces the old one.
    await setRules(p.key, { period: '1 year', tiers: [] })
    expect((await server.get('/v1/program/commission', { key: p.key })).json.data).toMatchObject({
      type: 'static', value: 12.5, period: '1 year', tiers: [], has_multiple_commissions: false,
    })
  })

  it('pays a static amount for the first N sales of each customer only', async () => {
    const p = await server.program()
    await makePartner(server, p.key, { key: 'static_ref' })
    await setRules(p.key, { type: 'static', value: 10, period: '2 sales' })
    expect((await sell(p.key, 'static_ref', 100, {}, undefined))[0]?.amount).toBe(10)
    const customer = `cus_${sales}`
    expect((await sell(p.key, 'static_ref', 5, {}, customer))[0]?.amount).toBe(5)
    expect(await sell(p.key, 'static_ref', 100, {}, customer)).toEqual([])
  })

  it('stops paying for a customer once a period in days has passed since it signed up', async () => {
    const p = await server.program()
    await makePartner(server, p.key, { key: 'days_ref' })
    await setRules(p.key, { period: '30 days' })
    expect((await sell(p.key, 'days_ref', 100))[0]?.amount).toBe(30)
    const customer = `cus_${sales}`
    // The customer signed up 31 days ago (set in the store: the API records sign-ups at "now").
    await server.store.db.updateTable('customers').set({ created_at: Date.now() - 31 * 86_400_000 })
      .where('program_id', '=', p.id).where('key', '=', customer).execute()
    expect(await sell(p.key, 'days_ref', 100, {}, customer)).toEqual([])
  })

  it('moves a partner to a performance tier once it has enough customers', async () => {
    const p = await server.program()
    await makePartner(server, p.key, { key: 'tier_ref' })
    await setRules(p.key, { tiers: [{ metric: 'customers', from: 2, type: 'percent', value: 50 }] })
    expect((await sell(p.key, 'tier_ref', 100))[0]?.amount).toBe(30)
    // The second customer counts as soon as it signs up: its own first sale is at the tier's rate.
    expect((await sell(p.key, 'tier_ref', 100))[0]?.amount).toBe(50)
    expect((await sell(p.key, 'tier_ref', 100, {}, `cus_${sales}`))[0]?.amount).toBe(50)
  })

  it('pays by product rule, highest priority first, and lets a tier win when told', async () => {
    const p = await server.program()
    await makePartner(server, p.key, { key: 'prod_ref' })
    await setRules(p.key, {
      products: [
        { product_type: 'annual', type: 'percent', value: 5 },
        { product_id: 'pro', type: 'percent', value: 10, priority: 2 },
      ],
      tiers: [{ metric: 'signups', from: 1, type: 'percent', value: 45 }],
    })
    expect((await sell(p.key, 'prod_ref', 100, { product_id: ['basic', 'pro'], product_type: 'annual' }))[0]?.amount).toBe(10)
    expect((await sell(p.key, 'prod_ref', 100, { product_type: 'annual' }))[0]?.amount).toBe(5)
    expect((await sell(p.key, 'prod_ref', 100, { product_id: 'other' }))[0]?.amount).toBe(45)
    await setRules(p.key, { products_over_tiers: false })
    expect((await sell(p.key, 'prod_ref', 100, { product_id: 'pro' }))[0]?.amount).toBe(45)
  })

  it('pays the partners up the referring chain at their level\'s rate', async () => {
    const p = await server.program()
    const top = await makePartner(server, p.key, { key: 'top_ref' })
    const middle = await makePartner(server, p.key, { key: 'mid_ref', referring_partner: { key: 'top_ref' } })
    const bottom = await makePartner(server, p.key, { key: 'low_ref', referring_partner: { key: 'mid_ref' } })
    await setRules(p.key, { levels: [{ type: 'percent', value: 10 }, { type: 'static', value: '1.25' }] })
    const rewards = await sell(p.key, 'low_ref', 200)
    expect(rewards.map((r) => [r.partner, r.amount])).toEqual([[bottom.id, 60], [middle.id, 20], [top.id, 1.25]])
    const view = (await server.get(`/v1/partners/${top.id}`, { key: p.key })).json.data
    expect(view.commissions.not_paid).toEqual([{ currency: 'USD', amount: 1.25 }])
  })

  it('rounds rewards to the currency\'s minor unit when rounding is on, and holds them in review', async () => {
    const p = await server.program()
    await makePartner(server, p.key, { key: 'round_ref' })
    await setRules(p.key, { value: '33.3333' })
    expect((await sell(p.key, 'round_ref', 10))[0]?.amount).toBe(3.33333)
    await setRules(p.key, { rounding: true, review_days: 7 })
    expect((await sell(p.key, 'round_ref', 10))[0]).toMatchObject({ amount: 3.33, status: 'review_period' })
  })
})

describe('a partner\'s own commission', () => {
  it('replaces the program\'s rate for that partner until it is removed', async () => {
    const p = await server.program()
    const partner = await makePartner(server, p.key, { key: 'own_ref' })
    expect((await server.get('/v1/partners/own_ref/commission', { key: p.key })).json.data).toEqual({
      partner: partner.id, custom: false, type: 'percent', value: 30, period: 'lifetime', description: '30%, lifetime',
    })
    const set = await server.put(`/v1/partners/${partner.id}/commission`, { key: p.key, body: { type: 'percent', value: '50', period: '1 sale' } })
    expect(set.status, set.text).toBe(200)
    expect(set.json.data).toEqual({ partner: partner.id, custom: true, type: 'percent', value: 50, period: '1 sale', description: '50%, 1 sale' })
    expect((await sell(p.key, 'own_ref', 100))[0]?.amount).toBe(50)
    expect(await sell(p.key, 'own_ref', 100, {}, `cus_${sales}`)).toEqual([])
    const cleared = await server.delete(`/v1/partners/${partner.id}/commission`, { key: p.key })
    expect(cleared.json.data).toMatchObject({ custom: false, value: 30 })
    expect((await sell(p.key, 'own_ref', 100))[0]?.amount).toBe(30)
  })
})
