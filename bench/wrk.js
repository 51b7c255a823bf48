// wrk (Debian's package) as the load generator: a run's requests per second and latency
// percentiles, read from its --latency report. A run with errors or non-2xx answers is refused.
import { spawnSync } from 'node:child_process'

function ms(text) {
  const m = /^([\d.]+)(us|ms|s)$/.exec(text)
  if (!m) throw new Error(`wrk printed a latency I cannot read: ${text}`)
  const value = Number(m[1])
  return m[2] === 'us' ? value / 1000 : m[2] === 's' ? value * 1000 : value
}

export function wrkAvailable() {
  return spawnSync('wrk', ['--version']).error === undefined
}

/** One wrk run: `threads` threads, `connections` connections, `seconds` long, with `headers`. */
export function runWrk({ url, connections, seconds, threads = 2, headers = {} }) {
  const args = ['-t', String(threads), '-c', String(connections), '-d', `${seconds}s`, '--latency',
    ...Object.entries(headers).flatMap(([k, v]) => ['-H', `${k}: ${v}`]), url]
  const run = spawnSync('wrk', args, { encoding: 'utf8' })
  if (run.error) throw new Error(`wrk did not run (apt-get install wrk): ${run.error.message}`)
  const out = run.stdout
  const problems = [/Non-2xx or 3xx responses: (\d+)/.exec(out)?.[0], /Socket errors: .*/.exec(out)?.[0]].filter(Boolean)
  if (problems.length) throw new Error(`${url}: ${problems.join('; ')}\n${out}`)
  const pct = (p) => ms(new RegExp(`^\\s+${p}%\\s+(\\S+)`, 'm').exec(out)?.[1] ?? 'NaN')
  return {
    requestsPerSec: Number(/Requests\/sec:\s+([\d.]+)/.exec(out)?.[1]),
    requests: Number(/(\d+) requests in/.exec(out)?.[1]),
    latencyMs: { p50: pct(50), p90: pct(90), p99: pct(99) },
  }
}
