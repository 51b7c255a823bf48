// A referring customer's page in a real Chromium (issue 22): signing in with the mailed code (real
// mail through an SMTP server in this process), copying the link, inviting a friend, axe-core on
// every page, every form without JavaScript, hostile names that stay text, and no request to
// another host.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser, BrowserContextOptions } from 'playwright-core'
import type { TestServer } from '../../../test/support/server.js'
import type { Mailbox } from '../../../test/support/mailbox.js'
import { NO_BROWSER } from '../../../test/support/browser.js'
import { startMailBrowser, type MailBrowser } from '../../../test/support/mail-browser.js'
import { axeViolations, watchedContext, watchedForScript } from '../../../test/support/page-checks.js'
import type { mailJob } from '../../mail/job.js'

const HOSTILE_NAME = '<script>window.__x=1</script><img src=x onerror="window.__x=2">'
const HOSTILE_PROGRAM = `<script>window.__x=4</script>"'><img src=x onerror=window.__x=5>`

let server: TestServer
let mailbox: Mailbox
let job: ReturnType<typeof mailJob>
let browser: Browser
const requests: string[] = []
const problems: string[] = []

const newContext = (options: BrowserContextOptions = {}) => watchedContext(browser, server.url, requests, problems, options)

describe.skipIf(NO_BROWSER)('a referring customer\'s page in Chromium', () => {
  let p: { id: number; publicId: string; key: string }
  let world: MailBrowser | undefined
  beforeAll(async () => {
    world = await startMailBrowser('hello@cafe.example')
    ;({ server, mailbox, job, browser } = world)
    p = await server.program({ type: 'referral', name: HOSTILE_PROGRAM })
    await server.post('/v1/customers', { key: p.key, body: { id: 'ann', key: 'ann_ref', email: 'ann@example.com', name: HOSTILE_NAME } })
    await server.post('/v1/customers', { key: p.key, body: { id: 'bob', email: 'bob@example.com', name: HOSTILE_NAME, surname: HOSTILE_NAME, referring_customer: { id: 'ann' } } })
    await server.post('/v1/transactions', { key: p.key, body: { key: 'b1', amount: 30, customer: { id: 'bob' } } })
  }, 120_000)
  afterAll(() => world?.close())

  it('signs in with the mailed code, copies the link, invites a friend; no payload runs', async () => {
    const context = await newContext()
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: server.url })
    const { page, ran, dialogs } = await watchedForScript(context)
    try {
      await page.goto(`${server.url}/refer/${p.publicId}/sign-in`)
      await page.getByLabel('Email', { exact: true }).fill('ann@example.com')
      await page.getByRole('button', { name: 'Email me a code' }).click()
      await page.waitForURL(/\/sign-in\/code\?/)
      await job.runOnce()
      const mail = await mailbox.waitFor('ann@example.com', (m) => /sign-in code/i.test(m.subject) || /\d{6}/.test(m.text))
      const code = /\b(\d{6})\b/.exec(mail.text)?.[1] as string
      await page.getByLabel('Code from the mail').fill(code)
      await page.getByRole('button', { name: 'Sign in' }).click()
      await page.waitForURL(new RegExp(`/refer/${p.publicId}/$`))
      expect(await page.textContent('#my-link')).toBe('https://shop.example.com?ref=ann_ref')
      expect(await page.textContent('main')).toContain('$10.00')
      await page.getByRole('button', { name: 'Copy: Share this link' }).click()
      await expect.poll(() => page.evaluate(() => navigator.clipboard.readText())).toBe('https://shop.example.com?ref=ann_ref')
      await page.getByLabel('Their email addresses').fill('cleo@example.com')
      await page.getByRole('button', { name: 'Send invitations' }).click()
      await page.waitForURL(/notice=invited$/)
      await job.runOnce()
      const invitation = await mailbox.waitFor('cleo@example.com', () => true)
      expect(invitation.text).toContain('https://shop.example.com?ref=ann_ref')
      expect(ran).toEqual([])
      expect(dialogs).toEqual([])
    } finally {
      await context.close()
    }
    expect(problems).toEqual([])
    expect(requests.filter((url) => !url.startsWith(server.url))).toEqual([])
  })

  it('has no serious accessibility violation on any of its pages (axe-core)', async () => {
    // axe is a script of its own: the page's policy would refuse it.
    const context = await newContext({ bypassCSP: true })
    const page = await context.newPage()
    const found: string[] = []
    try {
      await page.goto(`${server.url}/refer/${p.publicId}/sign-in`)
      found.push(...await axeViolations(page, 'sign-in'))
      await page.goto(`${server.url}/refer/${p.publicId}/sign-in/code?email=ann%40example.com`)
      found.push(...await axeViolations(page, 'code'))
      const minted = await server.post('/v1/customers:sign-in-url', { key: p.key, body: { id: 'ann' } })
      await page.goto(minted.json.data.url)
      found.push(...await axeViolations(page, 'home'))
      await page.getByLabel('Their email addresses').fill('not an address')
      await page.getByRole('button', { name: 'Send invitations' }).click()
      found.push(...await axeViolations(page, 'home with an error'))
    } finally {
      await context.close()
    }
    expect(found).toEqual([])
  })

  it('works without JavaScript: a merchant\'s sign-in link, the page, an invitation', async () => {
    const context = await newContext({ javaScriptEnabled: false })
    const page = await context.newPage()
    try {
      const minted = await server.post('/v1/customers:sign-in-url', { key: p.key, body: { email: 'ann@example.com' } })
      await page.goto(minted.json.data.url)
      await page.waitForURL(new RegExp(`/refer/${p.publicId}/$`))
      await page.getByLabel('Their email addresses').fill('dora@example.com')
      await page.getByRole('button', { name: 'Send invitations' }).click()
      await page.waitForURL(/notice=invited$/)
      expect(await page.textContent('.notice')).toContain('Your invitations are on their way.')
      await page.getByRole('button', { name: 'Sign out' }).click()
      await page.waitForURL(/\/sign-in\?notice=signed-out$/)
    } finally {
      await context.close()
    }
  })
})
