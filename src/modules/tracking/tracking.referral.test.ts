// Refer-a-friend tracking (issue 22): a customer's link counts clicks on the customer, sets the
// `partnero_referral` cookie with `?ref=`, and the snippet's sign-up makes the visitor that
// customer's referred friend; first-click attribution keeps the first referrer.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startServer, type TestServer } from '../../../test/support/server.js'
import { BROWSER, click, visitor } from '../../../test/support/visits.js'

let server: TestServer
beforeAll(async () => {
  server = await startServer()
})
afterAll(() => server.close())

let shops = 0
async function rafShop(settings: Record<string, unknown> = {}) {
  shops += 1
  const host = `raf${shops}.example.com`
  const p = await server.program({ type: 'referral', website: `https://${host}` })
  if (Object.keys(settings).length > 0) expect((await server.put('/v1/program', { key: p.key, body: { program_settings: settings } })).status).toBe(200)
  return { ...p, host }
}

describe('a refer-a-friend customer\'s link', () => {
  it('redirects with ?ref=, sets partnero_referral, and counts the click on the customer', async () => {
    const p = await rafShop()
    await server.post('/v1/customers', { key: p.key, body: { id: 'ann', key: 'ann_ref' } })
    const res = await click(server, '/r/ann_ref', { host: `go.${p.host}` })
    expect(res.status).toBe(302)
    expect(res.headers.location).toBe(`https://${p.host}/?ref=ann_ref`)
    expect((res.headers['set-cookie'] as string[])[0]).toMatch(new RegExp(`^partnero_referral=ann_ref; Max-Age=\\d+; Path=/; SameSite=Lax; Domain=${p.host}$`))
    expect((await server.get('/v1/customers/ann/stats', { key: p.key })).json.data.clicks).toBe(1)
    const settings = await server.get(`/t/programs/${p.publicId}`)
    expect(settings.json.data).toMatchObject({ type: 'referral', param: 'ref', cookie: 'partnero_referral', attribution: 'last_click' })
  })

  it('makes the snippet\'s sign-up a referred friend, by the cookie\'s key or else by the click id', async () => {
    const p = await rafShop()
    await server.post('/v1/customers', { key: p.key, body: { id: 'bea', key: 'bea_ref' } })
    const signup = await server.post('/t/signup', {
      body: { program: p.publicId, partner_key: 'bea_ref', customer: { email: 'friend@buyer.example', name: 'Fi' } }, headers: { 'user-agent': BROWSER },
    })
    expect(signup.status, signup.text).toBe(202)
    const friend = await server.get('/v1/customers/friend@buyer.example', { key: p.key })
    expect(friend.json.data).toMatchObject({ id: 'friend@buyer.example', name: 'Fi', referring_customer: { id: 'bea' } })
    const reported = await server.post('/t/click', { body: { program: p.publicId, key: 'bea_ref' }, headers: { 'user-agent': visitor(3) } })
    const byClick = await server.post('/t/signup', {
      body: { program: p.publicId, partner_key: 'stale_key', click_id: reported.json.data.click_id, customer: { key: 'second' } }, headers: { 'user-agent': visitor(3) },
    })
    expect(byClick.status).toBe(202)
    expect((await server.get('/v1/customers/second', { key: p.key })).json.data.referring_customer).toMatchObject({ id: 'bea' })
    // Nobody's referral: no customer (a refer-a-friend customer with no referrer is the merchant's to make).
    await server.post('/t/signup', { body: { program: p.publicId, partner_key: 'nobody', customer: { key: 'third' } } })
    expect((await server.get('/v1/customers/third', { key: p.key })).status).toBe(404)
    expect((await server.get('/v1/customers/bea', { key: p.key })).json.data.referrals_count).toBe(2)
  })

  it('keeps the first referrer\'s cookie under first-click attribution, and replaces it under last-click', async () => {
    const first = await rafShop({ referral_attribution: 'first_click' })
    const last = await rafShop()
    for (const p of [first, last]) {
      await server.post('/v1/customers', { key: p.key, body: { id: 'one', key: `one_${p.id}` } })
      await server.post('/v1/customers', { key: p.key, body: { id: 'two', key: `two_${p.id}` } })
    }
    const again = (p: typeof first) => click(server, `/r/two_${p.id}`, { host: `go.${p.host}`, cookie: `partnero_referral=one_${p.id}`, 'user-agent': visitor(7) })
    const kept = await again(first)
    expect(kept.status).toBe(302)
    expect(kept.headers['set-cookie']).toBeUndefined()
    const replaced = await again(last)
    expect((replaced.headers['set-cookie'] as string[])[0]).toMatch(new RegExp(`^partnero_referral=two_${last.id};`))
    // A cookie whose escapes are not text is no referral: the visitor still goes on (never a 500).
    const garbled = await click(server, `/r/two_${first.id}`, { host: `go.${first.host}`, cookie: 'partnero_referral=%E0%A4%A', 'user-agent': visitor(8) })
    expect(garbled.status).toBe(302)
    // The click counts either way: it happened.
    expect((await server.get('/v1/customers/two/stats', { key: first.key })).json.data.clicks).toBe(2)
  })
})
