// /docs in a real browser over plain http on a host that is not localhost (a LAN name, HOST=0.0.0.0):
// a Content-Security-Policy with upgrade-insecure-requests would send its scripts to https and
// leave the page blank.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser } from 'playwright-core'
import { startServer, type TestServer } from '../../test/support/server.js'
import { NO_BROWSER, launchBrowser } from '../../test/support/browser.js'

let server: TestServer
let browser: Browser

describe.skipIf(NO_BROWSER)('/docs in Chromium', () => {
  beforeAll(async () => {
    server = await startServer()
    browser = await launchBrowser()
  }, 60_000)
  afterAll(async () => {
    await browser?.close()
    await server?.close()
  })

  it('shows the API reference over http on a LAN host name', async () => {
    const page = await browser.newPage()
    const failed: string[] = []
    page.on('requestfailed', (request) => failed.push(request.url()))
    await page.goto(`${server.url.replace('127.0.0.1', 'partnerkit.test')}/docs`)
    await page.waitForSelector('.swagger-ui .info .title', { timeout: 15_000 })
    expect(await page.textContent('.swagger-ui .info .title')).toMatch(/Partnerkit/)
    expect(failed).toEqual([])
    await page.close()
  }, 60_000)
})
