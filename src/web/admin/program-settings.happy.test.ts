// The program's settings pages over HTTP against a real store: each form saves through PUT
// /v1/program's service (the API then reads what was saved, the same program.updated event is
// emitted, an audit entry is written), refuses what the API refuses with its messages and saves
// nothing then; the commission preview says what the rules in the form would pay, saving nothing.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startServer, type TestServer } from '../../../test/support/server.js'
import { eventsOf, makePartner } from '../../../test/support/partners.js'
import { click } from '../../../test/support/visits.js'
import { auditOf, signedInMember } from '../../../test/support/admin-sign-in.js'
import type { Visitor } from '../../../test/support/portal.js'

let server: TestServer
beforeAll(async () => {
  server = await startServer()
})
afterAll(() => server.close())

type Program = { id: number; publicId: string; key: string }

async function program(p: Program) {
  return (await server.get('/v1/program', { key: p.key })).json.data
}

async function saved(v: Visitor, path: string, fields: Record<string, string | string[]>) {
  await v.get(`/admin${path}`)
  const answer = await v.post(`/admin${path}`, fields)
  expect(answer.status, answer.text).toBe(303)
  expect(answer.headers.location).toBe(`/admin${path}?notice=settings-saved`)
  expect((await v.follow(answer)).text).toContain('The settings are saved.')
}

describe('the program page', () => {
  it('renames the program, moves its website and currency, and sets how partners join', async () => {
    const p = await server.program({ name: 'Old Name' })
    const { v, userId } = await signedInMember(server, p.id, 'admin')
    const page = await v.get('/admin/settings/program')
    expect(page.status).toBe(200)
    expect(page.text).toContain('value="Old Name"')
    const before = (await eventsOf(server, p.id)).length
    await saved(v, '/settings/program', { name: 'New Name', website: 'https://new.example.com', currency: 'eur', reward_self_referrals: 'on' })
    const data = await program(p)
    expect(data.program).toMatchObject({ name: 'New Name', website: 'https://new.example.com' })
    expect(data.program_settings.currency).toBe('EUR')
    expect((await eventsOf(server, p.id)).slice(before).map((e) => e.type)).toEqual(['program.updated'])
    expect((await auditOf(server, p.id))[0]).toMatchObject({ action: 'program.updated', objectId: p.publicId, userId })
    // The unticked box is saved as off: partners now wait for approval.
    const made = await server.post('/v1/partners', { key: p.key, body: { email: 'waits@example.com', name: 'Wai' } })
    expect(made.json.data.status).toBe('pending')
  })

  it('refuses what the API refuses, with its message, and saves nothing', async () => {
    const p = await server.program({ name: 'Kept' })
    const { v } = await signedInMember(server, p.id, 'admin')
    await v.get('/admin/settings/program')
    const refused = await v.post('/admin/settings/program', { name: 'Changed', website: 'not a url', currency: 'XYZ' })
    expect(refused.status).toBe(422)
    expect(refused.text).toContain('Nothing was saved')
    expect(refused.text).toContain('The website format is invalid.')
    expect(refused.text).toMatch(/id="f-currency-error">[^<]*currency format is invalid\./)
    expect(refused.text).toContain('value="Changed"')
    expect((await program(p)).program.name).toBe('Kept')
  })
})

describe('the tracking page', () => {
  it('sets the cookie lifetime, the referral parameter, the link style and the other domains', async () => {
    const p = await server.program({ website: 'https://shop.example.com' })
    await makePartner(server, p.key, { key: 'tracked_key' })
    expect((await click(server, '/r/tracked_key', { host: 'shop.example.com' })).headers.location).toBe('https://shop.example.com/?aff=tracked_key')
    const { v } = await signedInMember(server, p.id, 'admin')
    expect((await v.get('/admin/settings/tracking')).text).toContain('https://shop.example.com?aff=partner-key')
    await saved(v, '/settings/tracking', { cookie_lifetime: '90', referral_param: 'via', referral_link_style: 'path', additional_domains: 'Blog.Example.com\nstore.example.org' })
    expect((await program(p)).program_settings.cookie_lifetime).toBe('90')
    expect((await v.get('/admin/settings/tracking')).text).toContain('https://shop.example.com/via/partner-key')
    // Clicks follow the change at once, though this process remembered the program's settings.
    expect((await click(server, '/r/tracked_key', { host: 'shop.example.com' })).headers.location).toBe('https://shop.example.com/via/tracked_key')
    const domains = (await server.get('/v1/partner_referral_links:domains', { key: p.key })).json.data.map((d: { domain: string }) => d.domain)
    expect(domains).toEqual(expect.arrayContaining(['blog.example.com', 'store.example.org']))
    // A domain that is no host name is refused on the one field that lists them.
    const refused = await v.post('/admin/settings/tracking', { cookie_lifetime: '0', referral_param: 'a b', referral_link_style: 'query', additional_domains: 'ok.example.com https://bad/' })
    expect(refused.status).toBe(422)
    expect(refused.text).toMatch(/id="f-additional_domains-error">The additional domains\.1 format is invalid\./)
    expect(refused.text).toMatch(/id="f-cookie_lifetime-error">[^<]*cookie lifetime must be at least 1\./)
    expect(refused.text).toMatch(/id="f-referral_param-error">[^<]*referral param format is invalid\./)
    expect((await program(p)).program_settings.cookie_lifetime).toBe('90')
  })
})

describe('the partner portal page', () => {
  it('closes registration, asks its questions, sets terms, colour and host, and clears them again', async () => {
    const p = await server.program()
    const { v, userId } = await signedInMember(server, p.id, 'admin')
    await saved(v, '/settings/portal', {
      terms_url: 'https://shop.example.com/terms', brand_color: '#AA3300', portal_domain: 'Partners.Shop.example.com',
      question_key: ['website', 'audience', ''], question_label: ['Your website', 'Your audience', ''], question_required: ['yes', 'no', 'no'],
      show_customer_emails: 'on', payout_requests_enabled: 'on',
    })
    let portal = (await program(p)).portal_settings
    expect(portal).toMatchObject({
      registration_disabled: true, terms_url: 'https://shop.example.com/terms', brand_color: '#aa3300', portal_domain: 'partners.shop.example.com',
      show_customer_emails: true, payout_requests_enabled: true, custom_link_keys_enabled: false, passwordless_login_enabled: false,
      signup_fields: [{ key: 'website', label: 'Your website', required: true }, { key: 'audience', label: 'Your audience', required: false }],
    })
    expect((await auditOf(server, p.id))[0]).toMatchObject({ action: 'program.portal_updated', userId })
    const page = await v.get('/admin/settings/portal')
    expect(page.text).toContain('value="Your audience"')
    // Emptied: no terms, no own host, one question fewer, registration open again.
    await saved(v, '/settings/portal', {
      registration_open: 'on', terms_url: '', brand_color: '#aa3300', portal_domain: '',
      question_key: ['', 'audience'], question_label: ['', 'Your audience'], question_required: ['no', 'no'],
    })
    portal = (await program(p)).portal_settings
    expect(portal).toMatchObject({ registration_disabled: false, terms_url: null, portal_domain: null, signup_fields: [{ key: 'audience', label: 'Your audience', required: false }] })
  })

  it('refuses a host another program has, and duplicate question keys, with the API\'s messages', async () => {
    const a = await server.program()
    const b = await server.program()
    expect((await server.put('/v1/program', { key: a.key, body: { portal_settings: { portal_domain: 'taken.example.com' } } })).status).toBe(200)
    const { v } = await signedInMember(server, b.id, 'admin')
    await v.get('/admin/settings/portal')
    const refused = await v.post('/admin/settings/portal', {
      registration_open: 'on', brand_color: '#112233', portal_domain: 'taken.example.com',
      question_key: ['q', 'q'], question_label: ['One', 'Two'], question_required: ['no', 'no'],
    })
    expect(refused.status).toBe(422)
    expect(refused.text).toContain('The portal settings.portal domain is already used by another program.')
    expect(refused.text).toMatch(/id="f-question-key-1-error">The portal settings\.signup fields\.1\.key field has a duplicate value\./)
    expect((await program(b)).portal_settings).toMatchObject({ portal_domain: null, signup_fields: [] })
  })
})

describe('the commission page', () => {
  const rules = {
    type: 'percent', value: '10', period: '12 months', review_days: '14', rounding: 'on', products_over_tiers: 'on',
    tier_metric: ['customers', 'revenue', 'customers'], tier_from: ['10', '5000', ''], tier_type: ['percent', 'static', 'percent'], tier_value: ['15', '40', ''],
    product_id: ['pro-plan', ''], product_type: ['', ''], product_priority: ['5', ''], product_rate_type: ['percent', 'percent'], product_value: ['25', ''],
    level_type: ['percent', 'percent', 'percent', 'percent'], level_value: ['5', '2', '', ''],
  }

  it('saves the rules the API then reports, and previews a sale under them', async () => {
    const p = await server.program()
    const { v, userId } = await signedInMember(server, p.id, 'admin')
    const page = await v.get('/admin/settings/commission')
    // The default rules on a sale of 100 by a new partner.
    expect(page.text).toContain("A sale of $100.00 by a partner with 0 paying customers earns $30.00, because 30% of the sale, by the program's rate. It is payable at once.")
    await saved(v, '/settings/commission', rules)
    const commission = (await server.get('/v1/program/commission', { key: p.key })).json.data
    expect(commission).toMatchObject({
      type: 'percent', value: 10, period: '12 months', review_days: 14, rounding: true,
      tiers: [{ metric: 'customers', from: 10, type: 'percent', value: 15 }, { metric: 'revenue', from: 5000, type: 'static', value: 40 }],
      products: [{ product_id: 'pro-plan', priority: 5, type: 'percent', value: 25 }],
      levels: [{ type: 'percent', value: 5 }, { type: 'percent', value: 2 }],
    })
    expect((await auditOf(server, p.id))[0]).toMatchObject({ action: 'program.commission_updated', userId })
    const shown = await v.get('/admin/settings/commission')
    expect(shown.text).toContain('value="pro-plan"')
    expect(shown.text).toContain("A sale of $100.00 by a partner with 0 paying customers earns $10.00, because 10% of the sale, by the program's rate. It is payable after 14 days in review. The level 2 partner earns $5.00. The level 3 partner earns $2.00.")
  })

  it('previews the rules in the form, not yet saved: a tier, a product rule, a period that is over', async () => {
    const p = await server.program()
    const { v } = await signedInMember(server, p.id, 'viewer')
    await v.get('/admin/settings/commission')
    const preview = async (sale: Record<string, string>, changes: Record<string, string | string[]> = {}) => {
      const answer = await v.post('/admin/settings/commission/preview', { ...rules, ...changes, ...sale })
      expect(answer.status, answer.text).toBe(200)
      return /<div id="preview" aria-live="polite"><p>([^<]*)<\/p>/.exec(answer.text)?.[1]
    }
    expect(await preview({ preview_amount: '200', preview_customers: '12' }))
      .toBe('A sale of $200.00 by a partner with 12 paying customers earns $30.00, because 15% of the sale, by the tier for customers from 10. It is payable after 14 days in review. The level 2 partner earns $10.00. The level 3 partner earns $4.00.')
    expect(await preview({ preview_amount: '200', preview_customers: '12', preview_product: 'pro-plan' }))
      .toContain('earns $50.00, because 25% of the sale, by the product rule for product pro-plan.')
    expect(await preview({ preview_amount: '200', preview_revenue: '6000' })).toContain('earns $40.00, because a fixed $40.00, by the tier for revenue from 5000.')
    expect(await preview({ preview_amount: '200', preview_sales_before: '3' }, { period: '3 sales' }))
      .toBe("A sale of $200.00 by a partner with 0 paying customers earns nothing: the commission period is over for this customer's sale number 4.")
    const signups = { ...rules, tier_metric: ['signups', 'revenue', 'customers'] }
    expect(await preview({ preview_amount: '200', preview_signups: '10' }, signups)).toContain('earns $30.00, because 15% of the sale, by the tier for signups from 10.')
    const typed = { ...rules, product_id: ['', ''], product_type: ['ebook', ''] }
    expect(await preview({ preview_amount: '200', preview_product_type: 'ebook' }, typed)).toContain('earns $50.00, because 25% of the sale, by the product rule for ebook products.')
    // A period too long for any calendar never ends.
    expect(await preview({ preview_amount: '200' }, { period: '300000 years' })).toContain('earns $20.00, because 10% of the sale')
    // A preview saves nothing: the program's rules are still the defaults.
    expect((await server.get('/v1/program/commission', { key: p.key })).json.data).toMatchObject({ value: 30, tiers: [] })
  })

  it('refuses rules the API refuses, in the preview and on saving, naming the row', async () => {
    const p = await server.program()
    const { v } = await signedInMember(server, p.id, 'admin')
    await v.get('/admin/settings/commission')
    const bad = { ...rules, tier_value: ['150', '40', ''], period: 'forever' }
    const previewed = await v.post('/admin/settings/commission/preview', { ...bad, preview_amount: 'lots' })
    expect(previewed.status).toBe(422)
    expect(previewed.text).toContain('No preview:')
    const saving = await v.post('/admin/settings/commission', bad)
    expect(saving.status).toBe(422)
    expect(saving.text).toContain('Nothing was saved')
    expect(saving.text).toMatch(/id="f-tier-value-0-error">[^<]*100/)
    expect(saving.text).toMatch(/id="f-period-error">The period must be &quot;lifetime&quot;/)
    expect((await server.get('/v1/program/commission', { key: p.key })).json.data).toMatchObject({ value: 30, tiers: [], period: 'lifetime' })
  })
})

describe('the Stripe page', () => {
  it('shows the endpoint, takes the signing secret without ever showing it, and refuses a wrong one', async () => {
    const p = await server.program()
    const { v, userId } = await signedInMember(server, p.id, 'admin')
    const page = await v.get('/admin/settings/stripe')
    expect(page.text).toContain(`/integrations/stripe/${p.publicId}/webhook`)
    expect(page.text).toContain('Not connected yet')
    await v.get('/admin/settings/stripe')
    const wrong = await v.post('/admin/settings/stripe', { webhook_secret: 'sk_live_nope' })
    expect(wrong.status).toBe(422)
    expect(wrong.text).toContain('The webhook secret must be the whsec_')
    const secret = 'whsec_abcdefghijklmnop1234'
    const ok = await v.post('/admin/settings/stripe', { webhook_secret: secret })
    expect(ok.status, ok.text).toBe(303)
    const after = await v.follow(ok)
    expect(after.text).toContain('Connected')
    expect(after.text).not.toContain(secret)
    expect((await server.get('/v1/integrations/stripe', { key: p.key })).json.data).toMatchObject({ configured: true, reverse_on_dispute: false })
    const [entry] = await auditOf(server, p.id)
    expect(entry).toMatchObject({ action: 'stripe.updated', userId, detail: { secret_changed: true, reverse_on_dispute: false } })
    expect(JSON.stringify(entry)).not.toContain(secret)
  })
})
