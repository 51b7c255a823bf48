// Debian's Chromium, driven by playwright-core, for the tests that need a real browser. Hosts under
// .test resolve to this machine, so a page can be served as `shop.test` or `www.shop.test` the way
// a merchant's site is, not only as localhost (which browsers treat as secure and special).
import { existsSync } from 'node:fs'
import { chromium, type Browser } from 'playwright-core'

export const CHROMIUM = '/usr/bin/chromium'

/** Without Debian's chromium package (which .ci/run installs) there is nothing to drive. */
export const NO_BROWSER = !existsSync(CHROMIUM)

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--host-resolver-rules=MAP *.test 127.0.0.1, MAP test 127.0.0.1',
    ],
  })
}
