// When a mail that could not be sent is tried again: 1, 2, 5, 15, 30, 60 and 120 minutes after
// each failure (±10 % jitter, so a relay coming back is not hit by every mail at once), eight
// attempts over about four hours. A mail older than that (a sign-in code, a reset link) is of no
// use any more, so the job gives up and records why.
const MINUTE = 60_000
export const MAIL_RETRY_DELAYS_MS: readonly number[] = [1, 2, 5, 15, 30, 60, 120].map((m) => m * MINUTE)
export const MAIL_MAX_ATTEMPTS = MAIL_RETRY_DELAYS_MS.length + 1

/** How long to wait after the `attempts`-th attempt failed, or undefined when that was the last. `random` is in [0, 1). */
export function mailRetryDelay(attempts: number, random: number): number | undefined {
  const delay = MAIL_RETRY_DELAYS_MS[attempts - 1]
  return delay === undefined ? undefined : Math.round(delay * (0.9 + 0.2 * random))
}
