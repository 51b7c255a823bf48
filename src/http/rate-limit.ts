// Per-key rate limits: a fixed window per API key, counted in memory or in Redis (REDIS_URL) so
// several processes share one budget. Answers carry the IETF RateLimit and RateLimit-Policy
// headers; a refusal is a 429 with Retry-After in the error envelope.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import rateLimit from '@fastify/rate-limit'
import { once } from 'node:events'
import { Redis } from 'ioredis'
import { ApiError } from './errors.js'

export interface RateLimitOptions {
  max: number
  windowSeconds: number
  redisUrl?: string
}

export type RateLimiter = (request: FastifyRequest, reply: FastifyReply) => Promise<void>

export interface RateLimits {
  /** The per-key budget every authenticated call spends from. */
  perKey: RateLimiter
  /** A budget per client IP, for public calls that have no key (tracking). */
  perIp(name: string, max: number, windowSeconds: number): RateLimiter
  /** A budget per thing a request names (the account a sign-in tries), known only once the body is read. */
  perSubject(name: string, max: number, windowSeconds: number): (request: FastifyRequest, reply: FastifyReply, subject: string) => Promise<void>
}

export async function setUpRateLimit(app: FastifyInstance, options: RateLimitOptions): Promise<RateLimits> {
  const redis = options.redisUrl
    ? new Redis(options.redisUrl, { maxRetriesPerRequest: 1, enableOfflineQueue: false, lazyConnect: false })
    : undefined
  if (redis) {
    redis.on('error', (err) => app.log.warn({ err: err.message }, 'rate limit store (Redis) unavailable'))
    // Without an offline queue, commands sent before the connection is up would fail (and be
    // let through): wait for it, briefly, at start.
    await Promise.race([once(redis, 'ready'), new Promise((resolve) => setTimeout(resolve, 3000).unref())])
    app.addHook('onClose', async () => {
      redis.disconnect()
    })
  }
  await app.register(rateLimit, {
    global: false,
    // A Redis outage lets requests through rather than failing the API.
    skipOnError: true,
    // The in-memory store is an LRU: a key pushed out of it starts counting again from zero, so it
    // must hold every key active within one window (the library's default is 5,000).
    cache: 200_000,
    ...(redis ? { redis, nameSpace: 'partnerkit-rl:' } : {}),
  })
  return {
    // The public id keeps keys of separate deployments sharing one Redis apart.
    perKey: limiter(app, 'per-key', options.max, options.windowSeconds,
      (request) => `key:${request.caller?.program.publicId}:${request.caller?.apiKeyId ?? request.ip}`),
    perIp: (name, max, windowSeconds) => limiter(app, name, max, windowSeconds, (request) => `${name}:${request.ip}`),
    perSubject(name, max, windowSeconds) {
      const subjects = new WeakMap<FastifyRequest, string>()
      const check = limiter(app, name, max, windowSeconds, (request) => `${name}:${subjects.get(request)}`)
      return (request, reply, subject) => {
        subjects.set(request, subject.toLowerCase())
        return check(request, reply)
      }
    },
  }
}

function limiter(app: FastifyInstance, name: string, max: number, windowSeconds: number, keyOf: (request: FastifyRequest) => string): RateLimiter {
  const policy = `"${name}";q=${max};w=${windowSeconds}`
  const check = app.createRateLimit({ max, timeWindow: windowSeconds * 1000, keyGenerator: keyOf })
  return async (request, reply) => {
    const state = await check(request)
    if (state.isAllowed || state.max === undefined) return
    reply.header('RateLimit-Policy', policy)
    reply.header('RateLimit', `"${name}";r=${state.remaining};t=${state.ttlInSeconds}`)
    if (state.isExceeded) {
      throw new ApiError(429, 'rate_limited', 'Too Many Attempts.', undefined, { 'Retry-After': String(Math.max(1, state.ttlInSeconds)) })
    }
  }
}
