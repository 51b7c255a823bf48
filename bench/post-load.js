// A closed-loop POST load: `connections` clients on keep-alive sockets, each sending its next
// request when the answer to the previous one is in, every body built fresh (a unique key each).
// Unlike autocannon, which drops the requests in flight when its time is up, it stops by letting
// them finish: every request sent is counted with its answer, so the 2xx count is exactly the
// number of writes the server accepted, and the benchmark can check the store against it.
import http from 'node:http'
import { WARMUP_SECONDS, describeExit, exited } from './lib.js'

const TIMEOUT_MS = 10_000

function send(agent, target, { method, path, headers, payload, okStatus }) {
  return new Promise((resolve, reject) => {
    const req = http.request({
      agent, host: target.hostname, port: target.port, path: path ?? target.pathname, method,
      headers: payload === undefined ? headers : { ...headers, 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) },
    }, (res) => {
      const ok = okStatus(res.statusCode)
      let text = ''
      // Only a failure's body is kept, for the error message.
      if (ok) res.resume()
      else res.setEncoding('utf8').on('data', (chunk) => { text += chunk })
      res.on('end', () => resolve({ status: res.statusCode, text }))
      res.on('error', reject)
    })
    req.on('error', reject)
    req.setTimeout(TIMEOUT_MS, () => req.destroy(new Error(`no answer within ${TIMEOUT_MS} ms`)))
    req.end(payload)
  })
}

function percentile(sorted, p) {
  return sorted.length === 0 ? 0 : sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))]
}

const is2xx = (status) => status >= 200 && status < 300

/**
 * Sends `body()` to `url` from `connections` clients for `seconds`; latencies in ms. For other
 * loads: `method` (GET sends no body), `request()` giving each request's path and extra headers,
 * and `okStatus` (a 302 is the success of a redirect).
 */
export async function postLoad({ url, headers, body, connections, seconds, method = 'POST', request, okStatus = is2xx }) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: connections })
  const target = new URL(url)
  const latencies = []
  const statusCodes = {}
  let errors = 0
  let accepted = 0
  let firstFailure
  const startedAt = performance.now()
  const deadline = startedAt + seconds * 1000
  const client = async () => {
    while (performance.now() < deadline) {
      const sentAt = performance.now()
      try {
        const extra = request?.() ?? {}
        const { status, text } = await send(agent, target, {
          method, path: extra.path, headers: { ...headers, ...extra.headers }, payload: method === 'GET' ? undefined : body(), okStatus,
        })
        latencies.push(performance.now() - sentAt)
        statusCodes[status] = (statusCodes[status] ?? 0) + 1
        if (okStatus(status)) accepted++
        else firstFailure ??= `${status} ${text.slice(0, 300)}`
      } catch (err) {
        errors++
        firstFailure ??= err.message
      }
    }
  }
  await Promise.all(Array.from({ length: connections }, client))
  const elapsedSeconds = (performance.now() - startedAt) / 1000
  agent.destroy()
  const sorted = Float64Array.from(latencies).sort()
  return {
    requests: latencies.length,
    requestsPerSec: latencies.length / elapsedSeconds,
    accepted,
    errors,
    statusCodes,
    firstFailure,
    latencyMs: {
      mean: latencies.reduce((sum, ms) => sum + ms, 0) / (latencies.length || 1),
      p50: percentile(sorted, 0.5),
      p99: percentile(sorted, 0.99),
      max: sorted.at(-1) ?? 0,
    },
  }
}

/**
 * A warm-up and a measured run (`pk`, if given, is the server process to blame when it died), refusing a run with errors or non-2xx answers (it would measure
 * error handling). `accepted` counts both runs: all of them were written.
 */
export async function measureWrites(target, pk, { connections, duration }) {
  const run = async (seconds, phase) => {
    const r = await postLoad({ ...target, connections, seconds })
    if (r.errors || r.accepted !== r.requests) {
      const codes = Object.entries(r.statusCodes).map(([code, n]) => `${code}×${n}`).join(', ')
      throw new Error(`${target.name} (${phase}): ${r.errors} errors, ${r.requests - r.accepted} non-2xx (status codes: ${codes || 'none'}); `
        + `first: ${r.firstFailure}${pk && exited(pk) ? `\n${describeExit(pk)}` : ''}`)
    }
    return r
  }
  const warm = await run(WARMUP_SECONDS, 'warm-up')
  const r = await run(duration, 'measured')
  return { name: target.name, requestsPerSec: r.requestsPerSec, requests: r.requests, latencyMs: r.latencyMs, accepted: warm.accepted + r.accepted }
}
