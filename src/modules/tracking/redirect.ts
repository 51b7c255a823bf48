// Where a click sends the visitor, and the cookie that remembers the partner. Visitors go only to
// the program's own website and additional domains: a link's stored URLs are checked again here,
// so no link, key or header can turn /r/ into an open redirect. URLs are built with URL objects,
// which percent-encode anything (CR, LF, spaces) that could break out of a Location header.
import type { Program } from '../programs/service.js'
import { referralUrl } from '../programs/referral-urls.js'
import type { ProgramPlace } from './programs.js'
import type { LinkTarget } from './store.js'

/**
 * The link's redirect URL when it has a safe one, else the link's own URL, else the website; the
 * key always rides along, so the snippet on the landing page sees it. Undefined when none is safe.
 */
export function destinationOf(place: ProgramPlace, target: LinkTarget, base: string): URL | undefined {
  const own = safeUrl(referralUrl(place.program, { key: target.key, landingUrl: target.landingUrl, domain: target.domain }, base), place.hosts)
  const redirect = target.directRedirectUrl ? safeUrl(target.directRedirectUrl, place.hosts) : undefined
  const chosen = redirect ?? own ?? websiteOf(place)
  if (chosen && chosen !== own) chosen.searchParams.set(place.program.settings.program.referral_param, target.key)
  return chosen
}

export function websiteOf(place: ProgramPlace): URL | undefined {
  return place.program.website ? safeUrl(place.program.website, place.hosts) : undefined
}

function safeUrl(text: string, hosts: Set<string>): URL | undefined {
  let url: URL
  try {
    url = new URL(text)
  } catch {
    return undefined
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return undefined
  if (url.username || url.password) return undefined
  return hosts.has(url.hostname) ? url : undefined
}

/** The cookie's name: Partnero's, per program type. */
export function cookieName(program: Program): string {
  return program.type === 'affiliate' ? 'partnero_partner' : 'partnero_referral'
}

// Browsers keep a cookie at most 400 days, whatever it asks for.
const MAX_COOKIE_DAYS = 400

export interface CookiePlace {
  /** The host the visitor asked (the tracking host). */
  requestHost: string
  /** The host the visitor is sent to. */
  destinationHost: string
  secure: boolean
}

/**
 * A first-party cookie is only possible when the tracking host shares the merchant's domain:
 * the same host (host-only cookie), or a common parent of at least two labels (Domain=parent).
 * Otherwise undefined: the snippet on the merchant's page sets the cookie there instead.
 */
export function trackingCookie(program: Program, name: string, value: string, place: CookiePlace): string | undefined {
  const domain = sharedDomain(place.requestHost, place.destinationHost)
  if (domain === undefined) return undefined
  const days = Math.min(program.settings.program.cookie_lifetime, MAX_COOKIE_DAYS)
  return [
    `${name}=${encodeURIComponent(value)}`, `Max-Age=${days * 86400}`, 'Path=/', 'SameSite=Lax',
    ...(domain ? [`Domain=${domain}`] : []), ...(place.secure ? ['Secure'] : []),
  ].join('; ')
}

/** '' for the same host, the common parent domain, or undefined when the hosts share none. */
export function sharedDomain(a: string, b: string): string | undefined {
  const x = a.toLowerCase()
  const y = b.toLowerCase()
  if (x === y) return ''
  const labels = sharedLabels(x, y)
  return labels >= 2 ? x.split('.').slice(-labels).join('.') : undefined
}

/** How many trailing labels two host names share (`go.shop.com`, `www.shop.com` → 2); addresses share none. */
export function sharedLabels(a: string, b: string): number {
  const x = a.toLowerCase()
  const y = b.toLowerCase()
  if (x === y) return x.split('.').length
  if (isAddress(x) || isAddress(y)) return 0
  const xs = x.split('.').reverse()
  const ys = y.split('.').reverse()
  let n = 0
  while (n < Math.min(xs.length, ys.length) && xs[n] === ys[n]) n++
  return n
}

function isAddress(host: string): boolean {
  return /^[\d.]+$/.test(host) || host.includes(':')
}
