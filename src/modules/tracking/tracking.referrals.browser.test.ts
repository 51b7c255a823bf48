// Referrals as a visitor's browser makes them, on a merchant's site served as shop.test (not
// localhost): a stale or mistyped ?aff= never wipes a valid referral, subdomains of the program
// website are its own, and a page the server refuses hears why in the console.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser, BrowserContext } from 'playwright-core'
import { startServer, type TestServer } from '../../../test/support/server.js'
import { makePartner } from '../../../test/support/partners.js'
import { BROWSER, partnerClicks } from '../../../test/support/visits.js'
import { NO_BROWSER, launchBrowser, serveShop, waitFor, type Shop } from '../../../test/support/browser.js'

let server: TestServer
let shop: Shop
let port: number
let browser: Browser
let api: string
let program: { publicId: string; key: string }
describe.skipIf(NO_BROWSER)('referrals in Chromium on shop.test', () => {
  beforeAll(async () => {
    server = await startServer()
    api = server.url.replace('127.0.0.1', 'partners.test')
    shop = await serveShop(api, () => program.publicId)
    port = shop.port
    program = await server.program({ website: `http://shop.test:${port}` })
    browser = await launchBrowser()
  }, 60_000)
  afterAll(async () => {
    await browser?.close()
    await shop?.close()
    await server?.close()
  })

  const visitor = () => browser.newContext({ userAgent: BROWSER })
  const cookie = async (context: BrowserContext, host: string, name: string) =>
    (await context.cookies(`http://${host}:${port}`)).find((c) => c.name === name)?.value
  const signUp = async (context: BrowserContext, url: string, email: string) => {
    const page = await context.newPage()
    await page.goto(url)
    // The snippet has replaced the loader's queueing stub (which has a q).
    await page.waitForFunction('typeof window.po === "function" && !window.po.q')
    await page.fill('input[name=full_name]', 'Ann Buyer')
    await page.fill('input[name=email]', email)
    await Promise.all([page.waitForURL(/\/thanks/), page.click('button')])
    return waitFor(() => server.get(`/v1/customers/${email}`, { key: program.key }), (r) => r.status === 200)
  }

  it('keeps bob when a later ?aff= is mistyped, and credits the sign-up to bob', async () => {
    const bob = await makePartner(server, program.key, { key: 'bob' })
    const context = await visitor()
    const page = await context.newPage()
    await page.goto(`http://shop.test:${port}/?aff=bob`)
    const click = await waitFor(() => cookie(context, 'shop.test', 'partnero_click'), (v) => v !== undefined)
    expect(await cookie(context, 'shop.test', 'partnero_partner')).toBe('bob')

    // The snippet asks the server about "typo", which names no partner.
    const asked = page.waitForResponse((r) => r.url().endsWith('/t/click'))
    await page.goto(`http://shop.test:${port}/?aff=typo`)
    expect((await (await asked).json()).data).toMatchObject({ counted: false, reason: 'unknown_key', key_active: false })

    // Even signing up on a page whose own URL carries the typo.
    // A sign-up waits for the page's own answer about its key, so afterwards the cookies are final.
    const customer = await signUp(context, `http://shop.test:${port}/signup?aff=typo`, 'ann.typo@example.com')
    expect(customer.json.data).toMatchObject({ partner: bob.id })
    expect(await cookie(context, 'shop.test', 'partnero_partner')).toBe('bob')
    expect(await cookie(context, 'shop.test', 'partnero_click')).toBe(click)
    const why = (await server.get('/v1/customers/ann.typo@example.com/attribution', { key: program.key })).json.data
    expect(why.click?.id).toBe(click)
    await context.close()
  }, 60_000)

  it('keeps a first key at once and drops it when the server says it names no partner', async () => {
    const context = await visitor()
    const page = await context.newPage()
    const asked = page.waitForResponse((r) => r.url().endsWith('/t/click'))
    await page.goto(`http://shop.test:${port}/?aff=nobody-here`)
    await asked
    expect(await waitFor(() => cookie(context, 'shop.test', 'partnero_partner'), (v) => v === undefined)).toBeUndefined()
    await context.close()
  }, 60_000)

  it('treats www.shop.test as the program\'s own: cookie, click and sign-up', async () => {
    const cleo = await makePartner(server, program.key, { key: 'cleo' })
    const context = await visitor()
    const page = await context.newPage()
    await page.goto(`http://www.shop.test:${port}/?aff=cleo`)
    expect(await waitFor(() => partnerClicks(server, program.key, cleo.id), (n) => n === 1)).toBe(1)
    expect(await waitFor(() => cookie(context, 'www.shop.test', 'partnero_partner'), (v) => v !== undefined)).toBe('cleo')
    const customer = await signUp(context, `http://www.shop.test:${port}/signup`, 'www.buyer@example.com')
    expect(customer.json.data).toMatchObject({ partner: cleo.id })
    await context.close()
  }, 60_000)

  it('says in the console why it does nothing on a site that is not the program\'s', async () => {
    await makePartner(server, program.key, { key: 'dan' })
    const context = await visitor()
    const page = await context.newPage()
    const warnings: string[] = []
    page.on('console', (message) => { if (message.type() === 'warning') warnings.push(message.text()) })
    await page.goto(`http://other.test:${port}/?aff=dan`)
    const warned = await waitFor(async () => warnings, (w) => w.length > 0)
    expect(warned.join('\n')).toMatch(/Partnerkit: This page's host \(other\.test\) is not one of the program's domains/)
    expect(await cookie(context, 'other.test', 'partnero_partner')).toBeUndefined()
    await context.close()
  }, 60_000)
})
