// Stripe's webhook signature: `Stripe-Signature: t=<unix seconds>,v1=<hex>[,v1=<hex>…]`, where
// each v1 is HMAC-SHA256 of "<t>.<raw body>" keyed with the endpoint's secret (the whole
// "whsec_…" text). Several v1 entries appear while a secret is being rolled. A timestamp more than
// `toleranceSeconds` away from now, in either direction, is refused: a captured request cannot be
// replayed later.
import { createHmac, timingSafeEqual } from 'node:crypto'

export const STRIPE_TOLERANCE_SECONDS = 300

export function stripeSignatureValid(header: string | undefined, rawBody: string, secret: string, nowMs: number, toleranceSeconds = STRIPE_TOLERANCE_SECONDS): boolean {
  if (!header) return false
  const parts = header.split(',').map((p) => p.trim().split('='))
  const timestamp = parts.find(([name]) => name === 't')?.[1]
  if (!timestamp || !/^\d{1,12}$/.test(timestamp)) return false
  if (Math.abs(nowMs / 1000 - Number(timestamp)) > toleranceSeconds) return false
  const expected = createHmac('sha256', secret).update(`${timestamp}.${rawBody}`).digest()
  return parts.some(([name, value]) => {
    if (name !== 'v1' || !value || !/^[0-9a-f]{64}$/i.test(value)) return false
    return timingSafeEqual(Buffer.from(value, 'hex'), expected)
  })
}
