// The snippet in a real browser (Debian's Chromium, driven by playwright-core): a merchant page on
// localhost includes it, a visitor arrives through ?aff=KEY, gets the cookie, signs up through an
// ordinary form, and the API shows the customer credited to the partner.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser } from 'playwright-core'
import type { TestServer } from '../../../test/support/server.js'
import { makePartner } from '../../../test/support/partners.js'
import { BROWSER } from '../../../test/support/visits.js'
import { NO_BROWSER, startShopWorld, waitFor, type ShopWorld } from '../../../test/support/browser.js'

let server: TestServer
let shopUrl: string
let browser: Browser

// Debian's chromium package provides the browser; .ci/run installs it. Without it there is nothing to drive.
describe.skipIf(NO_BROWSER)('the snippet in Chromium', () => {
  let world: ShopWorld | undefined
  let program: ShopWorld['program']
  beforeAll(async () => {
    world = await startShopWorld()
    ;({ server, browser, program } = world)
    shopUrl = `http://localhost:${world.shop.port}`
  }, 60_000)
  afterAll(() => world?.close())

  it('sets the cookie from ?aff=, counts the click, and credits the sign-up to the partner', async () => {
    const partner = await makePartner(server, program.key, { key: 'browser_ref' })
    // Headless Chromium names itself HeadlessChrome, which the bot filter rightly refuses to count.
    const context = await browser.newContext({ userAgent: BROWSER })
    const page = await context.newPage()
    await page.goto(`${shopUrl}/?aff=browser_ref`)
    const clicks = await waitFor(async () => (await server.get(`/v1/partners/${partner.id}`, { key: program.key })).json.data.referrals.clicks, (n) => n === 1)
    expect(clicks).toBe(1)
    const cookies = await waitFor(() => context.cookies(shopUrl), (all) => all.some((c) => c.name === 'partnero_click'))
    const referral = cookies.find((c) => c.name === 'partnero_partner')
    expect(referral).toMatchObject({ value: 'browser_ref', domain: 'localhost', path: '/', sameSite: 'Lax' })
    expect(referral?.expires).toBeGreaterThan(Date.now() / 1000 + 29 * 86400)

    // Later, on another page without the key in the URL: the cookie credits the sign-up.
    await page.goto(`${shopUrl}/signup`)
    await page.fill('input[name=full_name]', 'Browser Buyer')
    await page.fill('input[name=email]', 'browser.buyer@example.com')
    await Promise.all([page.waitForURL(/\/thanks/), page.click('button')])
    const customer = await waitFor(async () => (await server.get('/v1/customers/browser.buyer@example.com', { key: program.key })), (r) => r.status === 200)
    expect(customer.json.data).toMatchObject({ email: 'browser.buyer@example.com', name: 'Browser Buyer', partner: partner.id })
    const why = (await server.get('/v1/customers/browser.buyer@example.com/attribution', { key: program.key })).json.data
    expect(why.click?.id).toBe(cookies.find((c) => c.name === 'partnero_click')?.value)
    await context.close()
  }, 60_000)
})
