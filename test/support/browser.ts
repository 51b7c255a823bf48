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

/** Polls `read` until `done` holds (10 s at most), then answers the last reading. */
export async function waitFor<T>(read: () => Promise<T>, done: (value: T) => boolean): Promise<T> {
  for (let i = 0; i < 100; i++) {
    const value = await read()
    if (done(value)) return value
    await new Promise((r) => setTimeout(r, 100))
  }
  return read()
}
