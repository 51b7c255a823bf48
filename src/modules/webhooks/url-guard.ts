// The SSRF guard (quality bar: SSRF). A webhook URL is the merchant's, but the request leaves from
// inside our network: it must never reach loopback, private, link-local, CGNAT or cloud-metadata
// addresses. Checked twice: on the URL when a subscription is saved (a 422), and on the address
// actually resolved when a delivery connects (a DNS answer can change after the check).
import dns from 'node:dns'
import net from 'node:net'
import { injected } from '../../faults.js'

const BLOCKED = new net.BlockList()
for (const [address, prefix] of [
  ['0.0.0.0', 8], // "this network"; 0.0.0.0 reaches the local host
  ['10.0.0.0', 8], ['172.16.0.0', 12], ['192.168.0.0', 16], // private
  ['100.64.0.0', 10], // CGNAT
  ['127.0.0.0', 8], // loopback
  ['169.254.0.0', 16], // link-local, cloud metadata (169.254.169.254)
  ['192.0.0.0', 24], ['192.0.2.0', 24], ['198.18.0.0', 15], ['198.51.100.0', 24], ['203.0.113.0', 24], // special use, test nets
  ['224.0.0.0', 4], ['240.0.0.0', 4], // multicast, reserved and broadcast
] as const) BLOCKED.addSubnet(address, prefix, 'ipv4')
for (const [address, prefix] of [
  ['::', 128], ['::1', 128], // unspecified, loopback
  ['fc00::', 7], // unique local (private), AWS metadata fd00:ec2::254
  ['fe80::', 10], // link-local
  ['ff00::', 8], // multicast
  ['64:ff9b::', 96], ['64:ff9b:1::', 48], // NAT64: would reach an IPv4 address we cannot see
  ['2001:db8::', 32], // documentation
] as const) BLOCKED.addSubnet(address, prefix, 'ipv6')
// IPv4-mapped IPv6 (::ffff:127.0.0.1) is matched against the IPv4 rules by BlockList itself.

/** Host names that always mean this machine or the cloud's metadata service, whatever DNS says. */
const BLOCKED_NAMES = /^(localhost|.*\.localhost|metadata\.google\.internal|metadata|instance-data|.*\.internal)$/i

export function isBlockedAddress(address: string): boolean {
  const family = net.isIP(address)
  if (family === 0) return true // not an address at all: refuse rather than guess
  return BLOCKED.check(address, family === 6 ? 'ipv6' : 'ipv4')
}

/** The URL's host without IPv6 brackets: an address literal or a name. */
export function hostOf(url: URL): string {
  return url.hostname.replace(/^\[(.*)\]$/, '$1')
}

/**
 * Whether webhook URLs are checked at all: not when the operator allows private addresses
 * (PARTNERKIT_ALLOW_PRIVATE_WEBHOOK_URLS), nor with the bug the SSRF suite guards against injected.
 */
export function guarding(allowPrivate: boolean): boolean {
  return !allowPrivate && !injected('ssrf')
}

/** Why a URL may not receive webhooks, or undefined when it may (as far as can be told without DNS). */
export function urlProblem(raw: string, allowPrivate: boolean): string | undefined {
  let url: URL
  try {
    url = new URL(raw)
  } catch {
    return 'The url must be a valid URL.'
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return 'The url must start with http:// or https://.'
  if (url.username || url.password) return 'The url must not carry a user name or password.'
  if (!guarding(allowPrivate)) return undefined
  const host = hostOf(url)
  if (net.isIP(host) ? isBlockedAddress(host) : BLOCKED_NAMES.test(host.replace(/\.$/, ''))) {
    return 'The url must not point to a loopback, private, link-local or metadata address.'
  }
  return undefined
}

/**
 * The same check with the name resolved, for create and update. A name that does not resolve now
 * is accepted: DNS may not be set up yet, and every delivery checks again when it connects.
 */
export async function resolvedUrlProblem(raw: string, allowPrivate: boolean, timeoutMs = 2000): Promise<string | undefined> {
  const problem = urlProblem(raw, allowPrivate)
  if (problem || !guarding(allowPrivate)) return problem
  const host = hostOf(new URL(raw))
  if (net.isIP(host)) return undefined
  const addresses = await Promise.race([
    dns.promises.lookup(host, { all: true }).catch(() => []),
    new Promise<dns.LookupAddress[]>((resolve) => setTimeout(() => resolve([]), timeoutMs).unref()),
  ])
  return addresses.some((a) => isBlockedAddress(a.address))
    ? 'The url must not point to a loopback, private, link-local or metadata address.'
    : undefined
}

type LookupCallback = (err: NodeJS.ErrnoException | null, address: string | dns.LookupAddress[], family?: number) => void

/**
 * A `lookup` for http.request: resolves as usual, then refuses the connection when any resolved
 * address is blocked. This is the check that counts: it sees the address the socket will use.
 */
export function guardedLookup(hostname: string, options: dns.LookupOptions, callback: LookupCallback): void {
  dns.lookup(hostname, { ...options, all: true }, (err, addresses) => {
    if (err) return callback(err, [])
    const blocked = addresses.find((a) => isBlockedAddress(a.address))
    if (blocked) {
      const refusal: NodeJS.ErrnoException = new Error(`${hostname} resolves to a blocked address (${blocked.address})`)
      refusal.code = 'EBLOCKED'
      return callback(refusal, [])
    }
    if (options.all) return callback(null, addresses)
    const first = addresses[0]
    if (!first) return callback(Object.assign(new Error(`${hostname} has no address`), { code: 'ENOTFOUND' }), [])
    callback(null, first.address, first.family)
  })
}
