// Visitors for tracking tests: a browser's user agent (bots are not counted) and a way to look
// like several visitors from one machine (the visitor is IP + user agent).
import type { TestServer } from './server.js'

export const BROWSER = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36'

/** A different (but browser-looking) visitor per n. */
export const visitor = (n: number) => `${BROWSER} visitor/${n}`

export function click(server: TestServer, path: string, headers: Record<string, string> = {}) {
  return server.get(path, { headers: { 'user-agent': BROWSER, ...headers } })
}

export async function partnerClicks(server: TestServer, key: string, partnerId: string): Promise<number> {
  return (await server.get(`/v1/partners/${partnerId}`, { key })).json.data.referrals.clicks
}

export async function programClicks(server: TestServer, key: string): Promise<number> {
  return Number((await server.get('/v1/program', { key })).json.data.stats.affiliate_referred_visitors_clicks)
}
