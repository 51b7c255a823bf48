// The merchant admin in a real Chromium against a real server: the merchant's journey from a
// sign-in link to a paid payout and its file, a viewer who is offered no change and whose forced
// POST is refused, axe-core on every admin page, hostile names that must stay text, forms without
// JavaScript, no request to another host, and the README's screenshots
// (PARTNERKIT_SCREENSHOTS=1 writes docs/screenshots/admin-*.png).
import { readFileSync } from 'node:fs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser, BrowserContext, BrowserContextOptions, Page } from 'playwright-core'
import { startServer, type TestServer } from '../../../test/support/server.js'
import { NO_BROWSER, launchBrowser } from '../../../test/support/browser.js'
import { axeViolations, screenshot as shoot, watchedContext, watchedForScript } from '../../../test/support/page-checks.js'
import { makePartner } from '../../../test/support/partners.js'
import { makeCustomer, makeSale } from '../../../test/support/sales.js'
import { PAYPAL, requestPayout } from '../../../test/support/payouts.js'
import { PNG } from '../../../test/support/upload.js'
import { runCli } from '../../../test/support/cli.js'
import { addMember } from '../../modules/users/service.js'
import { choosePassword, mintLink, mintSignInUrl } from '../../modules/users/sign-in.js'


const HOSTILE_SCRIPT = '<script>window.__x=1</script>'
const HOSTILE_IMG = '"><img src=x onerror=window.__x=2>'
const HOSTILE = `${HOSTILE_SCRIPT}${HOSTILE_IMG}`

type Program = { id: number; publicId: string; key: string }

let server: TestServer
let browser: Browser
/** Every request any page of this file made, and every script error or policy violation it met. */
const requests: string[] = []
const problems: string[] = []
let sequence = 0

function newContext(options: BrowserContextOptions = {}): Promise<BrowserContext> {
  return watchedContext(browser, server.url, requests, problems, { acceptDownloads: true, ...options })
}

const at = (path = '') => `${server.url}/admin${path}`

/** A member of the program with the role, signed in in the page through a one-time link (as `partnerkit users create` makes one; the journey runs the command itself). */
async function signIn(page: Page, program: Program, role: 'owner' | 'admin' | 'viewer' = 'owner'): Promise<number> {
  sequence += 1
  const { user } = await addMember(server.store.db, program.id, { email: `member${sequence}@example.com`, role }, null)
  const { url } = await mintSignInUrl(server.store.db, user.id, program.id, server.url)
  await page.goto(url)
  expect(new URL(page.url()).pathname).toBe('/admin')
  expect(await page.textContent('body')).toContain(`member${sequence}@example.com`)
  return user.id
}

async function programWith(name: string, settings?: Record<string, unknown>): Promise<Program> {
  const program = await server.program({ name })
  if (settings) {
    const res = await server.put('/v1/program', { key: program.key, body: { program_settings: settings } })
    expect(res.status, res.text).toBe(200)
  }
  return program
}

/** A program with every kind of thing an admin page lists: partners, a customer with a sale, a payout request, a webhook. */
async function furnished(name: string, names: { partner?: string; customer?: string; webhook?: string } = {}) {
  const program = await programWith(name)
  sequence += 1
  const partnerKey = `pk_${sequence}`
  const partner = await makePartner(server, program.key, { name: names.partner ?? 'Pat', surname: 'Partner', key: partnerKey })
  const customer = `cus_${sequence}`
  await makeCustomer(server, program.key, { key: customer, email: `buyer${sequence}@example.com`, name: names.customer ?? 'Sam', partner: { id: partner.id } })
  await makeSale(server, program.key, { key: `sale_${sequence}`, amount: 200, action: 'sale', customer: { key: customer } })
  const payout = await requestPayout(server, program.key, { partner: { key: partnerKey } })
  const hook = await server.post('/v1/webhooks', { key: program.key, body: { key: `hook_${sequence}`, name: names.webhook ?? 'CRM sync', url: 'https://hooks.example.com/in', events: ['partner.created'] } })
  expect(hook.status, hook.text).toBe(201)
  return { program, partner, customer, payout, hook: `hook_${sequence}` }
}

/** Every admin page of a furnished program. */
function pagesOf(f: Awaited<ReturnType<typeof furnished>>): string[] {
  return [
    '', '/partners', `/partners/${f.partner.id}`, '/customers', `/customers/${f.customer}`, '/leads', '/commissions',
    '/payouts', `/payouts/${f.payout.id}`, '/webhooks', `/webhooks/${f.hook}`, '/settings', '/settings/api-keys',
    '/settings/users', '/settings/audit', '/account', '/settings/program', '/settings/commission', '/settings/tracking', '/settings/portal',
    '/settings/stripe',
  ]
}

const screenshot = (page: Page, name: string) => shoot(page, `admin-${name}`)

/** What a viewer may post: it touches the viewer's own session or password, never the program. */
const VIEWER_FORMS = ['/admin/sign-out', '/admin/switch', '/admin/account/password', '/admin/account/sign-out-everywhere', '/admin/settings/commission/preview']

// Without Debian's chromium package (which .ci/run installs) there is no browser to drive: skipped.
describe.skipIf(NO_BROWSER)('the merchant admin in Chromium', () => {
  beforeAll(async () => {
    server = await startServer()
    browser = await launchBrowser()
  }, 120_000)
  afterAll(async () => {
    await browser?.close()
    await server?.close()
  })

  it('signs in through the link the CLI prints, approves a partner, records and refunds a sale, approves and pays a payout and downloads its file', async () => {
    const program = await programWith('Acme Shop', { partner_auto_approve: false })
    const partner = await makePartner(server, program.key, { name: 'Dana', surname: 'Rivera', key: 'dana', email: 'dana@example.com' })
    expect(partner.status).toBe('pending')
    const context = await newContext()
    const page = await context.newPage()
    try {
      // The owner's first sign-in: the one line `partnerkit users create` prints, opened in the browser.
      const cli = await runCli(['users', 'create', '--email', 'owner@acme.example', '--program', program.publicId], { ...server.testStore.env, PUBLIC_URL: server.url })
      expect(cli.code, cli.stderr).toBe(0)
      await page.goto(cli.stdout.trim())
      expect(new URL(page.url()).pathname).toBe('/admin')
      expect(await page.textContent('body')).toContain('owner@acme.example')
      expect(await page.textContent('body')).toContain('Acme Shop')
      await screenshot(page, 'dashboard')

      // The pending partner, approved from the list.
      await page.getByRole('link', { name: 'Partners' }).first().click()
      await page.waitForURL(at('/partners'))
      const row = page.locator('table tbody tr', { hasText: 'dana@example.com' })
      expect(await row.textContent()).toContain('Dana')
      await row.getByRole('button', { name: 'Approve' }).click()
      await page.waitForURL(/\/admin\/partners\?notice=partner-approved/)
      expect(await page.locator('.notice').first().textContent()).toBeTruthy()
      expect((await server.get(`/v1/partners/${partner.id}`, { key: program.key })).json.data.status).toBe('active')
      expect(await page.locator('table tbody tr', { hasText: 'dana@example.com' }).getByRole('button', { name: 'Approve' }).count()).toBe(0)
      await screenshot(page, 'partners')
      await page.goto(at(`/partners/${partner.id}`))
      expect(await page.textContent('h1')).toContain('Dana')
      await screenshot(page, 'partner')

      // A sale on the partner's customer, recorded on the customer's page, then part of it refunded.
      await makeCustomer(server, program.key, { key: 'cus_dana', email: 'buyer@example.com', name: 'Sam', partner: { id: partner.id } })
      await page.goto(at('/customers/cus_dana'))
      const sale = page.getByRole('form', { name: 'Record a sale' })
      await sale.getByLabel('Amount', { exact: true }).fill('200')
      await sale.getByLabel('Sale key (optional)').fill('order_1')
      await sale.getByRole('button', { name: 'Record the sale' }).click()
      await page.waitForURL(/\/admin\/customers\/cus_dana\?notice=sale-recorded$/)
      expect(await page.textContent('main')).toContain('order_1')
      const refund = page.getByRole('form', { name: 'Refund part of sale order_1' })
      await refund.getByLabel('Amount to refund').fill('50')
      await refund.getByRole('button', { name: 'Refund' }).click()
      await page.waitForURL(/\/admin\/customers\/cus_dana\?notice=sale-refunded$/)
      expect((await server.get('/v1/transactions/order_1', { key: program.key })).json.data.amount).toBe(150)

      // The partner asks to be paid; the merchant approves and pays it on the payouts pages.
      const payout = await requestPayout(server, program.key, { partner: { key: 'dana' } })
      expect(payout.amount).toBe(45)
      await page.goto(at('/payouts'))
      expect(await page.textContent('main')).toContain('$45.00')
      await screenshot(page, 'payouts')
      await page.getByRole('link', { name: `#${payout.id}` }).click()
      await page.waitForURL(at(`/payouts/${payout.id}`))
      await page.getByRole('button', { name: 'Approve' }).click()
      await page.waitForURL(/notice=payout-approved$/)
      await page.getByRole('button', { name: 'Mark as paid' }).click()
      await page.waitForURL(/notice=payout-paid$/)
      expect((await server.get(`/v1/payout_requests/${payout.id}`, { key: program.key })).json.data.status).toBe('finished')

      // The paid requests' PayPal file names the partner's PayPal address and the amount.
      await page.goto(at('/payouts'))
      const files = page.getByRole('form', { name: 'Download a mass payout file' })
      await files.getByLabel('Requests in status').selectOption('finished')
      await files.getByLabel('File').selectOption('csv')
      const [download] = await Promise.all([page.waitForEvent('download'), files.getByRole('button', { name: 'Download' }).click()])
      const text = readFileSync(await download.path(), 'utf8')
      expect(download.suggestedFilename()).toBe('payouts-finished-csv.csv')
      expect(text).toContain(PAYPAL.payout_settings.username)
      expect(text).toMatch(/45(\.00)?/)
      expect(text).toMatch(/dana/i)
    } finally {
      await context.close()
    }
  }, 120_000)

  it('shows a viewer the pages without a change button, and refuses the POST it forces', async () => {
    const f = await furnished('Viewer Shop', {})
    const program = f.program
    await server.put('/v1/program', { key: program.key, body: { program_settings: { partner_auto_approve: false } } })
    const pending = await makePartner(server, program.key, { name: 'Penny' })
    const context = await newContext()
    const page = await context.newPage()
    try {
      await signIn(page, program, 'viewer')
      for (const path of [...pagesOf(f).filter((p) => !p.startsWith('/settings/api-keys') && !p.startsWith('/settings/users')), `/partners/${pending.id}`]) {
        const res = await page.goto(at(path))
        expect(res?.status(), path).toBe(200)
        // The only forms a viewer may post: signing out (here or everywhere), switching programs, its own password.
        const actions = await page.locator('form[method="post"]').evaluateAll((forms) => forms.map((f) => f.getAttribute('action')))
        expect(actions.filter((a) => !VIEWER_FORMS.includes(a ?? '')), path).toEqual([])
      }
      await page.goto(at(`/partners/${pending.id}`))
      const csrf = await page.evaluate(() => {
        const field = document.querySelector('input[name="_csrf"]') as HTMLInputElement | null
        return field?.value ?? ''
      })
      expect(csrf).not.toBe('')
      const auditRows = () => server.store.db.selectFrom('audit_log').select(['id', 'action']).where('program_id', '=', program.id).execute()
      const before = await auditRows()
      const forced = await page.request.post(at(`/partners/${pending.id}/approve`), { form: { _csrf: csrf, back: 'partner' }, headers: { origin: server.url }, maxRedirects: 0 })
      expect(forced.status()).toBe(403)
      const row = await server.store.db.selectFrom('partners').select(['status']).where('public_id', '=', pending.id).executeTakeFirstOrThrow()
      expect(row.status).toBe('pending')
      // The member's own addition is the only entry, before and after.
      expect(before.map((a) => a.action)).toEqual(['user.added'])
      expect(await auditRows()).toEqual(before)
    } finally {
      await context.close()
    }
  }, 120_000)

  it('has no serious or critical axe-core violation, and a label of its own for every field, on any admin page', async () => {
    const f = await furnished('Axe Shop')
    const context = await newContext({ bypassCSP: true })
    const page = await context.newPage()
    const found: string[] = []
    try {
      const { user } = await addMember(server.store.db, f.program.id, { email: `reset${++sequence}@example.com`, role: 'viewer' }, null)
      const used = await mintLink(server.store.db, user.id, 'reset')
      await choosePassword(server.store.db, used.token, 'Secret123')
      const { token } = await mintLink(server.store.db, user.id, 'reset')
      // The guest's pages: signing in, asking for a reset link, choosing a password, a used link.
      for (const [path, status] of [['/sign-in', 200], ['/password/forgot', 200], [`/password/${token}`, 200], [`/password/${used.token}`, 410]] as const) {
        const res = await page.goto(at(path))
        expect(res?.status(), path).toBe(status)
        found.push(...await axeViolations(page, path.replace(/[A-Za-z0-9_-]{43}$/, ':token')))
      }
      await signIn(page, f.program)
      for (const path of pagesOf(f)) {
        const res = await page.goto(at(path))
        expect(res?.status(), path).toBe(200)
        found.push(...await axeViolations(page, path || '/'))
      }
    } finally {
      await context.close()
    }
    expect(found, `accessibility problems:\n${found.join('\n')}`).toEqual([])
  }, 120_000)

  it('shows hostile names as text on every admin page and runs none of them', async () => {
    const f = await furnished(HOSTILE, { partner: HOSTILE, customer: HOSTILE, webhook: HOSTILE })
    // The policy refuses inline script anyway; bypassing it here tests the escaping on its own.
    const context = await newContext({ bypassCSP: true })
    const { page, ran, dialogs } = await watchedForScript(context)
    try {
      await signIn(page, f.program)
      const shown: Record<string, string> = {}
      for (const path of pagesOf(f)) {
        const res = await page.goto(at(path))
        expect(res?.status(), path).toBe(200)
        expect(ran, `hostile text ran as script on ${path}`).toEqual([])
        expect(dialogs, path).toEqual([])
        expect(await page.evaluate(() => document.querySelectorAll('main script, main img, main svg[onload], main [onerror], header script, header img').length), path).toBe(0)
        shown[path] = (await page.textContent('body')) as string
        // The program's name, shown on every page as written.
        expect(shown[path], path).toContain(HOSTILE)
      }
      expect(shown['/partners']).toContain(HOSTILE)
      expect(shown[`/partners/${f.partner.id}`]).toContain(HOSTILE)
      expect(shown[`/customers/${f.customer}`]).toContain(HOSTILE)
      expect(shown['/webhooks']).toContain(HOSTILE)
      expect(await page.goto(at(`/webhooks/${f.hook}`)).then(() => page.getByLabel('Name', { exact: true }).inputValue())).toBe(HOSTILE)
    } finally {
      await context.close()
    }
    expect(ran, 'hostile text ran as script').toEqual([])
    expect(dialogs).toEqual([])
  }, 120_000)

  it('works without JavaScript: approves a pending partner through a plain form', async () => {
    const program = await programWith('Plain Shop', { partner_auto_approve: false })
    const partner = await makePartner(server, program.key, { name: 'Noa', email: 'noa@example.com' })
    const context = await newContext({ javaScriptEnabled: false })
    const page = await context.newPage()
    try {
      await signIn(page, program, 'admin')
      await page.goto(at(`/partners/${partner.id}`))
      await page.getByRole('button', { name: 'Approve' }).click()
      await page.waitForURL(/notice=partner-approved/)
      expect((await server.get(`/v1/partners/${partner.id}`, { key: program.key })).json.data.status).toBe('active')
    } finally {
      await context.close()
    }
  })

  it('previews commission rules as they are typed, saves them, and previews without JavaScript too', async () => {
    const program = await programWith('Rules Shop', {})
    const context = await newContext()
    const page = await context.newPage()
    try {
      await signIn(page, program, 'admin')
      await page.goto(at('/settings/commission'))
      const preview = page.locator('#preview')
      await expect.poll(() => preview.textContent()).toContain('earns $30.00, because 30% of the sale')
      await page.getByLabel('Tier 1: reaches').fill('5')
      await page.getByLabel('Tier 1: rate').fill('40')
      await page.getByLabel('by a partner with paying customers').fill('7')
      // The script posts the form to the preview as it changes: the rule not yet saved shows.
      await expect.poll(() => preview.textContent()).toContain('earns $40.00, because 40% of the sale, by the tier for customers from 5.')
      await preview.scrollIntoViewIfNeeded()
      await screenshot(page, 'commission')
      await page.getByRole('button', { name: 'Save' }).click()
      await page.waitForURL(/notice=settings-saved/)
      expect((await server.get('/v1/program/commission', { key: program.key })).json.data.tiers).toEqual([{ metric: 'customers', from: 5, type: 'percent', value: 40 }])
    } finally {
      await context.close()
    }
    const plain = await newContext({ javaScriptEnabled: false })
    const still = await plain.newPage()
    try {
      await signIn(still, program, 'viewer')
      await still.goto(at('/settings/commission'))
      await still.getByLabel('Rate (percent, or USD for a fixed amount)').fill('12')
      await still.getByRole('button', { name: 'Preview' }).click()
      await still.waitForURL(/\/settings\/commission\/preview$/)
      expect(await still.locator('#preview').textContent()).toContain('earns $12.00, because 12% of the sale')
      expect((await server.get('/v1/program/commission', { key: program.key })).json.data.value).toBe(30)
    } finally {
      await plain.close()
    }
  }, 120_000)

  it('sets the portal\'s look from its settings page: colour, a question, and a logo uploaded through the form', async () => {
    const program = await programWith('Brand Shop', {})
    const context = await newContext()
    const page = await context.newPage()
    try {
      await signIn(page, program, 'admin')
      await page.goto(at('/settings/portal'))
      await page.getByLabel('Question 1: key').fill('website')
      await page.getByLabel('Question 1: as asked').fill('Your website')
      await page.getByRole('button', { name: 'Save', exact: true }).click()
      await page.waitForURL(/notice=settings-saved/)
      await page.locator('#f-logo').setInputFiles({ name: 'logo.png', mimeType: 'image/png', buffer: PNG })
      await page.getByRole('button', { name: 'Save the logo' }).click()
      await page.waitForURL(/notice=logo-saved/)
      // The logo is shown, loaded from this server under the page's policy.
      const logo = page.getByRole('img', { name: 'The logo of Brand Shop' })
      await expect.poll(() => logo.evaluate((img) => (img as HTMLImageElement).naturalWidth)).toBe(1)
      await screenshot(page, 'portal-settings')
      const portal = await page.goto(`${server.url}/portal/${program.publicId}/apply`)
      expect(portal?.status()).toBe(200)
      expect(await page.getByLabel('Your website').count()).toBe(1)
    } finally {
      await context.close()
    }
  }, 120_000)

  it('never asks another host for anything, on any admin page, and meets no script error or policy violation', async () => {
    const f = await furnished('Local Shop')
    // With the policy bypassed a reference to another host would be fetched, not just refused.
    const context = await newContext({ bypassCSP: true })
    const page = await context.newPage()
    try {
      await page.goto(at('/sign-in'))
      await signIn(page, f.program)
      for (const path of pagesOf(f)) await page.goto(at(path))
    } finally {
      await context.close()
    }
    const host = new URL(server.url).host
    const elsewhere = requests.filter((url) => !url.startsWith('data:') && new URL(url).host !== host)
    expect(requests.length).toBeGreaterThan(50)
    expect(elsewhere).toEqual([])
    expect(problems).toEqual([])
  })
})
