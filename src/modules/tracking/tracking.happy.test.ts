// Referral clicks end to end through HTTP: the redirect, the cookie, what counts, and the calls
// the snippet makes from the merchant's pages.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startServer, type TestServer } from '../../../test/support/server.js'
import { makePartner } from '../../../test/support/partners.js'
import { BROWSER, click, partnerClicks, programClicks, visitor } from '../../../test/support/visits.js'

let server: TestServer
beforeAll(async () => {
  server = await startServer()
})
afterAll(() => server.close())

let shops = 0
/** A program on a website of its own (the tests share one server). */
async function shop(settings: Record<string, unknown> = {}) {
  shops += 1
  const host = `shop${shops}.example.com`
  const p = await server.program({ website: `https://${host}` })
  if (Object.keys(settings).length > 0) {
    const res = await server.put('/v1/program', { key: p.key, body: { program_settings: settings } })
    expect(res.status, res.text).toBe(200)
  }
  return { ...p, host }
}

describe('GET /r/{key}', () => {
  it('counts the click, redirects to the website with the key, and sets the cookie on the shared domain', async () => {
    const p = await shop({ cookie_lifetime: 45 })
    const partner = await makePartner(server, p.key, { key: 'anna_ref' })
    const res = await click(server, '/r/anna_ref', { host: `go.${p.host}` })
    expect(res.status).toBe(302)
    expect(res.headers.location).toBe(`https://${p.host}/?aff=anna_ref`)
    expect(res.headers['cache-control']).toBe('no-store')
    const cookies = res.headers['set-cookie'] as string[]
    expect(cookies[0]).toBe(`partnero_partner=anna_ref; Max-Age=${45 * 86400}; Path=/; SameSite=Lax; Domain=${p.host}`)
    expect(cookies[1]).toMatch(new RegExp(`^partnero_click=clk_\\d+; Max-Age=${45 * 86400}; Path=/; SameSite=Lax; Domain=${p.host}$`))
    expect(await partnerClicks(server, p.key, partner.id)).toBe(1)
    expect(await programClicks(server, p.key)).toBe(1)
  })

  it('counts a visitor once an hour per link, and every visitor apart', async () => {
    const p = await shop()
    const partner = await makePartner(server, p.key, { key: 'ben_ref' })
    for (let i = 0; i < 3; i++) expect((await click(server, '/r/ben_ref')).status).toBe(302)
    expect(await partnerClicks(server, p.key, partner.id)).toBe(1)
    for (const n of [1, 2, 3]) await click(server, '/r/ben_ref', { 'user-agent': visitor(n) })
    expect(await partnerClicks(server, p.key, partner.id)).toBe(4)
    expect(await programClicks(server, p.key)).toBe(4)
  })

  it('counts the visitor again once the hour is over', async () => {
    const p = await shop()
    const partner = await makePartner(server, p.key, { key: 'cleo_ref' })
    await click(server, '/r/cleo_ref')
    // Move the visitor's last counted click back past the window.
    await server.store.db.updateTable('clicks').set({ counted_at: Date.now() - 3601_000 }).where('program_id', '=', p.id).execute()
    await click(server, '/r/cleo_ref')
    expect(await partnerClicks(server, p.key, partner.id)).toBe(2)
    const rows = await server.store.db.selectFrom('clicks').select(['count']).where('program_id', '=', p.id).execute()
    expect(rows.map((r) => Number(r.count))).toEqual([2])
  })

  it('does not count bots, link previews, HEAD requests or an empty user agent, but still redirects them', async () => {
    const p = await shop()
    const partner = await makePartner(server, p.key, { key: 'dora_ref' })
    for (const agent of ['Googlebot/2.1 (+http://www.google.com/bot.html)', 'facebookexternalhit/1.1', 'Slackbot-LinkExpanding 1.0', 'curl/8.5.0', '']) {
      const res = await click(server, '/r/dora_ref', { 'user-agent': agent })
      expect(res.status, agent).toBe(302)
      expect(res.headers.location).toBe(`https://${p.host}/?aff=dora_ref`)
    }
    const head = await server.request('HEAD', '/r/dora_ref', { headers: { 'user-agent': BROWSER } })
    expect(head.status).toBe(302)
    expect(await partnerClicks(server, p.key, partner.id)).toBe(0)
    expect(await programClicks(server, p.key)).toBe(0)
  })

  it('sends an unknown key to the program website without counting anything', async () => {
    const p = await shop()
    const res = await click(server, `/r/nobody-here?program=${p.publicId}`)
    expect(res.status).toBe(302)
    expect(res.headers.location).toBe(`https://${p.host}/`)
    expect(res.headers['set-cookie']).toBeUndefined()
    expect(await programClicks(server, p.key)).toBe(0)
    // Without ?program=, the host the visitor asked for names the program.
    const byHost = await click(server, '/r/nobody-here', { host: p.host })
    expect(byHost.headers.location).toBe(`https://${p.host}/`)
  })

  it('tells a visitor in a page, never in JSON, that a key no program uses is unknown, however many programs there are', async () => {
    await shop()
    await shop()
    for (const path of ['/r/no-program-uses-this', '/aff/no-program-uses-this']) {
      const res = await click(server, path, { host: 'tracking.elsewhere.example' })
      expect(res.status, path).toBe(404)
      expect(res.headers['content-type']).toMatch(/^text\/html/)
      expect(res.text).toContain('This referral link is not known')
      expect(res.text).not.toContain('several')
    }
  })

  it('follows the link: its landing page, its additional domain, its own redirect URL', async () => {
    const p = await shop()
    await makePartner(server, p.key, { key: 'eve_ref' })
    expect((await server.put('/v1/program', { key: p.key, body: { additional_domains: [`eve.${p.host}`] } })).status).toBe(200)
    const domains = (await server.get('/v1/partner_referral_links:domains', { key: p.key })).json.data
    const domainId = domains.find((d: { domain: string }) => d.domain === `eve.${p.host}`).id
    const linkTo = async (body: Record<string, unknown>) => {
      const res = await server.post('/v1/partner_referral_links', { key: p.key, body: { partner: { key: 'eve_ref' }, ...body } })
      expect(res.status, res.text).toBe(201)
    }
    await linkTo({ key: 'eve_landing', url: `https://${p.host}/pricing` })
    await linkTo({ key: 'eve_redirect', direct_tracking: true, direct_tracking_redirect: true, direct_tracking_redirect_url: `https://${p.host}/welcome?x=1` })
    expect((await click(server, '/r/eve_landing')).headers.location).toBe(`https://${p.host}/pricing?aff=eve_landing`)
    expect((await click(server, '/r/eve_redirect')).headers.location).toBe(`https://${p.host}/welcome?x=1&aff=eve_redirect`)
    await linkTo({ key: 'eve_domain', domain_id: domainId, is_additional: true })
    expect((await click(server, '/r/eve_domain')).headers.location).toBe(`https://eve.${p.host}/?aff=eve_domain`)
  })

  it('answers the path form /{param}/{key} with the program\'s own parameter', async () => {
    const p = await shop({ referral_param: 'via' })
    const partner = await makePartner(server, p.key, { key: 'finn_ref' })
    const res = await click(server, '/via/finn_ref')
    expect(res.status).toBe(302)
    expect(res.headers.location).toBe(`https://${p.host}/?via=finn_ref`)
    expect(await partnerClicks(server, p.key, partner.id)).toBe(1)
    // A path no program uses stays an unknown route.
    const unknown = await click(server, '/nope/finn_ref')
    expect(unknown.status).toBe(404)
    expect(unknown.json.code).toBe('not_found')
  })

  it('tells keys shared by two programs apart by ?program= or by host', async () => {
    const a = await shop()
    const b = await shop()
    const pa = await makePartner(server, a.key, { key: 'shared_key' })
    const pb = await makePartner(server, b.key, { key: 'shared_key' })
    const viaHint = await click(server, `/r/shared_key?program=${b.publicId}`)
    expect(viaHint.headers.location, viaHint.text).toBe(`https://${b.host}/?aff=shared_key`)
    expect((await click(server, '/r/shared_key', { host: `go.${a.host}`, 'user-agent': visitor(9) })).headers.location).toBe(`https://${a.host}/?aff=shared_key`)
    // Named by neither, a visitor gets a page in words, not JSON.
    const ambiguous = await click(server, '/r/shared_key', { 'user-agent': visitor(10) })
    expect(ambiguous.status).toBe(400)
    expect(ambiguous.headers['content-type']).toMatch(/^text\/html/)
    expect(ambiguous.text).toContain('used by several shops')
    expect(await partnerClicks(server, b.key, pb.id)).toBe(1)
    expect(await partnerClicks(server, a.key, pa.id)).toBe(1)
  })
})

describe('the snippet\'s calls', () => {
  it('reads the program\'s settings, reports a click and a sign-up, from the program\'s own pages', async () => {
    const p = await shop({ cookie_lifetime: 60 })
    const partner = await makePartner(server, p.key, { key: 'gus_ref' })
    const origin = `https://www.${p.host}`
    expect((await server.put('/v1/program', { key: p.key, body: { additional_domains: [`www.${p.host}`] } })).status).toBe(200)
    const settings = await server.get(`/t/programs/${p.publicId}`, { headers: { origin } })
    expect(settings.status, settings.text).toBe(200)
    expect(settings.json.data).toEqual({ type: 'affiliate', param: 'aff', style: 'query', cookie: 'partnero_partner', cookie_lifetime: 60, attribution: 'last_click' })
    expect(settings.headers['access-control-allow-origin']).toBe(origin)

    // The snippet posts text/plain (no CORS preflight); JSON works as well.
    const reported = await server.post('/t/click', {
      body: JSON.stringify({ program: p.publicId, key: 'gus_ref' }), headers: { origin, 'content-type': 'text/plain', 'user-agent': BROWSER },
    })
    expect(reported.status, reported.text).toBe(200)
    expect(reported.json.data).toEqual({ click_id: expect.stringMatching(/^clk_\d+$/), counted: true, reason: null, key_active: true })
    expect(reported.headers['access-control-allow-origin']).toBe(origin)
    expect(await partnerClicks(server, p.key, partner.id)).toBe(1)

    const signup = await server.post('/t/signup', {
      body: { program: p.publicId, partner_key: 'gus_ref', customer: { key: 'cust_gus_1', email: 'jo@buyer.example', name: 'Jo', tags: ['trial'] } },
      headers: { origin, 'user-agent': BROWSER },
    })
    expect(signup.status, signup.text).toBe(202)
    expect(signup.json).toEqual({ status: 1 })
    const customer = await server.get('/v1/customers/cust_gus_1', { key: p.key })
    expect(customer.json.data).toMatchObject({ key: 'cust_gus_1', partner: partner.id, email: 'jo@buyer.example', tags: [{ value: 'trial' }] })
    // The same visitor's click is the one on record.
    const why = await server.get('/v1/customers/cust_gus_1/attribution', { key: p.key })
    expect(why.json.data).toMatchObject({ attributed: true, partner: partner.id, link: { key: 'gus_ref' }, click: { id: reported.json.data.click_id }, self_referral: false, earns_commission: true })
    expect(why.json.data.reason).toContain('gus_ref')
  })

  it('says why a click was not counted, and whether its key names an active partner', async () => {
    const p = await shop()
    const partner = await makePartner(server, p.key, { key: 'why_ref' })
    await makePartner(server, p.key, { key: 'why_gone' }).then((gone) => server.post(`/v1/partners/${gone.id}/archive`, { key: p.key }))
    const report = async (key: string, agent: string) =>
      (await server.post('/t/click', { body: { program: p.publicId, key }, headers: { 'user-agent': agent } })).json.data
    expect(await report('why_ref', visitor(40))).toMatchObject({ counted: true, reason: null, key_active: true })
    expect(await report('why_ref', visitor(40))).toMatchObject({ counted: false, reason: 'duplicate_within_hour', key_active: true })
    expect(await report('why_ref', 'HeadlessChrome/126.0 Safari/537.36')).toMatchObject({ counted: false, reason: 'bot', key_active: true })
    expect(await report('why_gone', visitor(41))).toMatchObject({ counted: false, reason: 'inactive_partner', key_active: false })
    expect(await report('why_not', visitor(42))).toMatchObject({ counted: false, reason: 'unknown_key', key_active: false })
    expect(await partnerClicks(server, p.key, partner.id)).toBe(1)
  })

  it('credits a sign-up by its click id when the key it carries names no partner (a stale or mistyped ?aff=)', async () => {
    const p = await shop()
    const partner = await makePartner(server, p.key, { key: 'kept_ref' })
    const clicked = await server.post('/t/click', { body: { program: p.publicId, key: 'kept_ref' }, headers: { 'user-agent': visitor(50) } })
    const clickId = clicked.json.data.click_id
    const signup = await server.post('/t/signup', {
      body: { program: p.publicId, partner_key: 'typo', click_id: clickId, customer: { email: 'kept@buyer.example' } }, headers: { 'user-agent': visitor(50) },
    })
    expect(signup.status).toBe(202)
    const why = (await server.get('/v1/customers/kept@buyer.example/attribution', { key: p.key })).json.data
    expect(why).toMatchObject({ partner: partner.id, click: { id: clickId } })
  })

  it('answers a sign-up the same way whether or not anything was created', async () => {
    const p = await shop()
    await makePartner(server, p.key, { key: 'hal_ref' })
    const send = (customer: Record<string, unknown>, partnerKey = 'hal_ref') =>
      server.post('/t/signup', { body: { program: p.publicId, partner_key: partnerKey, customer } })
    const first = await send({ email: 'taken@buyer.example' })
    const again = await send({ email: 'taken@buyer.example' })
    const unknownPartner = await send({ email: 'other@buyer.example' }, 'nobody')
    for (const res of [first, again, unknownPartner]) {
      expect(res.status).toBe(202)
      expect(res.text).toBe(first.text)
    }
    // The email doubled as the key; one customer, credited once.
    const list = await server.get('/v1/customers', { key: p.key })
    expect(list.json.data.map((c: { key: string }) => c.key)).toEqual(['taken@buyer.example'])
  })

  it('serves the snippet minified, gzipped under 5 kB, cacheable and revalidatable', async () => {
    const res = await server.get('/js/universal.js?v1763', { headers: { 'accept-encoding': 'gzip' } })
    expect(res.status).toBe(200)
    expect(res.headers['content-type']).toBe('application/javascript; charset=utf-8')
    expect(res.headers['content-encoding']).toBe('gzip')
    expect(Number(res.headers['content-length'])).toBeLessThan(5 * 1024)
    expect(res.headers['cache-control']).toBe('public, max-age=3600')
    const plain = await server.get('/js/universal.js')
    expect(plain.text).toContain('/t/signup')
    expect(plain.text.split('\n').length).toBeLessThan(5)
    const again = await server.get('/js/universal.js', { headers: { 'if-none-match': String(plain.headers.etag) } })
    expect(again.status).toBe(304)
  })
})

describe('attribution', () => {
  it('takes a click id in place of the partner key (server-side), within the cookie lifetime', async () => {
    const p = await shop({ cookie_lifetime: 7 })
    const partner = await makePartner(server, p.key, { key: 'ida_ref' })
    await server.post('/v1/partner_referral_links', { key: p.key, body: { partner: { key: 'ida_ref' }, key: 'ida_spring' } })
    const res = await click(server, '/r/ida_spring', { host: p.host })
    const clickId = /partnero_click=(clk_\d+)/.exec(String(res.headers['set-cookie']))?.[1]
    expect(clickId).toBeDefined()
    const made = await server.post('/v1/customers', { key: p.key, body: { key: 'cust_ida', email: 'ida-buyer@example.com', partner: { key: clickId } } })
    expect(made.status, made.text).toBe(201)
    expect(made.json.data.partner).toBe(partner.id)
    const why = (await server.get('/v1/customers/cust_ida/attribution', { key: p.key })).json.data
    expect(why).toMatchObject({ link: { key: 'ida_spring' }, click: { id: clickId } })
    // Past the cookie lifetime the click id credits nobody.
    await server.store.db.updateTable('clicks').set({ counted_at: Date.now() - 8 * 86_400_000 }).where('program_id', '=', p.id).execute()
    const late = await server.post('/v1/customers', { key: p.key, body: { key: 'cust_ida_2', partner: { key: clickId } } })
    expect(late.status).toBe(400)
    expect(late.json.message).toBe('Invalid partner key')
  })

  it('flags a self-referral (Gmail dots and +tags ignored), which earns nothing unless the program allows it', async () => {
    const p = await shop()
    const partner = await makePartner(server, p.key, { key: 'jay_ref', email: 'Jay.Partner@gmail.com' })
    await server.post('/v1/customers', { key: p.key, body: { key: 'jay_self', email: 'jaypartner+shop@googlemail.com', partner: { key: 'jay_ref' } } })
    await server.post('/v1/customers', { key: p.key, body: { key: 'jay_real', email: 'someone@else.example', partner: { key: 'jay_ref' } } })
    const sale = async (customer: string, key: string) =>
      (await server.post('/v1/transactions', { key: p.key, body: { key, amount: 100, customer: { key: customer } } })).json.data
    expect((await sale('jay_self', 'jay_t1')).rewards).toEqual([])
    expect((await sale('jay_real', 'jay_t2')).rewards).toHaveLength(1)
    const why = (await server.get('/v1/customers/jay_self/attribution', { key: p.key })).json.data
    expect(why).toMatchObject({ partner: partner.id, self_referral: true, earns_commission: false })
    expect(why.reason).toContain('self-referral')
    await server.put('/v1/program', { key: p.key, body: { program_settings: { reward_self_referrals: true } } })
    expect((await sale('jay_self', 'jay_t3')).rewards).toHaveLength(1)
  })
})
