// What the browser tests check on every page they visit, shared by the portal's and the admin's:
// axe-core and two checks it lacks, a context that records every request and refuses other hosts,
// and screenshots for the README when PARTNERKIT_SCREENSHOTS=1.
import { mkdirSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import type { Browser, BrowserContext, BrowserContextOptions, Page } from 'playwright-core'

const AXE = fileURLToPath(new URL('../../node_modules/axe-core/axe.min.js', import.meta.url))
const SHOTS = process.env.PARTNERKIT_SCREENSHOTS === '1'
const SHOT_DIR = fileURLToPath(new URL('../../docs/screenshots/', import.meta.url))
export const VIEWPORT = { width: 1200, height: 800 }

/** docs/screenshots/NAME.png, only when PARTNERKIT_SCREENSHOTS=1. */
export async function screenshot(page: Page, name: string) {
  if (!SHOTS) return
  mkdirSync(SHOT_DIR, { recursive: true })
  await page.screenshot({ path: `${SHOT_DIR}${name}.png` })
}

export /** axe-core's serious and critical violations on the page, one line each (empty when none). */
async function axeViolations(page: Page, label: string): Promise<string[]> {
  await page.addScriptTag({ path: AXE })
  const violations = await page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run(): Promise<{ violations: Array<{ id: string; impact?: string | null; help: string; nodes: Array<{ target: unknown[]; failureSummary?: string }> }> }> } }).axe
    const result = await axe.run()
    return result.violations.map((v) => ({ id: v.id, impact: v.impact ?? '', help: v.help, nodes: v.nodes.map((n) => `${n.target.join(' ')}: ${n.failureSummary ?? ''}`) }))
  })
  // axe-core no longer checks that ids are unique; a label's `for` names the first element with
  // the id, so a second field of the same id has no name and its label focuses another field.
  const duplicates = await page.evaluate(() => {
    const seen = new Map<string, number>()
    for (const el of Array.from(document.querySelectorAll('[id]'))) seen.set(el.id, (seen.get(el.id) ?? 0) + 1)
    return [...seen].filter(([, n]) => n > 1).map(([id, n]) => `#${id} ×${n}`)
  })
  // Every field a person can fill has a name of its own (what a screen reader reads, and what a
  // click on its label focuses).
  const unnamed = await page.evaluate(() => Array.from(document.querySelectorAll('input:not([type=hidden]), select, textarea'))
    .filter((el) => {
      const labels = (el as HTMLInputElement).labels
      return !el.getAttribute('aria-label') && !(labels && Array.from(labels).some((l) => l.textContent?.trim()))
    })
    .map((el) => `${el.tagName.toLowerCase()}[name=${el.getAttribute('name')}]`))
  return [
    ...violations.filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .map((v) => `${label}: [${v.impact}] ${v.id} (${v.help})\n    ${v.nodes.join('\n    ')}`),
    ...duplicates.map((d) => `${label}: id used more than once: ${d}`),
    ...unnamed.map((u) => `${label}: a field without a label of its own: ${u}`),
  ]
}

/**
 * A context whose every request is recorded in `requests`; one to another host than `serverUrl`
 * is refused at once (the page must not wait for a host this machine cannot reach), and script
 * errors and policy violations go to `problems`.
 */
export async function watchedContext(browser: Browser, serverUrl: string, requests: string[], problems: string[], options: BrowserContextOptions = {}): Promise<BrowserContext> {
  const context = await browser.newContext({ viewport: VIEWPORT, ...options })
  // A locator that finds nothing fails in seconds and says which, before the test's own timeout.
  context.setDefaultTimeout(5_000)
  context.on('request', (request) => requests.push(request.url()))
  const own = new URL(serverUrl).host
  await context.route((url) => url.protocol !== 'data:' && url.host !== own, (route) => route.abort())
  context.on('page', (page) => {
    page.on('pageerror', (err) => problems.push(`${page.url()}: ${err.message}`))
    page.on('console', (msg) => {
      if (/Content Security Policy|Refused to/i.test(msg.text())) problems.push(`${page.url()}: ${msg.text()}`)
    })
  })
  return context
}

/**
 * A page in `context` that reports any hostile payload that runs: each payload sets window.__x,
 * whose setter lands in `ran`, and any dialog it opens lands in `dialogs` (and is dismissed).
 */
export async function watchedForScript(context: BrowserContext): Promise<{ page: Page; ran: string[]; dialogs: string[] }> {
  const ran: string[] = []
  await context.exposeFunction('__ran', (value: string) => ran.push(value))
  await context.addInitScript(() => {
    Object.defineProperty(window, '__x', { configurable: false, get: () => undefined, set: (v: unknown) => { void (window as unknown as { __ran(v: string): void }).__ran(String(v)) } })
  })
  const page = await context.newPage()
  const dialogs: string[] = []
  page.on('dialog', (dialog) => {
    dialogs.push(dialog.message())
    void dialog.dismiss()
  })
  return { page, ran, dialogs }
}
