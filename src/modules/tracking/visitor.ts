// Who clicked, as far as counting needs to know: a salted hash of IP and user agent (the raw IP
// is never stored), and whether the request looks like a person at all.
import { createHash } from 'node:crypto'
import { isbot } from 'isbot'

/** 22 base64url characters of SHA-256: collisions are irrelevant at any real visitor count. */
export function visitorOf(salt: string, ip: string, userAgent: string): string {
  return createHash('sha256').update(`${salt}\u0000${ip}\u0000${userAgent}`).digest('base64url').slice(0, 22)
}

// Link-preview fetchers that isbot's list may miss: they open a link to draw a card, not to visit.
const PREVIEWERS = /preview|unfurl|embedly|iframely|bitlybot|outbrain|vkshare|redditbot|pinterest|quora link/i

/** Why a request is not a visit to count: HEAD and the like, or no person behind it; undefined when it is one. */
export function notAVisit(method: string, userAgent: string | undefined): 'not_a_visit' | 'bot' | undefined {
  if (method !== 'GET' && method !== 'POST') return 'not_a_visit'
  const agent = userAgent?.trim() ?? ''
  return agent.length > 0 && !isbot(agent) && !PREVIEWERS.test(agent) ? undefined : 'bot'
}
