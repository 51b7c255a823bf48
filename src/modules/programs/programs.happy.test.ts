import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startServer, type TestServer } from '../../../test/support/server.js'
import { seedJson, shapeDifferences } from '../../../test/support/seeds.js'
import { bumpRollups } from '../stats/store.js'
import { METRIC } from '../stats/metrics.js'
import { epochDay } from '../../wire-time.js'

let server: TestServer
beforeAll(async () => {
  server = await startServer()
})
afterAll(() => server.close())


describe('GET /v1/test', () => {
  it('names the program the key belongs to', async () => {
    const p = await server.program({ name: 'Acme Partners' })
    const res = await server.get('/v1/test', { key: p.key })
    expect(res.status).toBe(200)
    expect(res.json).toEqual({ data: { program: { pub_id: p.publicId, name: 'Acme Partners', type: 'Affiliate' } }, status: 1 })
    expect(p.publicId).toMatch(/^[A-Z0-9]{8}$/)
  })
})

describe('GET /v1/program (affiliate)', () => {
  it('reproduces seed 001 key by key and type by type, with the seed numbers computed from rollups', async () => {
    const p = await server.program({ name: 'My Affiliate Program', website: 'https://yourcompany.com' })
    // The seed's figures, recorded long enough ago that both growth windows are empty.
    const day = epochDay(Date.now()) - 200
    await bumpRollups(server.store.db, p.id, day, [
      { metric: METRIC.partners, value: 12 },
      { metric: METRIC.purchases, value: 45 },
      { metric: METRIC.signups, value: 30 },
      { metric: METRIC.paidAccounts, value: 25 },
      { metric: METRIC.clicks, value: 150 },
      { metric: METRIC.revenue, currency: 'USD', value: 1_124_900_000 },
      { metric: METRIC.reward, currency: 'USD', value: 337_470_000 },
      { metric: METRIC.partnersWithSignups, value: 8 },
      { metric: METRIC.partnersActive, value: 5 },
      { metric: METRIC.partnersApproved, value: 10 },
      { metric: METRIC.partnersPending, value: 2 },
    ])
    const res = await server.get('/v1/program', { key: p.key })
    expect(res.status).toBe(200)
    const seed = seedJson('program') as { data: Record<string, unknown> }
    expect(shapeDifferences(res.json, seed)).toEqual([])

    const { program, stats, program_settings, portal_settings } = res.json.data
    expect(program).toMatchObject({ id: p.id, public_id: p.publicId, website: 'https://yourcompany.com', type: 'Affiliate', name: 'My Affiliate Program' })
    expect(program.created_at).toMatch(/^\d{4}-\d{2}-\d{2}$/)
    expect(stats).toMatchObject({
      total_partners: '12', total_purchases: '45', total_signups: '30', total_paid_accounts: '25',
      total_reward: { usd: '$337.47' }, total_revenue: { usd: '$1,124.90' },
      affiliate_referred_visitors_clicks: '150', click_to_signup_conversion: '20', signup_to_sale_conversion: '83',
      net_profit: 787.43, net_profit_formatted: '$787.43', average_order_value: { usd: '$24.99' },
      partner_activity: { partners_with_signups: '8', active_partners: '5', approved: '10', waiting_for_approval: '2', rejected: '0' },
      total_partners_growth: 0, total_revenue_growth: 0,
    })
    expect(program_settings).toEqual({
      currency: 'USD', cookie_lifetime: '30', commission_description: '30%, lifetime', commission_value: '30%',
      has_multiple_commissions: false, payout_threshold: 0, payout_automation_enabled: false,
      payout_automation_schedule: null, welcome_email_enabled: false, onboarding_enabled: false,
      partner_email_notifications_enabled: false,
    })
    expect(portal_settings.partner_portal_url).toBe(`${server.url}/portal/${p.publicId}`)
    expect(portal_settings.program_page_enabled).toBe(true)
  })

  it('answers all-zero stats for a new program', async () => {
    const p = await server.program()
    const { stats } = (await server.get('/v1/program', { key: p.key })).json.data
    expect(stats.total_partners).toBe('0')
    expect(stats.total_revenue).toEqual({ usd: '$0.00' })
    expect(stats.net_profit).toBe(0)
    expect(stats.net_profit_formatted).toBe('$0.00')
    expect(stats.click_to_signup_conversion).toBe('0')
    expect(stats.payout_status_breakdown.requested).toEqual({ count: 0, amounts: {} })
  })

  it('computes growth as the last 30 days against the 30 days before', async () => {
    const p = await server.program()
    const today = epochDay(Date.now())
    await bumpRollups(server.store.db, p.id, today, [{ metric: METRIC.clicks, value: 30 }, { metric: METRIC.signups, value: 4 }])
    await bumpRollups(server.store.db, p.id, today - 40, [{ metric: METRIC.clicks, value: 20 }])
    await bumpRollups(server.store.db, p.id, today - 29, [{ metric: METRIC.signups, value: 1 }])
    const { stats } = (await server.get('/v1/program', { key: p.key })).json.data
    expect(stats.affiliate_referred_visitors_clicks).toBe('50')
    expect(stats.affiliate_referred_visitors_clicks_growth).toBe(50)
    expect(stats.total_signups).toBe('5')
    expect(stats.total_signups_growth).toBe(100)
  })

  it('formats each currency with its own symbol and minor unit', async () => {
    const p = await server.program({ currency: 'EUR' })
    await bumpRollups(server.store.db, p.id, epochDay(Date.now()), [
      { metric: METRIC.revenue, currency: 'EUR', value: 1_500_250_000 },
      { metric: METRIC.revenue, currency: 'JPY', value: 12_345_600_000 },
      { metric: METRIC.purchases, value: 2 },
    ])
    const { stats, program_settings } = (await server.get('/v1/program', { key: p.key })).json.data
    expect(program_settings.currency).toBe('EUR')
    expect(stats.total_revenue).toEqual({ eur: '€1,500.25', jpy: '¥12,346' })
    expect(stats.net_profit_formatted).toBe('€1,500.25')
    expect(stats.average_order_value).toEqual({ eur: '€750.12', jpy: '¥6,172' })
  })
})

describe('GET /v1/program (refer-a-friend and newsletter)', () => {
  it('answers the refer-a-friend overview shape', async () => {
    const p = await server.program({ type: 'referral', website: 'https://friends.example.com' })
    await bumpRollups(server.store.db, p.id, epochDay(Date.now()) - 100, [
      { metric: METRIC.customers, value: 10 }, { metric: METRIC.referringCustomers, value: 4 },
    ])
    await bumpRollups(server.store.db, p.id, epochDay(Date.now()), [{ metric: METRIC.customers, value: 10 }])
    const res = await server.get('/v1/program', { key: p.key })
    expect(res.status).toBe(200)
    const d = res.json.data
    expect(d.program.type).toBe('Referral')
    expect(d).toMatchObject({
      total_customers: 20, total_customers_before: 10, total_customers_growth: 100,
      total_referring_customers: 4, total_referring_customers_before: 4,
      participation: 20, participation_before: 40,
      total_revenue_from_sales: {},
      overview_program_current_settings: { partner_portal_url: `${server.url}/portal/${p.publicId}`, website_url: 'https://friends.example.com' },
    })
    for (const key of ['active_rewards', 'total_referred_customers', 'total_sales']) {
      expect(d).toHaveProperty(key)
      expect(d).toHaveProperty(`${key}_before`)
      expect(d).toHaveProperty(`${key}_growth`)
    }
    expect(d.program_settings).toHaveProperty('referral_portal_enabled', true)
    expect(d.portal_settings).toHaveProperty('popup_form_enabled', false)
    expect(d.portal_settings).not.toHaveProperty('leads_page_enabled')
  })

  it('answers the newsletter summary shape', async () => {
    const p = await server.program({ type: 'newsletter', name: 'Weekly Letter' })
    const d = (await server.get('/v1/program', { key: p.key })).json.data
    expect(d).toMatchObject({ id: p.publicId, name: 'Weekly Letter', esp_type: 'custom', total_subscribers: 0, total_referring: 0, total_referred: 0 })
    expect(d.created_at).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/)
    expect(d.program.type).toBe('Newsletter')
  })
})

describe('GET /v1/program/overview (legacy)', () => {
  it('answers the flat shape the WooCommerce plugin renders', async () => {
    const p = await server.program({ name: 'Shop Partners' })
    await bumpRollups(server.store.db, p.id, epochDay(Date.now()), [
      { metric: METRIC.revenue, currency: 'USD', value: 99_990_000 },
      { metric: METRIC.paid, currency: 'USD', value: 10_000_000 },
    ])
    const res = await server.get('/v1/program/overview', { key: p.key })
    expect(res.status).toBe(200)
    expect(res.json.data.overview_program_current_settings).toEqual({
      program_initials: 'SP', program_type_title: 'Affiliate', program_name: 'Shop Partners',
      partner_portal_url: `${server.url}/portal/${p.publicId}`, commission_description: '30%, lifetime',
      cookie_lifetime: 30, payout_threshold: 0, currency: 'USD',
    })
    expect(res.json.data.total_revenue).toEqual(['$99.99'])
    expect(res.json.data.total_paid).toEqual(['$10.00'])
    for (const key of ['total_partners', 'total_partners_growth', 'total_signups', 'total_signups_growth', 'total_paid_accounts',
      'total_paid_accounts_growth', 'total_purchases', 'total_purchases_growth', 'total_revenue_growth', 'total_reward', 'total_reward_growth']) {
      expect(res.json.data).toHaveProperty(key)
    }
  })
})

describe('PUT /v1/program and PUT /v1/settings', () => {
  it('updates name, website and settings, and announces program.updated', async () => {
    const p = await server.program()
    const res = await server.put('/v1/program', {
      key: p.key,
      body: {
        name: 'Renamed', website: 'https://new.example.com',
        program_settings: { currency: 'eur', cookie_lifetime: 60, welcome_email_enabled: true },
        portal_settings: { registration_disabled: true, widget_enabled: 1 },
      },
    })
    expect(res.status).toBe(200)
    expect(res.json).toEqual({ status: 1, message: 'Program updated successfully' })
    const d = (await server.get('/v1/program', { key: p.key })).json.data
    expect(d.program).toMatchObject({ name: 'Renamed', website: 'https://new.example.com', initial: 'R' })
    expect(d.program_settings).toMatchObject({ currency: 'EUR', cookie_lifetime: '60', welcome_email_enabled: true })
    expect(d.portal_settings).toMatchObject({ registration_disabled: true, widget_enabled: true, program_page_enabled: true })

    const events = (await server.get('/v1/events', { key: p.key })).json.data
    expect(events).toHaveLength(1)
    expect(events[0]).toMatchObject({ type: 'program.updated', data: { program: { name: 'Renamed' }, program_settings: { currency: 'EUR' } } })
    expect(events[0].id).toMatch(/^evt_\d+$/)
  })

  it('treats null as not given and leaves the rest unchanged', async () => {
    const p = await server.program({ name: 'Keep Me' })
    const res = await server.put('/v1/program', { key: p.key, body: { name: null, website: null, program_settings: { cookie_lifetime: 5, currency: null } } })
    expect(res.status).toBe(200)
    const d = (await server.get('/v1/program', { key: p.key })).json.data
    expect(d.program.name).toBe('Keep Me')
    expect(d.program.website).toBe('https://shop.example.com')
    expect(d.program_settings).toMatchObject({ cookie_lifetime: '5', currency: 'USD' })
  })

  it('PUT /v1/settings takes {settings: {...}} as program settings', async () => {
    const p = await server.program()
    const res = await server.put('/v1/settings', { key: p.key, body: { settings: { cookie_lifetime: 90, onboarding_enabled: true } } })
    expect(res.status).toBe(200)
    const d = (await server.get('/v1/program', { key: p.key })).json.data
    expect(d.program_settings).toMatchObject({ cookie_lifetime: '90', onboarding_enabled: true })
  })

  it('sets the refer-a-friend settings on a refer-a-friend program', async () => {
    const p = await server.program({ type: 'referral' })
    const res = await server.put('/v1/program', { key: p.key, body: { program_settings: { rewards_notification_enabled: true }, portal_settings: { popup_form_enabled: true } } })
    expect(res.status).toBe(200)
    const d = (await server.get('/v1/program', { key: p.key })).json.data
    expect(d.program_settings.rewards_notification_enabled).toBe(true)
    expect(d.portal_settings.popup_form_enabled).toBe(true)
  })
})

describe('DELETE /v1/program', () => {
  it('deletes in two steps: a code, then the code back', async () => {
    const p = await server.program()
    const first = await server.delete('/v1/program', { key: p.key })
    expect(first.status).toBe(200)
    expect(first.json.data.confirmation_code).toMatch(/^[A-Za-z0-9]{8}$/)
    expect(first.json.data.expires_in).toBe(20)
    // still there after the first step
    expect((await server.get('/v1/program', { key: p.key })).status).toBe(200)

    const second = await server.delete('/v1/program', { key: p.key, body: { confirmation_code: first.json.data.confirmation_code } })
    expect(second.status).toBe(200)
    expect(second.json).toEqual({ status: 1, message: 'Program deleted successfully' })
    // the program, its keys and its events are gone
    expect((await server.get('/v1/program', { key: p.key })).status).toBe(401)
    const left = await server.store.db.selectFrom('outbox').where('program_id', '=', p.id).select('id').execute()
    expect(left).toEqual([])
  })
})
