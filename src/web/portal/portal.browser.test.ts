// The partner portal in a real Chromium against a real server, with real mail (an SMTP server in
// this process, fed by the mail job): the whole journey from applying to a payout request, the
// sign-in links, passwordless sign-in, forms without JavaScript, axe-core on every page, hostile
// names that must stay text, no request to another host, and the README's screenshots
// (PARTNERKIT_SCREENSHOTS=1 writes docs/screenshots/portal-*.png).
import { createHash } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser, BrowserContext, BrowserContextOptions, Page } from 'playwright-core'
import type { TestServer } from '../../../test/support/server.js'
import type { Mailbox, ReceivedMail } from '../../../test/support/mailbox.js'
import { NO_BROWSER } from '../../../test/support/browser.js'
import { startMailBrowser, type MailBrowser } from '../../../test/support/mail-browser.js'
import { axeViolations, screenshot as shoot, watchedContext, watchedForScript } from '../../../test/support/page-checks.js'
import { partnerWithPassword } from '../../../test/support/portal.js'
import { makeCustomer, makeSale } from '../../../test/support/sales.js'
import { PNG } from '../../../test/support/upload.js'
import type { mailJob } from '../../mail/job.js'
import { setLogo } from '../../modules/programs/logo.js'


const HOSTILE_NAME = '<script>window.__x=1</script><img src=x onerror="window.__x=2">'
const HOSTILE_SURNAME = `"'><svg onload=window.__x=3>`
const HOSTILE_PROGRAM = `<script>window.__x=4</script>"'><img src=x onerror=window.__x=5>`
const HOSTILE_EMAIL = `"'><img/src=x/onerror=window.__x=6>@example.com`
const HOSTILE_TEXT = `</td></tr></table><script>window.__x=7</script><svg/onload=window.__x=8>`

type Program = { id: number; publicId: string; key: string }

let server: TestServer
let mailbox: Mailbox
let job: ReturnType<typeof mailJob>
let browser: Browser
/** Every request any page of this file made, and every script error or policy violation it met. */
const requests: string[] = []
const problems: string[] = []
let sequence = 0

function newContext(options: BrowserContextOptions = {}): Promise<BrowserContext> {
  return watchedContext(browser, server.url, requests, problems, options)
}

const at = (program: Program, path = '') => `${server.url}/portal/${program.publicId}${path}`

/** Runs the mail job and answers the mail to `to` that `match` accepts. */
async function mailTo(to: string, match: (mail: ReceivedMail) => boolean): Promise<ReceivedMail> {
  await job.runOnce()
  return mailbox.waitFor(to, match)
}

function linkIn(mail: ReceivedMail, path: string): string {
  const found = new RegExp(`https?://\\S+/portal/[A-Z0-9]+/${path}/[A-Za-z0-9_-]+`).exec(mail.text)?.[0]
  if (!found) throw new Error(`no /${path}/ link in the mail: ${mail.text}`)
  return found
}

async function mintSignInUrl(program: Program, partnerId: string): Promise<string> {
  const res = await server.post('/v1/partners:sign-in-url', { key: program.key, body: { id: partnerId } })
  expect(res.status, res.text).toBe(200)
  return res.json.data.url as string
}

/** Signs the page's context in with a one-use link minted through the API; answers the dashboard's text. */
async function signInByUrl(page: Page, program: Program, partnerId: string): Promise<string> {
  await page.goto(await mintSignInUrl(program, partnerId))
  expect(new URL(page.url()).pathname).toBe(`/portal/${program.publicId}/`)
  return page.textContent('main') as Promise<string>
}

async function partnerIdOf(program: Program, email: string): Promise<string> {
  const row = await server.store.db.selectFrom('partners').select('public_id')
    .where('program_id', '=', program.id).where('email_lower', '=', email.toLowerCase()).executeTakeFirstOrThrow()
  return row.public_id
}

async function programWith(settings: { program_settings?: Record<string, unknown>; portal_settings?: Record<string, unknown> }, name?: string) {
  const program = await server.program(name ? { name } : {})
  if (settings.program_settings || settings.portal_settings) {
    const res = await server.put('/v1/program', { key: program.key, body: settings })
    expect(res.status, res.text).toBe(200)
  }
  return program
}

/** A partner (made through the API) with a referred customer and a $200.00 sale: $60.00 payable. */
async function partnerWithSale(program: Program, fields: Record<string, unknown> = {}) {
  const made = await partnerWithPassword(server, program.key, fields)
  sequence += 1
  const customer = `cust-${sequence}`
  await makeCustomer(server, program.key, { key: customer, email: `buyer${sequence}@example.com`, name: 'Sam', surname: 'Buyer', partner: { id: made.partner.id } })
  await makeSale(server, program.key, { key: `sale-${sequence}`, amount: 200, action: 'sale', customer: { key: customer } })
  return made
}

const screenshot = (page: Page, name: string) => shoot(page, `portal-${name}`)

// Without Debian's chromium package (which .ci/run installs) there is no browser to drive: skipped.
describe.skipIf(NO_BROWSER)('the partner portal in Chromium', () => {
  let world: MailBrowser | undefined
  beforeAll(async () => {
    world = await startMailBrowser('partners@acme.example')
    ;({ server, mailbox, job, browser } = world)
  }, 120_000)
  afterAll(() => world?.close())

  it('applies, confirms the address from the mail, signs in, sees a sale, copies a link, sets PayPal and requests a payout', async () => {
    const program = await server.program({ name: 'Acme Partners' })
    const email = 'dana.rivera@example.com'
    const context = await newContext()
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: server.url })
    const page = await context.newPage()
    try {
      await page.goto(at(program, '/sign-in'))
      await expect.poll(() => page.textContent('h1')).toBe('Sign in to Acme Partners')
      await screenshot(page, 'sign-in')

      await page.getByRole('link', { name: 'Apply to become a partner' }).click()
      await page.getByLabel('Your name').fill('Dana Rivera')
      await page.getByLabel('Email', { exact: true }).fill(email)
      await page.getByLabel('Password', { exact: true }).fill('Secret123')
      await page.getByRole('button', { name: 'Apply' }).click()
      await page.waitForURL(/\/sign-in\?notice=applied$/)
      expect(await page.textContent('.notice')).toContain('Confirm your email address with the link we sent you.')

      // Not yet: the password works once the address is confirmed.
      await page.getByLabel('Email', { exact: true }).fill(email)
      await page.getByLabel('Password', { exact: true }).fill('Secret123')
      await page.getByRole('button', { name: 'Sign in' }).click()
      expect(await page.textContent('.notice.error')).toBeTruthy()
      expect(await page.getByRole('button', { name: 'Send the link again' }).count()).toBe(1)

      const mail = await mailTo(email, (m) => m.subject === 'Confirm your email address for Acme Partners')
      expect(mail.text).toContain('Hi Dana Rivera')
      await page.goto(linkIn(mail, 'verify'))
      await page.waitForURL(/\/sign-in\?notice=verified$/)
      expect(await page.textContent('.notice')).toBe('Your email address is confirmed.')

      await page.getByLabel('Email', { exact: true }).fill(email)
      await page.getByLabel('Password', { exact: true }).fill('Secret123')
      await page.getByRole('button', { name: 'Sign in' }).click()
      await page.waitForURL(at(program, '/'))
      expect(await page.textContent('h1')).toBe('Welcome, Dana Rivera')
      expect(await page.textContent('main')).toContain('Nothing yet.')

      // A sale through the API, by a customer the partner referred.
      const partnerId = await partnerIdOf(program, email)
      await makeCustomer(server, program.key, { key: 'journey-customer', email: 'buyer@example.com', name: 'Sam', partner: { id: partnerId } })
      await makeSale(server, program.key, { key: 'journey-sale', amount: 200, action: 'sale', customer: { key: 'journey-customer' } })
      await page.reload()
      const figures = page.locator('dl.figures')
      await expect.poll(() => figures.locator('div', { hasText: 'Payable' }).textContent()).toBe('Payable$60.00')
      expect(await figures.locator('div', { hasText: 'Revenue' }).textContent()).toBe('Revenue$200.00')
      const recent = page.locator('#recent tbody tr')
      expect(await recent.count()).toBe(1)
      expect(await recent.first().textContent()).toContain('30% of a $200.00 sale')
      expect(await recent.first().textContent()).toContain('$60.00')
      await screenshot(page, 'dashboard')

      await page.getByRole('link', { name: 'Links' }).click()
      await page.waitForURL(at(program, '/links'))
      const link = (await page.textContent('#site-0'))?.trim()
      expect(link).toMatch(/^https:\/\/shop\.example\.com\/?\?aff=[A-Za-z0-9_-]+$/)
      await page.getByRole('button', { name: "Copy: On the shop's site" }).first().click()
      await expect.poll(() => page.textContent('#copy-status')).toBe('Copied to the clipboard.')
      expect(await page.textContent('button[data-copy="site-0"]')).toBe('Copied')
      expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(link)
      await screenshot(page, 'links')

      await page.getByRole('link', { name: 'Commissions' }).click()
      await page.waitForURL(at(program, '/commissions'))
      const row = page.locator('table tbody tr').first()
      expect(await row.textContent()).toContain('journey-sale')
      expect(await row.textContent()).toContain('$60.00')
      expect(await row.textContent()).toContain('Approved')
      await screenshot(page, 'commissions')

      await page.getByRole('link', { name: 'Payouts' }).click()
      await page.waitForURL(at(program, '/payouts'))
      expect(await page.locator('dl.figures div', { hasText: 'Payable now' }).textContent()).toBe('Payable now$60.00')
      expect(await page.textContent('main')).toContain('No payout method yet')
      await page.locator('summary', { hasText: 'PayPal' }).click()
      await page.getByLabel('PayPal email').fill('dana.pays@example.com')
      await page.getByRole('button', { name: 'Pay me by PayPal' }).click()
      await page.waitForURL(/\/payouts\?notice=method-saved$/)
      expect(await page.textContent('.notice')).toBe('Your payout method is saved.')
      expect(await page.textContent('main')).toContain('Payouts go by PayPal.')
      expect(await page.getByLabel('PayPal email').inputValue()).toBe('dana.pays@example.com')
      expect(await page.textContent('main')).toContain('No payouts yet.')

      await page.getByRole('button', { name: 'Request a payout' }).click()
      await page.waitForURL(/\/payouts\?notice=payout-requested$/)
      expect(await page.textContent('.notice')).toContain('Your payout request is in.')
      const history = page.locator('table tbody tr')
      expect(await history.count()).toBe(1)
      const cells = await history.first().locator('td').allTextContents()
      expect(cells.slice(1, 4)).toEqual(['$60.00', 'PayPal', 'Requested'])
      // While it is open the program takes no second request: the page does not offer one.
      expect(await page.getByRole('button', { name: 'Request a payout' }).count()).toBe(0)
      expect(await page.textContent('section[aria-labelledby="ask"]')).toContain('Your payout request 1 of $60.00 is requested')
      await screenshot(page, 'payouts')

      // The merchant sees the same request, to the PayPal address the partner chose.
      const listed = await server.get('/v1/payout_requests', { key: program.key })
      expect(listed.status, listed.text).toBe(200)
      expect(JSON.stringify(listed.json.data)).toContain('dana.pays@example.com')
    } finally {
      await context.close()
    }
  }, 120_000)

  it('signs in once with a minted sign-in URL, and says when a link was used, replaced or ran out', async () => {
    const program = await server.program({ name: 'Link Partners' })
    const { partner } = await partnerWithPassword(server, program.key, { name: 'Lin' })
    const context = await newContext()
    const page = await context.newPage()
    try {
      const url = await mintSignInUrl(program, partner.id)
      const first = await page.goto(url)
      expect(first?.status()).toBe(200)
      expect(page.url()).toBe(at(program, '/'))
      expect(await page.textContent('h1')).toBe('Welcome, Lin')

      const again = await page.goto(url)
      expect(again?.status()).toBe(410)
      expect(await page.textContent('h1')).toBe('Link no longer works')
      expect(await page.textContent('main')).toContain('This link was used already.')

      const older = await mintSignInUrl(program, partner.id)
      const newer = await mintSignInUrl(program, partner.id)
      const replaced = await page.goto(older)
      expect(replaced?.status()).toBe(410)
      expect(await page.textContent('main')).toContain('A newer link replaced this one.')

      // Running out without waiting: the stored link's end moves into the past.
      const token = newer.slice(newer.lastIndexOf('/') + 1)
      const moved = await server.store.db.updateTable('sign_in_tokens').set({ expires_at: Date.now() - 1_000 })
        .where('token_hash', '=', createHash('sha256').update(token).digest('hex')).executeTakeFirst()
      expect(Number(moved.numUpdatedRows)).toBe(1)
      const expired = await page.goto(newer)
      expect(expired?.status()).toBe(410)
      expect(await page.textContent('main')).toContain('This link ran out.')
    } finally {
      await context.close()
    }
  })

  it('signs in without a password: a code from the mail typed on the page, and the link from another mail', async () => {
    const program = await programWith({ portal_settings: { passwordless_login_enabled: true } }, 'Code Partners')
    const shown = await server.get('/v1/program', { key: program.key })
    expect(shown.json.data.portal_settings.passwordless_login_enabled).toBe(true)
    const { email } = await partnerWithPassword(server, program.key, { name: 'Cody' })
    const ask = async (page: Page) => {
      await page.goto(at(program, '/sign-in'))
      const form = page.getByRole('form', { name: 'Email me a sign-in code' })
      await form.getByLabel('Email', { exact: true }).fill(email)
      await form.getByRole('button', { name: 'Email me a code' }).click()
      await page.waitForURL(/\/sign-in\/code\?/)
      expect(await page.textContent('.notice')).toContain('a sign-in code is on its way')
      expect(await page.getByLabel('Email', { exact: true }).inputValue()).toBe(email)
    }
    const codeMail = (m: ReceivedMail) => /^\d{6} is your sign-in code for Code Partners$/.test(m.subject)

    const context = await newContext()
    const page = await context.newPage()
    const other = await newContext()
    const second = await other.newPage()
    try {
      await ask(page)
      const first = await mailTo(email, codeMail)
      const code = first.subject.slice(0, 6)
      expect(first.text).toContain(code)
      await page.getByLabel('Code from the mail').fill(code)
      await page.getByRole('button', { name: 'Sign in' }).click()
      await page.waitForURL(at(program, '/'))
      expect(await page.textContent('h1')).toBe('Welcome, Cody')

      await ask(second)
      await job.runOnce()
      await expect.poll(() => mailbox.to(email).filter(codeMail).length).toBe(2)
      const link = linkIn(mailbox.to(email).filter(codeMail)[1] as ReceivedMail, 'sign-in')
      await second.goto(link)
      expect(second.url()).toBe(at(program, '/'))
      expect(await second.textContent('h1')).toBe('Welcome, Cody')
    } finally {
      await context.close()
      await other.close()
    }
  })

  it('works without JavaScript: signs in and saves a payout method through plain forms', async () => {
    const program = await server.program({ name: 'Plain Partners' })
    const { email, password } = await partnerWithPassword(server, program.key, { name: 'Noa' })
    const context = await newContext({ javaScriptEnabled: false })
    const page = await context.newPage()
    try {
      await page.goto(at(program, '/payouts'))
      await page.waitForURL(/\/sign-in\?next=%2Fpayouts$/)
      await page.getByLabel('Email', { exact: true }).fill(email)
      await page.getByLabel('Password', { exact: true }).fill(password)
      await page.getByRole('button', { name: 'Sign in' }).click()
      await page.waitForURL(at(program, '/payouts'))
      expect(await page.textContent('h1')).toBe('Payouts')

      await page.locator('summary', { hasText: 'Wise' }).click()
      await page.getByLabel('Account holder name').fill('Noa Plain')
      await page.getByLabel('Wise email').fill('noa@wise.example')
      await page.getByRole('button', { name: 'Pay me by Wise' }).click()
      await page.waitForURL(/\/payouts\?notice=method-saved$/)
      expect(await page.textContent('.notice')).toBe('Your payout method is saved.')
      expect(await page.textContent('main')).toContain('Payouts go by Wise.')
      const saved = await server.store.db.selectFrom('partners').select('payout').where('program_id', '=', program.id)
        .where('email_lower', '=', email.toLowerCase()).executeTakeFirstOrThrow()
      const method = typeof saved.payout === 'string' ? JSON.parse(saved.payout) : saved.payout
      expect(method).toEqual({ gateway: 'wise', settings: { name: 'Noa Plain', email: 'noa@wise.example' } })
    } finally {
      await context.close()
    }
  })

  it('has no serious or critical axe-core violation, and a label of its own for every field, on any portal page', async () => {
    const program = await programWith({ portal_settings: { passwordless_login_enabled: true } }, 'Axe Partners')
    const waiting = await programWith({ program_settings: { partner_auto_approve: false } }, 'Waiting Partners')
    const { email, partner } = await partnerWithSale(program, { name: 'Ada' })
    await server.post(`/v1/partners/${partner.id}/reward`, { key: program.key, body: { amount: 5, description: 'Launch week' } })
    // The page loads its script from this server only (script-src 'self'); axe comes in as an
    // inline script, which the policy would refuse, so this context lets the test's own script in.
    const context = await newContext({ bypassCSP: true })
    const page = await context.newPage()
    const found: string[] = []
    const check = async (path: string, program_: Program = program, status = 200) => {
      const res = await page.goto(at(program_, path))
      expect(res?.status(), path).toBe(status)
      found.push(...await axeViolations(page, `${program_.publicId}${path}`))
    }
    try {
      // Signed out.
      await check('/sign-in')
      await check('/sign-in', waiting)
      await check('/apply')
      await check('/forgot-password')
      await page.getByLabel('Email', { exact: true }).fill(email)
      await page.getByRole('button', { name: 'Email me a link' }).click()
      await page.waitForURL(/notice=reset-sent/)
      const reset = linkIn(await mailTo(email, (m) => m.text.includes('/reset-password/')), 'reset-password')
      await check(new URL(reset).pathname.replace(`/portal/${program.publicId}`, ''))
      await check(`/sign-in/code?email=${encodeURIComponent(email)}`)
      // A form the server sent back with its messages.
      await page.goto(at(program, '/apply'))
      await page.getByLabel('Your name').fill('Weak')
      await page.getByLabel('Email', { exact: true }).fill('weak@example.com')
      await page.getByLabel('Password', { exact: true }).fill('alllowercase')
      await page.getByRole('button', { name: 'Apply' }).click()
      await expect.poll(() => page.textContent('.notice.error')).toBe('Some answers need another look.')
      expect(await page.getByLabel('Password', { exact: true }).getAttribute('aria-invalid')).toBe('true')
      found.push(...await axeViolations(page, 'apply with errors'))
      await check('/sign-in/not-a-real-link', program, 404)

      // Signed in, with a sale, a bonus, a saved method and a payout in the history.
      await signInByUrl(page, program, partner.id)
      await check('/')
      await check('/links')
      await check('/links?page=https://shop.example.com/pricing')
      await check('/referrals')
      await check('/commissions')
      await check('/payouts')
      await page.locator('summary', { hasText: 'PayPal' }).click()
      await page.getByLabel('PayPal email').fill('ada@example.com')
      await page.getByRole('button', { name: 'Pay me by PayPal' }).click()
      await page.waitForURL(/notice=method-saved/)
      await page.getByRole('button', { name: 'Request a payout' }).click()
      await page.waitForURL(/notice=payout-requested/)
      found.push(...await axeViolations(page, 'payouts with a request'))
      await check('/profile')

      // A partner still waiting for approval.
      const pending = await partnerWithPassword(server, waiting.key, { name: 'Pen' })
      const status = await server.get(`/v1/partners/${pending.partner.id}`, { key: waiting.key })
      expect(status.json.data.status).toBe('pending')
      await page.goto(at(waiting, '/sign-in'))
      await page.getByLabel('Email', { exact: true }).fill(pending.email)
      await page.getByLabel('Password', { exact: true }).fill(pending.password)
      await page.getByRole('button', { name: 'Sign in' }).click()
      await page.waitForURL(at(waiting, '/'))
      expect(await page.textContent('h1')).toBe('Your application is in')
      found.push(...await axeViolations(page, 'pending dashboard'))
    } finally {
      await context.close()
    }
    expect(found, `accessibility problems:\n${found.join('\n')}`).toEqual([])
  }, 120_000)

  it('shows hostile names as text on every page and runs none of them', async () => {
    const program = await server.program({ name: HOSTILE_PROGRAM })
    // Shows referred customers' whole addresses (not settable through the API yet): the hostile
    // address then reaches the page unmasked.
    const stored = await server.store.db.selectFrom('programs').select('settings').where('id', '=', program.id).executeTakeFirstOrThrow()
    const settings = (typeof stored.settings === 'string' ? JSON.parse(stored.settings) : stored.settings ?? {}) as { portal?: Record<string, unknown> }
    await server.store.db.updateTable('programs').set({ settings: JSON.stringify({ ...settings, portal: { ...settings.portal, show_customer_emails: true } }) })
      .where('id', '=', program.id).execute()
    const { partner } = await partnerWithPassword(server, program.key, { name: HOSTILE_NAME, surname: HOSTILE_SURNAME })
    await makeCustomer(server, program.key, { key: 'hostile-customer', email: HOSTILE_EMAIL, name: HOSTILE_NAME, surname: HOSTILE_SURNAME, partner: { id: partner.id } })
    await makeSale(server, program.key, { key: 'hostile-sale', amount: 100, action: 'sale', customer: { key: 'hostile-customer' } })
    const bonus = await server.post(`/v1/partners/${partner.id}/reward`, { key: program.key, body: { amount: 5, description: HOSTILE_TEXT } })
    expect(bonus.status, bonus.text).toBe(201)

    // The policy refuses inline script anyway; bypassing it here tests the escaping on its own.
    const context = await newContext({ bypassCSP: true })
    const { page, ran, dialogs } = await watchedForScript(context)
    const visit = async (path: string, status = 200) => {
      const res = await page.goto(at(program, path))
      expect(res?.status(), path).toBe(status)
      expect(ran, `hostile text ran as script on ${path}`).toEqual([])
      expect(dialogs, path).toEqual([])
      expect(await page.textContent('header .name'), path).toBe(HOSTILE_PROGRAM)
      expect(await page.title(), path).toContain(HOSTILE_PROGRAM)
      expect(await page.evaluate(() => document.querySelectorAll('main script, main img, main svg[onload], header script, header img').length), path).toBe(0)
      return (await page.textContent('body')) as string
    }
    try {
      // Signed out, with hostile text in the query and the path as well.
      expect(await visit(`/sign-in?next=${encodeURIComponent(HOSTILE_TEXT)}`)).toContain(`Sign in to ${HOSTILE_PROGRAM}`)
      expect(await page.locator('input[name="next"]').inputValue()).toBe(HOSTILE_TEXT)
      await visit(`/sign-in/code?email=${encodeURIComponent(HOSTILE_EMAIL)}`)
      expect(await page.getByLabel('Email', { exact: true }).inputValue()).toBe(HOSTILE_EMAIL)
      expect(await visit('/apply')).toContain(`Become a partner of ${HOSTILE_PROGRAM}`)
      await visit('/forgot-password')
      await visit(`/reset-password/${encodeURIComponent(HOSTILE_SURNAME)}`)

      await signInByUrl(page, program, partner.id)
      const dashboard = await visit('/')
      expect(dashboard).toContain(`Welcome, ${HOSTILE_NAME}`)
      expect(dashboard).toContain(`Bonus: ${HOSTILE_TEXT}`)
      await visit('/links')
      await visit(`/links?page=${encodeURIComponent(`https://shop.example.com/${HOSTILE_TEXT}`)}`)
      await visit(`/links?page=${encodeURIComponent(HOSTILE_TEXT)}`)
      const referrals = await visit('/referrals')
      expect(referrals).toContain(`${HOSTILE_NAME} ". · ${HOSTILE_EMAIL}`)
      expect(await visit('/commissions')).toContain(`Bonus: ${HOSTILE_TEXT}`)
      await visit('/payouts')
      // A payout method with a hostile account name (an email field takes only what the browser
      // accepts as an address, so the name carries the payload).
      await page.locator('summary', { hasText: 'Wise' }).click()
      await page.getByLabel('Account holder name').fill(HOSTILE_NAME)
      await page.getByLabel('Wise email').fill('hostile@wise.example')
      await page.getByRole('button', { name: 'Pay me by Wise' }).click()
      await page.waitForURL(/notice=method-saved/)
      expect(await page.getByLabel('Account holder name').inputValue()).toBe(HOSTILE_NAME)
      await visit('/payouts')
      await visit('/profile')
      expect(await page.getByLabel('First name').inputValue()).toBe(HOSTILE_NAME)
      expect(await page.getByLabel('Last name').inputValue()).toBe(HOSTILE_SURNAME)
      // A name saved through the portal's own form comes back as the same text.
      await page.getByLabel('First name').fill(HOSTILE_TEXT)
      await page.getByRole('button', { name: 'Save' }).first().click()
      await page.waitForURL(/notice=profile-saved/)
      expect(await page.getByLabel('First name').inputValue()).toBe(HOSTILE_TEXT)
      expect(await visit('/')).toContain(`Welcome, ${HOSTILE_TEXT}`)
    } finally {
      await context.close()
    }
    expect(ran, 'hostile text ran as script').toEqual([])
    expect(dialogs).toEqual([])
  }, 120_000)

  it('draws the program\'s logo in the header, loaded under the page\'s policy, and the page stays accessible', async () => {
    const program = await server.program({ name: 'Drawn Shop' })
    await setLogo(server.store.db, program.id, PNG)
    const context = await newContext()
    const audit = await newContext({ bypassCSP: true })
    try {
      const page = await context.newPage()
      expect((await page.goto(at(program, '/sign-in')))?.status()).toBe(200)
      const logo = page.locator('header a.name img.logo')
      // Drawn: fetched and decoded (an image the policy refused, or a broken one, has no width).
      expect(await logo.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth)).toBe(1)
      expect(await page.locator('header a.name').textContent()).toBe('Drawn Shop')
      expect(requests.some((url) => url.endsWith(`/portal/${program.publicId}/logo-${createHash('sha256').update(PNG).digest('hex')}.png`))).toBe(true)
      // The last test of this file finds any policy violation the image caused; axe's script needs the policy set aside.
      const audited = await audit.newPage()
      await audited.goto(at(program, '/sign-in'))
      expect(await axeViolations(audited, 'sign-in with a logo')).toEqual([])
    } finally {
      await context.close()
      await audit.close()
    }
  }, 30_000)

  it('never asks another host for anything, on any page, and meets no script error or policy violation', async () => {
    const program = await programWith({ portal_settings: { passwordless_login_enabled: true } }, 'Local Partners')
    const { partner } = await partnerWithSale(program, { name: 'Lou' })
    // With the policy bypassed a reference to another host would be fetched, not just refused, so
    // it shows here; the other tests' contexts (policy on) are recorded too.
    const context = await newContext({ bypassCSP: true })
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: server.url })
    const page = await context.newPage()
    try {
      for (const path of ['/sign-in', '/apply', '/forgot-password', '/reset-password/x', '/sign-in/code?email=a@example.com']) await page.goto(at(program, path))
      await signInByUrl(page, program, partner.id)
      for (const path of ['/', '/links?page=https://shop.example.com/a', '/referrals', '/commissions', '/payouts', '/profile']) await page.goto(at(program, path))
      await page.goto(at(program, '/links'))
      await page.locator('button[data-copy]').first().click()
      await expect.poll(() => page.textContent('#copy-status')).toBe('Copied to the clipboard.')
    } finally {
      await context.close()
    }
    const host = new URL(server.url).host
    const elsewhere = requests.filter((url) => !url.startsWith('data:') && new URL(url).host !== host)
    expect(requests.length).toBeGreaterThan(50)
    expect(requests.some((url) => /\/assets\/portal\.[0-9a-f]+\.js$/.test(url))).toBe(true)
    expect(elsewhere).toEqual([])
    expect(problems).toEqual([])
  })
})
