// Debian's Chromium, driven by playwright-core, for the tests that need a real browser. Hosts under
// .test resolve to this machine, so a page can be served as `shop.test` or `www.shop.test` the way
// a merchant's site is, not only as localhost (which browsers treat as secure and special).
import { existsSync } from 'node:fs'
import http from 'node:http'
import type { AddressInfo } from 'node:net'
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

/** A page of the merchant's site with the loader snippet in its head, loading the program. */
export function merchantPage(api: string, publicId: string, body: string): string {
  return `<!doctype html><html><head><meta charset="utf-8"><title>Shop</title>
<script>
(function (w, d, src, name) {
  w.__partnerObject = name;
  var stub = function () { stub.q.push({ a: arguments }); };
  stub.q = [];
  w[name] = w[name] || stub;
  var s = d.createElement('script'); s.async = true; s.src = src + '?v' + Math.floor(Date.now() / 1e6);
  d.head.appendChild(s);
})(window, document, '${api}/js/universal.js', 'po');
po('settings', 'assets_host', '${api}');
po('program', '${publicId}', 'load');
</script></head><body>${body}</body></html>`
}

export const SIGNUP_FORM = `<form action="/thanks" method="get"><input name="full_name"><input type="email" name="email"><button>Sign up</button></form>
<script>po('integration', 'universal', null);</script>`

export interface Shop {
  port: number
  close(): Promise<void>
}

/**
 * The merchant's site on loopback: every page has the snippet for the program `publicId()` names
 * (read per request: the program is made once the shop's address is known); /signup has a form.
 */
export async function serveShop(api: string, publicId: () => string): Promise<Shop> {
  const shop = http.createServer((req, res) => {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' })
    res.end(merchantPage(api, publicId(), req.url?.startsWith('/signup') ? SIGNUP_FORM : '<h1>Welcome</h1>'))
  })
  await new Promise<void>((resolve) => shop.listen(0, '127.0.0.1', resolve))
  return { port: (shop.address() as AddressInfo).port, close: () => new Promise((resolve) => shop.close(() => resolve())) }
}

/** Polls `read` until `done` holds (10 s at most), then answers the last reading. */
export async function waitFor<T>(read: () => Promise<T>, done: (value: T) => boolean): Promise<T> {
  for (let i = 0; i < 100; i++) {
    const value = await read()
    if (done(value)) return value
    await new Promise((r) => setTimeout(r, 100))
  }
  return read()
}

export interface ShopWorld {
  server: import('./server.js').TestServer
  shop: Shop
  browser: Browser
  program: { id: number; publicId: string; key: string }
  close(): Promise<void>
}

/**
 * A test server, a merchant's site serving the snippet (by default on localhost, else the host
 * `site(port)` names) for a program made with `input`, and Chromium: started and closed together.
 */
export async function startShopWorld(options: { input?: Record<string, unknown>; api?: (serverUrl: string) => string; site?: (port: number) => string } = {}): Promise<ShopWorld> {
  const { startServer } = await import('./server.js')
  const server = await startServer()
  let program: ShopWorld['program'] | undefined
  const shop = await serveShop(options.api?.(server.url) ?? server.url, () => (program as ShopWorld['program']).publicId)
  program = await server.program({ website: options.site?.(shop.port) ?? `http://localhost:${shop.port}`, ...options.input })
  const browser = await launchBrowser()
  return {
    server, shop, browser, program,
    async close() {
      await browser.close()
      await shop.close()
      await server.close()
    },
  }
}
