import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startServer, type TestServer } from '../../../test/support/server.js'
import { eventsOf, makePartner } from '../../../test/support/partners.js'
import { click, partnerClicks } from '../../../test/support/visits.js'

let server: TestServer
beforeAll(async () => {
  server = await startServer()
})
afterAll(() => server.close())

const link = (server: TestServer, key: string, body: Record<string, unknown>) => server.post('/v1/partner_referral_links', { key, body })

describe('create and read', () => {
  it('creates a link for a partner named by id, key or email and announces partner.updated', async () => {
    const p = await server.program()
    const partner = await makePartner(server, p.key, { id: 'lp', key: 'lp-main' })
    for (const [key, ref] of [['by-id', { id: 'lp' }], ['by-key', { key: 'lp-main' }], ['by-email', { email: partner.email }]] as const) {
      const res = await link(server, p.key, { key, partner: ref, domain_id: null })
      expect(res.status).toBe(201)
      expect(res.json.data).toEqual({
        id: key, key, url: `https://shop.example.com?aff=${key}`, default: false, is_additional: false,
        direct_tracking: false, direct_tracking_redirect: false, direct_tracking_redirect_url: null,
        tracking_url: `${server.url}/r/${key}?program=${p.publicId}`,
      })
    }
    const got = await server.get('/v1/partner_referral_links/by-key', { key: p.key })
    expect(got.json.data.key).toBe('by-key')
    const events = await eventsOf(server, p.id)
    expect(events.at(-1)?.type).toBe('partner.updated')
    expect(events.at(-1)?.data.referral_links).toHaveLength(4)
  })

  it('gives each link a tracking_url that Partnerkit serves: it counts the click and leads to the link\'s url', async () => {
    const other = await server.program()
    await makePartner(server, other.key, { key: 'shared-key' })
    const p = await server.program()
    const partner = await makePartner(server, p.key, { key: 'shared-key' })
    const [view] = (await server.get(`/v1/partners/${partner.id}/referral_links`, { key: p.key })).json.data
    const res = await click(server, view.tracking_url.replace(server.url, ''))
    expect(res.status).toBe(302)
    expect(new URL(String(res.headers.location)).href).toBe(new URL(view.url).href)
    expect(await partnerClicks(server, p.key, partner.id)).toBe(1)
  })

  it('accepts the PHP SDK\'s camelCase fields as well as snake_case', async () => {
    const p = await server.program()
    await server.put('/v1/program', { key: p.key, body: { additional_domains: ['deals.example.com'] } })
    const domainId = (await server.get('/v1/partner_referral_links:domains', { key: p.key })).json.data[1].id
    const partner = await makePartner(server, p.key)
    const camel = await link(server, p.key, {
      key: 'camel', partner: { id: partner.id }, domainId, isAdditional: true, directTracking: true,
      directTrackingRedirect: true, directTrackingRedirectUrl: 'https://deals.example.com/landing',
    })
    expect(camel.status, camel.text).toBe(201)
    expect(camel.json.data).toMatchObject({
      url: 'https://deals.example.com?aff=camel', is_additional: true, direct_tracking: true,
      direct_tracking_redirect: true, direct_tracking_redirect_url: 'https://deals.example.com/landing',
    })
    const snake = await server.put('/v1/partner_referral_links/camel', { key: p.key, body: { direct_tracking: false, is_additional: false } })
    expect(snake.json.data).toMatchObject({ url: 'https://shop.example.com?aff=camel', is_additional: false, direct_tracking: false })
  })

  it('lists a partner\'s links, default first, with pagination', async () => {
    const p = await server.program()
    const partner = await makePartner(server, p.key, { key: 'first' })
    for (const key of ['second', 'third']) await link(server, p.key, { key, partner: { id: partner.id } })
    const page = await server.get(`/v1/partners/${partner.id}/referral_links?limit=2`, { key: p.key })
    expect(page.json.data.map((l: { key: string }) => l.key)).toEqual(['first', 'second'])
    expect(page.json.links.next).toBe(`${server.url}/v1/partners/${partner.id}/referral_links?limit=2&page=2`)
    const viaKey = await server.get('/v1/partners/third/referral_links', { key: p.key })
    expect(viaKey.json.data.map((l: { key: string }) => l.key)).toEqual(['first', 'second', 'third'])
  })

  it('searches by id or key, optionally of one partner', async () => {
    const p = await server.program()
    const a = await makePartner(server, p.key, { key: 'sa' })
    await makePartner(server, p.key, { key: 'sb' })
    await link(server, p.key, { key: 'sa-2', partner: { id: a.id } })
    expect((await server.get('/v1/partner_referral_links:search?id=sa-2', { key: p.key })).json.data.map((l: { key: string }) => l.key)).toEqual(['sa-2'])
    expect((await server.get('/v1/partner_referral_links:search', { key: p.key, body: { key: 'sb' } })).json.data).toHaveLength(1)
    const ofA = await server.get(`/v1/partner_referral_links:search?partner[id]=${a.id}`, { key: p.key })
    expect(ofA.json.data.map((l: { key: string }) => l.key)).toEqual(['sa', 'sa-2'])
  })
})

describe('update', () => {
  it('renames a key, moves the default, sets a landing page on the website', async () => {
    const p = await server.program()
    const partner = await makePartner(server, p.key, { key: 'd1' })
    await link(server, p.key, { key: 'd2', partner: { id: partner.id } })
    const renamed = await server.put('/v1/partner_referral_links/d2', { key: p.key, body: { key: 'd2-renamed', default: true, url: 'https://shop.example.com/pricing' } })
    expect(renamed.status, renamed.text).toBe(200)
    expect(renamed.json.data).toMatchObject({ id: 'd2-renamed', default: true, url: 'https://shop.example.com/pricing?aff=d2-renamed' })
    expect((await server.get('/v1/partner_referral_links/d1', { key: p.key })).json.data.default).toBe(false)
    const got = (await server.get(`/v1/partners/${partner.id}`, { key: p.key })).json.data
    expect(got.referral_link).toBe('https://shop.example.com/pricing?aff=d2-renamed')
    expect((await server.get('/v1/partner_referral_links/d2', { key: p.key })).status).toBe(404)
  })

  it('accepts a PUT that changes nothing', async () => {
    const p = await server.program()
    await makePartner(server, p.key, { key: 'still' })
    const res = await server.put('/v1/partner_referral_links/still', { key: p.key, body: { unrelated: true } })
    expect(res.status).toBe(200)
    expect(res.json.data.key).toBe('still')
  })
})

describe('delete', () => {
  it('deletes a link; deleting the default hands the default to the oldest other link', async () => {
    const p = await server.program()
    const partner = await makePartner(server, p.key, { key: 'x1' })
    await link(server, p.key, { key: 'x2', partner: { id: partner.id } })
    await link(server, p.key, { key: 'x3', partner: { id: partner.id } })
    expect((await server.delete('/v1/partner_referral_links/x3', { key: p.key })).json).toEqual({ status: 1 })
    expect((await server.delete('/v1/partner_referral_links/x1', { key: p.key })).json).toEqual({ status: 1 })
    const left = (await server.get(`/v1/partners/${partner.id}/referral_links`, { key: p.key })).json.data
    expect(left.map((l: { key: string; default: boolean }) => [l.key, l.default])).toEqual([['x2', true]])
  })
})

describe('domains and link styles', () => {
  it('lists the website (id null) and the additional domains, and builds links on them', async () => {
    const p = await server.program({ website: 'https://yourcompany.com' })
    await server.put('/v1/program', { key: p.key, body: { additional_domains: ['Shop2.Example.com', 'promo.example.org'] } })
    const domains = await server.get('/v1/partner_referral_links:domains', { key: p.key })
    expect(domains.json.meta.per_page).toBe(10)
    expect(domains.json.data).toEqual([
      { id: null, domain: 'yourcompany.com', url: 'https://yourcompany.com?aff=', is_additional: false },
      { id: expect.any(Number), domain: 'shop2.example.com', url: 'https://shop2.example.com?aff=', is_additional: true },
      { id: expect.any(Number), domain: 'promo.example.org', url: 'https://promo.example.org?aff=', is_additional: true },
    ])
    const partner = await makePartner(server, p.key)
    const onShop2 = await link(server, p.key, { key: 'on-shop2', partner: { id: partner.id }, domain_id: domains.json.data[1].id, is_additional: true })
    expect(onShop2.json.data).toMatchObject({ url: 'https://shop2.example.com?aff=on-shop2', is_additional: true })
    // removing a domain moves its links back to the website
    await server.put('/v1/program', { key: p.key, body: { additional_domains: ['promo.example.org'] } })
    expect((await server.get('/v1/partner_referral_links/on-shop2', { key: p.key })).json.data.url).toBe('https://yourcompany.com?aff=on-shop2')
  })

  it('follows the program\'s referral parameter and link style', async () => {
    const p = await server.program({ website: 'https://yourcompany.com' })
    const partner = await makePartner(server, p.key, { key: 'styled' })
    await server.put('/v1/program', { key: p.key, body: { program_settings: { referral_param: 'partner' } } })
    expect((await server.get(`/v1/partners/${partner.id}`, { key: p.key })).json.data.referral_link).toBe('https://yourcompany.com?partner=styled')
    await server.put('/v1/program', { key: p.key, body: { program_settings: { referral_param: 'aff', referral_link_style: 'path' } } })
    expect((await server.get(`/v1/partners/${partner.id}`, { key: p.key })).json.data.referral_link).toBe('https://yourcompany.com/aff/styled')
    expect((await server.get('/v1/partner_referral_links:domains', { key: p.key })).json.data[0].url).toBe('https://yourcompany.com/aff/')
  })

  it('falls back to the tracking redirect when the program has no website', async () => {
    const p = await server.program({ website: undefined })
    const partner = await makePartner(server, p.key, { key: 'nosite' })
    expect(partner.referral_link).toBe(`${server.url}/r/nosite`)
  })
})
