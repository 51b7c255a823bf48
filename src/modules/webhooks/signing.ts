// How a delivery proves it comes from us. Two schemes over the same secret and the same bytes:
//  * Partnero's (spec §4.2): `Signature` = lower-case hex HMAC-SHA256 of the raw body.
//  * Standard Webhooks (standardwebhooks.com): `webhook-signature` = "v1," + base64 HMAC-SHA256 of
//    "{webhook-id}.{webhook-timestamp}.{body}". Its libraries take the secret as "whsec_" + base64
//    of the key bytes: for us, standardSecret(signature).
import { createHmac } from 'node:crypto'

export function partneroSignature(body: string, secret: string): string {
  return createHmac('sha256', secret).update(body).digest('hex')
}

export function standardSignature(webhookId: string, timestampSeconds: number, body: string, secret: string): string {
  return `v1,${createHmac('sha256', secret).update(`${webhookId}.${timestampSeconds}.${body}`).digest('base64')}`
}

/** The subscription's secret in the form Standard Webhooks libraries expect. */
export function standardSecret(secret: string): string {
  return `whsec_${Buffer.from(secret, 'utf8').toString('base64')}`
}

/** Every header a delivery carries, for one attempt at `now`. */
export function deliveryHeaders(webhookId: string, body: string, secret: string, now: number): Record<string, string> {
  const timestamp = Math.floor(now / 1000)
  return {
    'content-type': 'application/json',
    'user-agent': 'Partnerkit-Webhooks/1',
    signature: partneroSignature(body, secret),
    'webhook-id': webhookId,
    'webhook-timestamp': String(timestamp),
    'webhook-signature': standardSignature(webhookId, timestamp, body, secret),
  }
}
