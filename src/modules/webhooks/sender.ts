// One HTTP attempt of a delivery, through node:http (global fetch ignores agents and lookups, so
// it could not enforce the SSRF guard at connect time). Redirects are never followed: a 3xx is a
// failed attempt like any other non-2xx. The dispatcher takes any `Send`, so tests can replace it.
import http from 'node:http'
import https from 'node:https'
import { guardedLookup, guarding, urlProblem } from './url-guard.js'

export interface Attempt {
  url: string
  headers: Record<string, string>
  body: string
  timeoutMs: number
}

export interface Outcome {
  /** The receiver's HTTP status; absent when no answer came (refused, timed out, blocked). */
  status?: number
  retryAfter?: string
  /** What went wrong, for the delivery log. */
  error?: string
}

export type Send = (attempt: Attempt) => Promise<Outcome>

export const DELIVERY_TIMEOUT_MS = 15_000
/** Enough of an answer's body to show in the log; the rest is read and dropped. */
const KEPT_ANSWER_BYTES = 200

export function httpSender(allowPrivateUrls: boolean): Send {
  return (attempt) => {
    const problem = urlProblem(attempt.url, allowPrivateUrls)
    if (problem) return Promise.resolve({ error: problem })
    const url = new URL(attempt.url)
    const transport = url.protocol === 'https:' ? https : http
    return new Promise((resolve) => {
      let settled = false
      const finish = (outcome: Outcome) => {
        if (settled) return
        settled = true
        clearTimeout(timer)
        resolve(outcome)
      }
      const request = transport.request(url, {
        method: 'POST',
        headers: { ...attempt.headers, 'content-length': String(Buffer.byteLength(attempt.body)) },
        agent: false,
        // Literal addresses skip lookup (node connects directly): urlProblem above covered them.
        ...(guarding(allowPrivateUrls) ? { lookup: guardedLookup } : {}),
      }, (response) => {
        let kept = ''
        response.setEncoding('utf8')
        response.on('data', (chunk: string) => {
          if (kept.length < KEPT_ANSWER_BYTES) kept += chunk.slice(0, KEPT_ANSWER_BYTES - kept.length)
        })
        response.on('end', () => {
          const status = response.statusCode ?? 0
          const retryAfter = response.headers['retry-after']
          finish({
            status,
            ...(retryAfter !== undefined ? { retryAfter } : {}),
            ...(status < 200 || status > 299 ? { error: `HTTP ${status}${kept ? `: ${kept}` : ''}` } : {}),
          })
        })
        response.on('error', (err) => finish({ status: response.statusCode ?? 0, error: err.message }))
      })
      const timer = setTimeout(() => {
        request.destroy()
        finish({ error: `No answer within ${attempt.timeoutMs / 1000} s` })
      }, attempt.timeoutMs)
      request.on('error', (err) => finish({ error: err.message }))
      request.end(attempt.body)
    })
  }
}
