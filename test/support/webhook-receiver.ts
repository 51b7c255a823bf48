// A real HTTP receiver on loopback for webhook tests. It records every request with its raw body,
// answers as scripted (a status with headers, or silence until the test lets go), and checks
// signatures with its own code, written from the two schemes' descriptions rather than imported
// from src/, so a mistake in the sender cannot be mirrored here.
import http from 'node:http'
import { createHmac, timingSafeEqual } from 'node:crypto'
import type { AddressInfo } from 'node:net'
import { startServer, type TestServer } from './server.js'
import { count } from './count.js'

export interface Received {
  headers: http.IncomingHttpHeaders
  body: string
  at: number
}

export type Reply = { status: number; headers?: Record<string, string> } | 'hang'

export interface Receiver {
  url: string
  received: Received[]
  /** Answers for the next requests, in order; afterwards every request gets 200. */
  script(...replies: Reply[]): void
  /** Answers every request left hanging (a timed-out or abandoned attempt). */
  releaseHanging(): void
  /** Resolves once `n` requests have arrived; fails if they have not after `ms` (a bound, not a wait). */
  waitFor(n: number, ms?: number): Promise<void>
  close(): Promise<void>
}

export async function startReceiver(): Promise<Receiver> {
  const received: Received[] = []
  const replies: Reply[] = []
  const hanging: http.ServerResponse[] = []
  const arrived = count()
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      received.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8'), at: Date.now() })
      arrived.add()
      const reply = replies.shift() ?? { status: 200 }
      if (reply === 'hang') return void hanging.push(res)
      res.writeHead(reply.status, { 'content-type': 'text/plain', ...reply.headers })
      res.end(reply.status < 300 ? 'ok' : 'no')
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}/hooks/partnerkit`,
    received,
    script: (...more) => void replies.push(...more),
    releaseHanging() {
      for (const res of hanging.splice(0)) if (!res.destroyed) res.writeHead(200).end()
    },
    async waitFor(n, ms = 5000) {
      let giveUp: NodeJS.Timeout | undefined
      const late = new Promise<never>((_, reject) => {
        giveUp = setTimeout(() => reject(new Error(`expected ${n} requests, got ${received.length}`)), ms)
      })
      await Promise.race([arrived.reach(n), late]).finally(() => clearTimeout(giveUp))
    },
    close: () => new Promise<void>((resolve) => {
      for (const res of hanging.splice(0)) res.destroy()
      server.closeAllConnections()
      server.close(() => resolve())
    }),
  }
}

/** Partnero's scheme: `Signature` is the lower-case hex HMAC-SHA256 of the raw body. */
export function verifiesPartnero(r: Received, secret: string): boolean {
  const given = String(r.headers.signature ?? '')
  const expected = createHmac('sha256', Buffer.from(secret, 'utf8')).update(Buffer.from(r.body, 'utf8')).digest('hex')
  return /^[0-9a-f]{64}$/.test(given) && timingSafeEqual(Buffer.from(given), Buffer.from(expected))
}

/**
 * Standard Webhooks: the secret is "whsec_" + base64 key; the signed content is
 * "{webhook-id}.{webhook-timestamp}.{body}"; `webhook-signature` lists "v1,<base64>" entries
 * separated by spaces, any of which may match; the timestamp must be within 5 minutes of `now`.
 */
export function verifiesStandard(r: Received, whsecSecret: string, nowSeconds: number): boolean {
  const id = String(r.headers['webhook-id'] ?? '')
  const timestamp = String(r.headers['webhook-timestamp'] ?? '')
  if (!id || !/^\d+$/.test(timestamp) || Math.abs(nowSeconds - Number(timestamp)) > 300) return false
  const key = Buffer.from(whsecSecret.replace(/^whsec_/, ''), 'base64')
  const expected = createHmac('sha256', key).update(`${id}.${timestamp}.${r.body}`).digest()
  return String(r.headers['webhook-signature'] ?? '').split(' ').some((entry) => {
    const [version, signature] = entry.split(',')
    if (version !== 'v1' || !signature) return false
    const given = Buffer.from(signature, 'base64')
    return given.length === expected.length && timingSafeEqual(given, expected)
  })
}

export interface DeliveryBench {
  server: TestServer
  receiver: Receiver
}

/** A server that may deliver to loopback, and a receiver there: what a delivery test file needs. */
export async function startDeliveryBench(): Promise<DeliveryBench> {
  return { server: await startServer({ allowPrivateWebhookUrls: true }), receiver: await startReceiver() }
}

export async function stopDeliveryBench(bench: DeliveryBench): Promise<void> {
  await bench.receiver.close()
  await bench.server.close()
}
