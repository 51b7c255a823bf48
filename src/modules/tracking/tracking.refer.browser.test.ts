// The snippet in a refer-a-friend program, in Chromium (issue 22): `?ref=KEY` sets the
// `partnero_referral` cookie; under first-click attribution a second customer's link counts its
// click but leaves the first referrer's cookie; the sign-up form makes the visitor that first
// customer's referred friend.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser } from 'playwright-core'
import type { TestServer } from '../../../test/support/server.js'
import { BROWSER } from '../../../test/support/visits.js'
import { NO_BROWSER, startShopWorld, waitFor, type ShopWorld } from '../../../test/support/browser.js'

let server: TestServer
let browser: Browser

describe.skipIf(NO_BROWSER)('the snippet of a refer-a-friend program in Chromium', () => {
  let world: ShopWorld | undefined
  let program: ShopWorld['program']
  let shopUrl: string
  beforeAll(async () => {
    world = await startShopWorld({ input: { type: 'referral' } })
    ;({ server, browser, program } = world)
    shopUrl = `http://localhost:${world.shop.port}`
    const put = await server.put('/v1/program', { key: program.key, body: { program_settings: { referral_attribution: 'first_click' } } })
    expect(put.status, put.text).toBe(200)
  }, 60_000)
  afterAll(() => world?.close())

  it('keeps the first referrer under first-click attribution, and makes the sign-up its friend', async () => {
    for (const id of ['ann', 'bob']) await server.post('/v1/customers', { key: program.key, body: { id, key: `${id}_ref` } })
    const context = await browser.newContext({ userAgent: BROWSER })
    const page = await context.newPage()
    const clicksOf = async (id: string) => (await server.get(`/v1/customers/${id}/stats`, { key: program.key })).json.data.clicks as number
    await page.goto(`${shopUrl}/?ref=ann_ref`)
    await waitFor(() => clicksOf('ann'), (n) => n === 1)
    await page.goto(`${shopUrl}/?ref=bob_ref`)
    expect(await waitFor(() => clicksOf('bob'), (n) => n === 1)).toBe(1)
    const cookies = await context.cookies(shopUrl)
    expect(cookies.find((c) => c.name === 'partnero_referral')?.value).toBe('ann_ref')

    await page.goto(`${shopUrl}/signup`)
    await page.fill('input[name=full_name]', 'Friend Visitor')
    await page.fill('input[name=email]', 'friend.visitor@example.com')
    await Promise.all([page.waitForURL(/\/thanks/), page.click('button')])
    const friend = await waitFor(() => server.get('/v1/customers/friend.visitor@example.com', { key: program.key }), (r) => r.status === 200)
    expect(friend.json.data).toMatchObject({ name: 'Friend Visitor', referring_customer: { id: 'ann' } })
    await context.close()
  }, 60_000)
})
