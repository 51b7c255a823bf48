// The SSRF guard (quality bar: SSRF) with a canary listener on loopback that must see zero
// connections, whether the address comes in on create, on update, or only at connect time, and
// that does see them once the guard is switched off; and the usual isolation: another program's
// webhooks do not exist for the caller.
import http from 'node:http'
import os from 'node:os'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startServer, type TestServer } from '../../../test/support/server.js'
import { makePartner } from '../../../test/support/partners.js'
import { webhookDispatcher } from './dispatcher.js'
import { httpSender } from './sender.js'
import { guardedLookup, isBlockedAddress } from './url-guard.js'
import { injectFault } from '../../faults.js'

let server: TestServer
let canary: http.Server
let port: number
let connections = 0
beforeAll(async () => {
  server = await startServer()
  canary = http.createServer((_req, res) => res.end('reached'))
  canary.on('connection', () => void connections++)
  await new Promise<void>((resolve) => canary.listen(0, '127.0.0.1', resolve))
  port = (canary.address() as AddressInfo).port
})
afterAll(async () => {
  await new Promise((resolve) => canary.close(resolve))
  await server.close()
})

/** Loopback in its many spellings, private ranges, link-local and metadata, CGNAT, and names for them. */
const blockedUrls = () => [
  `http://127.0.0.1:${port}/`, `http://127.1:${port}/`, `http://2130706433:${port}/`, `http://0x7f000001:${port}/`,
  `http://0177.0.0.1:${port}/`, `http://[::1]:${port}/`, `http://[::ffff:127.0.0.1]:${port}/`, `http://0.0.0.0:${port}/`,
  `http://localhost:${port}/`, `http://LOCALHOST.:${port}/`, `http://api.localhost:${port}/`,
  'http://10.0.0.1/', 'http://172.16.5.4/', 'http://192.168.1.1/', 'http://100.64.0.1/',
  'http://169.254.169.254/latest/meta-data/', 'http://[fd00:ec2::254]/', 'http://[fe80::1]/', 'http://[fc00::1]/',
  'http://metadata.google.internal/computeMetadata/v1/',
]

const REFUSAL = 'The url must not point to a loopback, private, link-local or metadata address.'

/**
 * Every way a webhook could reach an internal address, tried against the canary: on create, on
 * update, stored anyway, and a name that resolves to one only at connect time. Answers what got
 * through instead of asserting, so the suite can prove that it sees the bug (the guard switched off).
 */
async function ssrfViolations(): Promise<string[]> {
  const violations: string[] = []
  const before = connections
  const p = await server.program()
  const fine = await server.post('/v1/webhooks', { key: p.key, body: { name: 'fine', url: 'https://93.184.215.14/hook', events: ['partner.created'] } })
  for (const url of blockedUrls()) {
    const created = await server.post('/v1/webhooks', { key: p.key, body: { name: 'x', url, events: ['partner.created'] } })
    if (created.status !== 422 || created.json?.errors?.url?.[0] !== REFUSAL) violations.push(`created with ${url}: ${created.status}`)
    const updated = await server.put(`/v1/webhooks/${fine.json.data.key}`, { key: p.key, body: { url } })
    if (updated.status !== 422) violations.push(`updated to ${url}: ${updated.status}`)
  }
  const kept = (await server.get('/v1/webhooks', { key: p.key })).json.data.map((w: { url: string }) => w.url)
  if (kept.join() !== 'https://93.184.215.14/hook') violations.push(`the webhooks became ${kept.join(', ')}`)

  // As if the setting had been on when it was saved, or the rule had changed since.
  const q = await server.program()
  const hook = (await server.post('/v1/webhooks', { key: q.key, body: { name: 'x', url: 'https://93.184.215.14/hook', events: ['partner.created'] } })).json.data
  await server.store.db.updateTable('webhook_subscriptions').set({ url: `http://127.0.0.1:${port}/` }).where('key', '=', hook.key).execute()
  await makePartner(server, q.key)
  await webhookDispatcher(server.store.db, { timeoutMs: 2000 }).runOnce()
  const [delivery] = (await server.get(`/v1/webhooks/${hook.key}/deliveries`, { key: q.key })).json.data
  if (delivery?.status !== 'pending' || !/loopback, private/.test(delivery.last_error)) violations.push(`a stored loopback URL: ${JSON.stringify(delivery)}`)

  // Only the connect-time check in the way: the machine's own name passes the URL check, and
  // resolves (from /etc/hosts) to a loopback or private address.
  const outcome = await httpSender(false)({ url: `http://${os.hostname()}:${port}/`, headers: {}, body: '{}', timeoutMs: 2000 })
  if (!/resolves to a blocked address/.test(outcome.error ?? '')) violations.push(`${os.hostname()} at connect time: ${JSON.stringify(outcome)}`)

  if (connections > before) violations.push(`${connections - before} connection(s) reached the canary on loopback`)
  return violations
}

describe('a webhook URL at an internal address', () => {
  it('is refused (422 naming the url) on create and update, fails when stored anyway or resolved at connect time, and nothing connects to it', async () => {
    expect(await ssrfViolations()).toEqual([])
  })

  it('is refused by the connect-time check itself, whatever the URL check said', async () => {
    const refusal = await new Promise<NodeJS.ErrnoException | null>((resolve) => guardedLookup('localhost', {}, (err) => resolve(err)))
    expect(refusal?.code).toBe('EBLOCKED')
  })

  it('is allowed only with PARTNERKIT_ALLOW_PRIVATE_WEBHOOK_URLS, and redirects are never followed', async () => {
    const open = await startServer({ allowPrivateWebhookUrls: true })
    try {
      const p = await open.program()
      const res = await open.post('/v1/webhooks', { key: p.key, body: { name: 'intranet', url: `http://127.0.0.1:${port}/`, events: ['partner.created'] } })
      expect(res.status, res.text).toBe(201)
    } finally {
      await open.close()
    }
    const redirecting = http.createServer((_req, res) => res.writeHead(302, { location: `http://127.0.0.1:${port}/` }).end())
    await new Promise<void>((resolve) => redirecting.listen(0, '127.0.0.1', resolve))
    try {
      const outcome = await httpSender(true)({ url: `http://127.0.0.1:${(redirecting.address() as AddressInfo).port}/`, headers: {}, body: '{}', timeoutMs: 2000 })
      expect(outcome.status).toBe(302)
    } finally {
      await new Promise((resolve) => redirecting.close(resolve))
    }
    expect(connections).toBe(0)
  })

  it('blocks the ranges and lets public addresses through', () => {
    for (const a of ['127.0.0.1', '10.1.2.3', '172.31.255.255', '192.168.0.1', '100.127.255.255', '169.254.169.254', '0.0.0.0', '::1', '::ffff:10.0.0.1', 'fd12::1', 'fe80::abcd', 'not-an-ip']) {
      expect(isBlockedAddress(a), a).toBe(true)
    }
    for (const a of ['93.184.215.14', '8.8.8.8', '172.32.0.1', '100.128.0.1', '2606:4700::1111']) expect(isBlockedAddress(a), a).toBe(false)
  })
})

describe('the suite without the guard', () => {
  // With the guard switched off (the bug this suite guards against), the same attempts are
  // accepted and reach the canary: the zero above means something.
  it('goes red: internal URLs are accepted and connected to', async () => {
    injectFault('ssrf', true)
    try {
      const violations = await ssrfViolations()
      expect(violations).toContain(`created with http://127.0.0.1:${port}/: 201`)
      expect(violations.some((v) => /connection\(s\) reached the canary/.test(v)), violations.join('\n')).toBe(true)
    } finally {
      injectFault('ssrf', false)
    }
  })
})

describe('another program\'s webhook', () => {
  it('answers exactly like a missing one on every operation, and stays as it was', async () => {
    const mine = await server.program()
    const theirs = await server.program()
    const hook = (await server.post('/v1/webhooks', { key: theirs.key, body: { name: 'theirs', url: 'https://93.184.215.14/h', events: ['partner.created'] } })).json.data
    await server.post(`/v1/webhooks/${hook.key}/test`, { key: theirs.key })
    const [delivery] = (await server.get(`/v1/webhooks/${hook.key}/deliveries`, { key: theirs.key })).json.data
    for (const [method, path] of [
      ['GET', `/v1/webhooks/${hook.key}`], ['PUT', `/v1/webhooks/${hook.key}`], ['DELETE', `/v1/webhooks/${hook.key}`],
      ['GET', `/v1/webhooks/${hook.key}/deliveries`], ['POST', `/v1/webhooks/${hook.key}/test`],
      ['POST', `/v1/webhooks/${hook.key}/deliveries/${delivery.id}/redeliver`],
    ] as const) {
      const theirsAnswer = await server.request(method, path, { key: mine.key, body: { name: 'mine now' } })
      const missing = await server.request(method, path.replace(hook.key, 'missing_key'), { key: mine.key, body: { name: 'mine now' } })
      expect(theirsAnswer.status, path).toBe(404)
      expect(theirsAnswer.text).toBe(missing.text)
    }
    expect((await server.get('/v1/webhooks', { key: mine.key })).json.data).toEqual([])
    expect((await server.get(`/v1/webhooks/${hook.key}`, { key: theirs.key })).json.data).toEqual(hook)
  })

  it('needs an API key', async () => {
    for (const [method, path] of [['GET', '/v1/webhooks'], ['POST', '/v1/webhooks'], ['GET', '/v1/webhooks/x/deliveries']] as const) {
      const res = await server.request(method, path, { body: { name: 'x', url: 'https://93.184.215.14/h', events: ['partner.created'] } })
      expect(res.status).toBe(401)
      expect(res.json).toMatchObject({ status: 0, message: 'Unauthenticated.' })
    }
  })
})
