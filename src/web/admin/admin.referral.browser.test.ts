// The admin of a refer-a-friend program in a real Chromium against a real server: axe-core on its
// customers, customer, dashboard and Rewards pages; hostile customer names that must stay text; the
// rewards preview that follows the form as it is typed, and that works by its button without
// JavaScript, as crediting a balance does; no request to another host, no policy violation.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser, BrowserContext, BrowserContextOptions, Page } from 'playwright-core'
import { startServer, type TestServer } from '../../../test/support/server.js'
import { NO_BROWSER, launchBrowser } from '../../../test/support/browser.js'
import { axeViolations, screenshot as shoot, watchedContext, watchedForScript } from '../../../test/support/page-checks.js'
import { addMember } from '../../modules/users/service.js'
import { mintSignInUrl } from '../../modules/users/sign-in.js'

const HOSTILE = '<script>window.__x=1</script>"><img src=x onerror=window.__x=2>'

type Program = { id: number; publicId: string; key: string }

let server: TestServer
let browser: Browser
let program: Program
const requests: string[] = []
const problems: string[] = []
let sequence = 0

const newContext = (options: BrowserContextOptions = {}): Promise<BrowserContext> => watchedContext(browser, server.url, requests, problems, options)
const at = (path = '') => `${server.url}/admin${path}`
const screenshot = (page: Page, name: string) => shoot(page, `admin-${name}`)

async function signIn(page: Page, role: 'owner' | 'admin' | 'viewer'): Promise<void> {
  sequence += 1
  const { user } = await addMember(server.store.db, program.id, { email: `raf-member${sequence}@example.com`, role }, null)
  const { url } = await mintSignInUrl(server.store.db, user.id, program.id, server.url)
  await page.goto(url)
  expect(new URL(page.url()).pathname).toBe('/admin')
}

async function customer(body: Record<string, unknown>) {
  const made = await server.post('/v1/customers', { key: program.key, body })
  expect(made.status, made.text).toBe(201)
}

const rules = async () => (await server.get('/v1/program', { key: program.key })).json.data.program_settings.referral_rewards

describe.skipIf(NO_BROWSER)('the admin of a refer-a-friend program in Chromium', () => {
  beforeAll(async () => {
    server = await startServer()
    browser = await launchBrowser()
    program = await server.program({ type: 'referral', currency: 'USD', name: 'Friends Shop' })
    await customer({ id: 'ann', key: 'ann-ref', email: 'ann@example.com', name: 'Ann' })
    await customer({ id: 'bob', email: 'bob@example.com', name: HOSTILE, referring_customer: { id: 'ann' } })
    expect((await server.post('/v1/transactions', { key: program.key, body: { key: 's1', amount: 120, customer: { id: 'bob' } } })).status).toBe(201)
  }, 120_000)
  afterAll(async () => {
    await browser?.close()
    await server?.close()
  })

  it('passes axe on every page of its own, and hostile names stay text', async () => {
    // axe is injected as a script, which the pages' policy refuses; without the policy, only escaping keeps the names text.
    const context = await newContext({ bypassCSP: true })
    const { page, ran, dialogs } = await watchedForScript(context)
    const found: string[] = []
    try {
      await signIn(page, 'admin')
      for (const path of ['', '/customers', '/customers?referred=referred', '/customers/ann', '/customers/bob', '/settings', '/settings/rewards']) {
        await page.goto(at(path))
        expect(await page.title(), path).not.toContain('not found')
        found.push(...await axeViolations(page, path || '/'))
      }
      await page.goto(at('/customers/ann'))
      await screenshot(page, 'raf-customer')
      // A refused credit: the message on the form, and axe on that page too.
      await page.getByLabel('Amount', { exact: true }).fill('999')
      await page.getByRole('button', { name: 'Credit balance' }).click()
      await expect.poll(() => page.locator('#f-amount-error').textContent()).toContain('more than the customer\'s balance')
      found.push(...await axeViolations(page, '/customers/ann/credit (refused)'))
    } finally {
      await context.close()
    }
    expect(found, `accessibility problems:\n${found.join('\n')}`).toEqual([])
    expect(ran).toEqual([])
    expect(dialogs).toEqual([])
  }, 120_000)

  it('previews the reward rules as they are typed and saves them; previews, adds a row and credits without JavaScript', async () => {
    const context = await newContext()
    const page = await context.newPage()
    try {
      await signIn(page, 'admin')
      await page.goto(at('/settings/rewards'))
      const preview = page.locator('#preview')
      await expect.poll(() => preview.textContent()).toContain('A first sale of $100.00 by the 1st friend a customer referred earns the referrer $10.00 and the friend nothing.')
      await page.getByLabel('Rule 1: value', { exact: true }).fill('25')
      await page.getByLabel('Rule 2: who earns', { exact: true }).selectOption('friend')
      await page.getByLabel('Rule 2: value', { exact: true }).fill('5')
      await page.getByLabel('A sale of (USD)').fill('40')
      // The script posts the form to the preview as it changes: the rules not yet saved show.
      await expect.poll(() => preview.textContent()).toContain('A first sale of $40.00 by the 1st friend a customer referred earns the referrer $25.00 and the friend $5.00.')
      await screenshot(page, 'raf-rewards')
      await page.getByRole('button', { name: 'Save' }).click()
      await page.waitForURL(/notice=settings-saved/)
      expect((await rules()).map((r: { side: string; value: string }) => [r.side, r.value])).toEqual([['referrer', '25.00'], ['friend', '5.00']])
    } finally {
      await context.close()
    }
    const plain = await newContext({ javaScriptEnabled: false })
    const still = await plain.newPage()
    try {
      await signIn(still, 'viewer')
      await still.goto(at('/settings/rewards'))
      await still.getByLabel('Rule 1: value', { exact: true }).fill('12')
      await still.getByRole('button', { name: 'Preview' }).click()
      await still.waitForURL(/\/settings\/rewards\/preview$/)
      expect(await still.locator('#preview').textContent()).toContain('earns the referrer $12.00 and the friend $5.00.')
      await still.getByRole('button', { name: 'Add a row' }).click()
      await still.waitForURL(/\/settings\/rewards\/preview$/)
      expect(await still.locator('#f-value-3').count()).toBe(1)
      expect((await rules()).map((r: { value: string }) => r.value)).toEqual(['25.00', '5.00'])
    } finally {
      await plain.close()
    }
    const credit = await newContext({ javaScriptEnabled: false })
    const form = await credit.newPage()
    try {
      await signIn(form, 'admin')
      await form.goto(at('/customers/ann'))
      await form.getByLabel('Amount', { exact: true }).fill('4')
      await form.getByRole('button', { name: 'Credit balance' }).click()
      await form.waitForURL(/notice=balance-credited/)
      expect(await form.locator('#balance').textContent()).toContain('$6.00')
    } finally {
      await credit.close()
    }
  }, 120_000)

  it('asked no other host and met no script error or policy violation', () => {
    const host = new URL(server.url).host
    expect(requests.filter((url) => !url.startsWith('data:') && new URL(url).host !== host)).toEqual([])
    expect(requests.length).toBeGreaterThan(10)
    expect(problems).toEqual([])
  })
})
