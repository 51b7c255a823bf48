// When a failed delivery is tried again. Exponential backoff from one minute, doubling, with
// ±10 % jitter so receivers coming back from an outage are not hit by every retry at once:
// 13 attempts over about 2.8 days (1 + 2 + 4 + … + 2048 minutes), then the delivery gives up.
// A Retry-After the receiver sends replaces the backoff (up to a day).

const MINUTE = 60_000
export const RETRY_DELAYS_MS: readonly number[] = Array.from({ length: 12 }, (_, i) => MINUTE * 2 ** i)
/** The first attempt and every retry. */
export const MAX_ATTEMPTS = RETRY_DELAYS_MS.length + 1
const MAX_RETRY_AFTER_MS = 24 * 60 * MINUTE

/**
 * How long to wait after the `attempts`-th attempt failed, or undefined when that was the last.
 * `random` is a number in [0, 1) (injected by tests).
 */
export function retryDelay(attempts: number, retryAfterMs: number | undefined, random: number): number | undefined {
  const backoff = RETRY_DELAYS_MS[attempts - 1]
  if (backoff === undefined) return undefined
  if (retryAfterMs !== undefined) return Math.min(MAX_RETRY_AFTER_MS, Math.max(1000, retryAfterMs))
  return Math.round(backoff * (0.9 + 0.2 * random))
}

/** Retry-After as seconds or an HTTP date (RFC 9110 §10.2.3), in ms from `now`; undefined when absent or unreadable. */
export function retryAfterMs(header: string | undefined, now: number): number | undefined {
  if (header === undefined) return undefined
  const text = header.trim()
  if (/^\d{1,9}$/.test(text)) return Number(text) * 1000
  const at = Date.parse(text)
  return Number.isFinite(at) ? Math.max(0, at - now) : undefined
}
