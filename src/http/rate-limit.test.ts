// Per-key rate limits: the policy in headers, 429 with Retry-After past it, other keys
// unaffected; with Redis, several processes share one budget.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startServer, type TestServer } from '../../test/support/server.js'

describe('in memory', () => {
  let server: TestServer
  beforeAll(async () => {
    server = await startServer({ rateLimit: { max: 5, windowSeconds: 60 } })
  })
  afterAll(() => server.close())

  it('allows the policy, then answers 429 with Retry-After in the error shape', async () => {
    const a = await server.program()
    const b = await server.program()
    for (let i = 1; i <= 5; i++) {
      const res = await server.get('/v1/test', { key: a.key })
      expect(res.status).toBe(200)
      expect(res.headers['ratelimit-policy']).toBe('"per-key";q=5;w=60')
      expect(res.headers.ratelimit).toMatch(new RegExp(`^"per-key";r=${5 - i};t=\\d+$`))
    }
    const refused = await server.get('/v1/program', { key: a.key })
    expect(refused.status).toBe(429)
    expect(refused.headers['content-type']).toBe('application/json')
    expect(refused.json).toEqual({ message: 'Too Many Attempts.', code: 'rate_limited', status: 0 })
    const retryAfter = Number(refused.headers['retry-after'])
    expect(retryAfter).toBeGreaterThanOrEqual(1)
    expect(retryAfter).toBeLessThanOrEqual(60)
    expect(refused.headers.ratelimit).toMatch(/^"per-key";r=0;t=\d+$/)

    // another key of the same store is unaffected
    expect((await server.get('/v1/test', { key: b.key })).status).toBe(200)
  })

  it('does not count requests without a valid key against anyone', async () => {
    const c = await server.program()
    for (let i = 0; i < 10; i++) expect((await server.get('/v1/test', { key: 'pk_live_nope' })).status).toBe(401)
    expect((await server.get('/v1/test', { key: c.key })).status).toBe(200)
  })

  it('leaves public routes alone', async () => {
    for (let i = 0; i < 8; i++) expect((await server.get('/healthz')).status).toBe(200)
  })
})

describe('allowed within the policy under load', () => {
  it('lets through exactly the limit of a burst and refuses the rest', async () => {
    const server = await startServer({ rateLimit: { max: 40, windowSeconds: 60 } })
    try {
      const { key } = await server.program()
      const answers = await Promise.all(Array.from({ length: 200 }, () => server.get('/v1/test', { key })))
      const counts = answers.reduce<Record<number, number>>((acc, r) => ({ ...acc, [r.status]: (acc[r.status] ?? 0) + 1 }), {})
      expect(counts).toEqual({ 200: 40, 429: 160 })
    } finally {
      await server.close()
    }
  })
})

const redisUrl = process.env.TEST_REDIS_URL
describe.skipIf(!redisUrl)('in Redis, shared by several processes (needs TEST_REDIS_URL)', () => {
  it('counts one budget across two servers on one store', async () => {
    const first = await startServer({ rateLimit: { max: 6, windowSeconds: 60 }, redisUrl })
    const second = await startServer({ rateLimit: { max: 6, windowSeconds: 60 }, redisUrl }, { testStore: first.testStore })
    try {
      const { key } = await first.program()
      const statuses: number[] = []
      for (let i = 0; i < 4; i++) {
        statuses.push((await first.get('/v1/test', { key })).status)
        statuses.push((await second.get('/v1/test', { key })).status)
      }
      expect(statuses).toEqual([200, 200, 200, 200, 200, 200, 429, 429])
    } finally {
      await second.close()
      await first.close()
    }
  })
})
