// What every benchmark here shares: child processes, the bare node:http baseline, Partnerkit
// started on a store of its own, autocannon runs, and the report (printed and written as JSON).
// Benchmarks only report; they never pass or fail on speed.
import { spawn, spawnSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import net from 'node:net'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import autocannon from 'autocannon'

export const root = fileURLToPath(new URL('..', import.meta.url))
export const WARMUP_SECONDS = 2
export const START_TIMEOUT_MS = 30_000

/** Every child started here, so a failing bench still stops them all. */
export const children = []

/** Benchmarking a stale dist/ would measure code that is not the code in src/. */
export function buildDist() {
  const build = spawnSync('npm', ['run', 'build'], { cwd: root, stdio: 'inherit' })
  if (build.status !== 0) throw new Error('npm run build failed')
}

export async function startBaseline(script = 'baseline-server.js', args = []) {
  const baseline = start('baseline', [path.join(root, 'bench', script), ...args], process.env)
  const port = Number((await waitFor(baseline, /^(\d+)$/m, START_TIMEOUT_MS, 'its port'))[1])
  return `http://127.0.0.1:${port}`
}

/**
 * Environment for a Partnerkit process on its own store. The store-selecting variables are set
 * explicitly, never inherited, so a DATABASE_URL or REDIS_URL left in the shell cannot silently
 * change what is measured.
 */
export function partnerkitEnv({ port, dataDir, postgres }) {
  const env = { ...process.env, PORT: String(port), HOST: '127.0.0.1', PARTNERKIT_DATA_DIR: dataDir, LOG_LEVEL: 'silent',
    // The highest value the config accepts; a bench run sends well under 10 M requests a minute.
    RATE_LIMIT_MAX: '10000000' }
  delete env.DATABASE_URL
  delete env.REDIS_URL
  delete env.PUBLIC_URL
  if (postgres) env.DATABASE_URL = postgres
  return env
}

/** `partnerkit serve` on its own port and store, once it answers /healthz. */
export async function startPartnerkit({ dataDir, postgres, name = 'partnerkit' }) {
  const port = await freePort()
  // BENCH_CPU_PROF=DIR: Partnerkit writes a V8 CPU profile there when it stops (to find where a page's time goes).
  const profile = process.env.BENCH_CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`] : []
  const pk = start(name, [...profile, path.join(root, 'bin/partnerkit.js'), 'serve'], partnerkitEnv({ port, dataDir, postgres }))
  const serving = await waitFor(pk, /Partnerkit is serving \S+ \(store: (\w+)/, START_TIMEOUT_MS, 'the "is serving" line')
  const url = `http://127.0.0.1:${port}`
  await waitHealthy(`${url}/healthz`, START_TIMEOUT_MS)
  return { pk, url, store: serving[1] }
}

export function machineInfo() {
  return {
    cpu: os.cpus()[0]?.model ?? 'unknown',
    cores: os.cpus().length,
    totalMemoryGb: Math.round(os.totalmem() / 2 ** 30 * 10) / 10,
    platform: `${os.platform()} ${os.release()}`,
    node: process.version,
    fastify: packageVersion('fastify'),
    autocannon: packageVersion('autocannon'),
  }
}

/**
 * Ratios against the mean of the baseline runs: the machine's speed drifts during a run, and
 * the baselines bracket the Partnerkit runs. How far apart they are is the noise of this run.
 */
export function compareToBaseline(runs) {
  const rates = runs.filter((r) => r.id === 'baseline').map((r) => r.requestsPerSec)
  const reference = meanRate(runs, 'baseline')
  const spreadPercent = (Math.max(...rates) - Math.min(...rates)) / reference * 100
  for (const r of runs) r.ratio = r.requestsPerSec / reference
  return { reference, spreadPercent }
}

/** The mean req/s of the runs of one target (undefined when it has none). */
export function meanRate(runs, id) {
  const rates = runs.filter((r) => r.id === id).map((r) => r.requestsPerSec)
  return rates.length === 0 ? undefined : rates.reduce((sum, rate) => sum + rate, 0) / rates.length
}

export function writeResult(report) {
  const file = path.join(root, 'bench/results', `${report.benchmark}-${report.timestamp.replace(/[:.]/g, '-')}.json`)
  // bench/results/ holds only git-ignored files, so a fresh clone does not have it.
  mkdirSync(path.dirname(file), { recursive: true })
  writeFileSync(file, `${JSON.stringify(report, null, 2)}\n`)
  console.log(`\nWritten: ${path.relative(root, file)}`)
}

export function positiveInteger(name, raw) {
  const n = Number(raw)
  if (!Number.isInteger(n) || n < 1) {
    console.error(`${name} expects a whole number ≥ 1, got ${JSON.stringify(raw)}`)
    process.exit(2)
  }
  return n
}

/** A Node child process whose stdout/stderr are kept, for parsing and for error messages. */
export function start(name, args, env) {
  const child = spawn(process.execPath, args, { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] })
  const proc = { name, child, stdout: '', stderr: '' }
  child.stdout.setEncoding('utf8').on('data', (chunk) => { proc.stdout += chunk })
  child.stderr.setEncoding('utf8').on('data', (chunk) => { proc.stderr += chunk })
  children.push(proc)
  return proc
}

export function exited(proc) {
  return proc.child.exitCode !== null || proc.child.signalCode !== null
}

export function describeExit(proc) {
  const output = `${proc.stderr}${proc.stdout}`.trim().split('\n').slice(-20).join('\n')
  return `${proc.name} exited (${proc.child.signalCode ?? `code ${proc.child.exitCode}`})${output ? `:\n${output}` : ''}`
}

/** Resolves with the first match of pattern in the child's stdout; rejects on exit or timeout. */
export function waitFor(proc, pattern, ms, what, hint = '') {
  return new Promise((resolve, reject) => {
    const fail = (message) => { cleanup(); reject(new Error(hint ? `${message}\n${hint}` : message)) }
    const check = () => {
      const match = proc.stdout.match(pattern)
      if (match) { cleanup(); resolve(match) }
      return match
    }
    const onExit = () => { if (!check()) fail(`${describeExit(proc)}\n(waiting for ${what})`) }
    const timer = setTimeout(() => fail(`${proc.name}: no ${what} after ${ms} ms`), ms)
    const cleanup = () => {
      clearTimeout(timer)
      proc.child.stdout.off('data', check)
      proc.child.off('exit', onExit)
    }
    proc.child.stdout.on('data', check)
    proc.child.on('exit', onExit)
    check()
    if (exited(proc)) onExit()
  })
}

/** SIGTERM, then SIGKILL if it has not gone after 5 s, so the bench always exits by itself. */
export async function stop(proc) {
  if (exited(proc)) return
  const gone = new Promise((resolve) => proc.child.once('exit', resolve))
  proc.child.kill('SIGTERM')
  const timer = setTimeout(() => proc.child.kill('SIGKILL'), 5000)
  await gone
  clearTimeout(timer)
}

export function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer()
    server.on('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address()
      server.close(() => resolve(port))
    })
  })
}

export async function waitHealthy(url, ms) {
  const deadline = Date.now() + ms
  for (;;) {
    try {
      if ((await fetch(url)).status === 200) return
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`${url} did not answer 200 within ${ms} ms`)
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
}

/** One request before the load, so a wrong key or route fails with its own message, not as "N non-2xx". */
export async function probe(target) {
  const res = await fetch(target.url, { headers: target.headers })
  const body = Buffer.from(await res.arrayBuffer())
  if (res.status !== 200) throw new Error(`${target.name} answered ${res.status}: ${body.toString().slice(0, 300)}`)
  return body.length
}

export async function measure(target, pk, { connections, duration }) {
  const run = async (seconds, phase) => {
    // A target with `paths` spreads its requests over them (each connection walks the list).
    const requests = target.paths?.map((p) => ({ method: 'GET', path: p }))
    const result = await autocannon({ url: target.url, headers: target.headers, connections, duration: seconds, ...(requests ? { requests } : {}) })
    // A run with failures measures error handling, not the read path: refuse to report it.
    if (result.errors || result.timeouts || result.non2xx) {
      const codes = Object.entries(result.statusCodeStats).map(([code, s]) => `${code}×${s.count}`).join(', ')
      throw new Error(`${target.name} (${phase}): ${result.errors} errors, ${result.timeouts} timeouts, `
        + `${result.non2xx} non-2xx (status codes: ${codes || 'none'})${exited(pk) ? `\n${describeExit(pk)}` : ''}`)
    }
    return result
  }
  await run(WARMUP_SECONDS, 'warm-up')
  const r = await run(duration, 'measured')
  return {
    name: target.name,
    requestsPerSec: r.requests.mean,
    requests: r.requests.total,
    latencyMs: { mean: r.latency.mean, p50: r.latency.p50, p99: r.latency.p99, max: r.latency.max },
  }
}

/** Resident memory in kB, Linux only (null elsewhere). */
export function readRssKb(pid) {
  try {
    return Number(readFileSync(`/proc/${pid}/status`, 'utf8').match(/VmRSS:\s+(\d+) kB/)[1])
  } catch {
    return null
  }
}

export function packageVersion(name) {
  try {
    return JSON.parse(readFileSync(path.join(root, 'node_modules', name, 'package.json'), 'utf8')).version
  } catch {
    return 'unknown'
  }
}

export function printReport({ machine, settings, partnerkit, baselineReqPerSec, baselineSpreadPercent, runs }, targets) {
  const m = machine
  console.log(`
Machine     ${m.cpu}, ${m.cores} cores, ${m.totalMemoryGb} GB (${m.platform})
Node        ${m.node}   fastify ${m.fastify}   autocannon ${m.autocannon}
Store       ${settings.store}
Load        ${settings.connections} connections, ${settings.warmupSeconds} s warm-up + ${settings.durationSeconds} s per run
`)
  const rows = [['target', 'body B', 'req/s', 'p50 ms', 'p99 ms', 'vs baseline']]
  for (const r of runs) {
    // autocannon's latency histogram has 1 ms resolution: print whole ms, "<1" for 0.
    const ms = (v) => (v < 1 ? '<1' : v.toFixed(0))
    rows.push([r.name, String(targets[r.id].bodyBytes), r.requestsPerSec.toFixed(0), ms(r.latencyMs.p50),
      ms(r.latencyMs.p99), `${r.ratio.toFixed(2)}×`])
  }
  const widths = rows[0].map((_, i) => Math.max(...rows.map((row) => row[i].length)))
  // The name column is left-aligned, the numbers right-aligned.
  for (const row of rows) console.log(row.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]) : cell.padStart(widths[i]))).join('  '))
  console.log(`\nBaseline reference: ${baselineReqPerSec.toFixed(0)} req/s, mean of 2 runs `
    + `${baselineSpreadPercent.toFixed(0)} % apart (the noise of this run)`)
  if (partnerkit) console.log(`Partnerkit: ${partnerkit.startupMs === null ? '' : `started in ${partnerkit.startupMs} ms, `}RSS after the run ${partnerkit.rssKb === null ? 'n/a' : `${(partnerkit.rssKb / 1024).toFixed(1)} MB`}`)
}

/**
 * Probes every target, measures them in `order` (the baseline first and last), and prints and
 * writes the report with each run's ratio to the baseline.
 */
export async function compareRuns({ benchmark, pk, targets, order, load, settings, partnerkit }) {
  for (const target of Object.values(targets)) target.bodyBytes = await probe(target)
  const runs = []
  for (const id of order) {
    process.stderr.write(`measuring ${targets[id].name} (${WARMUP_SECONDS} s warm-up + ${load.duration} s)…\n`)
    runs.push({ id, ...(await measure(targets[id], pk, load)) })
  }
  const { reference, spreadPercent } = compareToBaseline(runs)
  const report = {
    benchmark,
    timestamp: new Date().toISOString(),
    machine: machineInfo(),
    settings: { durationSeconds: load.duration, warmupSeconds: WARMUP_SECONDS, connections: load.connections, order, ...settings },
    partnerkit: { ...partnerkit, rssKb: readRssKb(pk.child.pid) },
    baselineReqPerSec: reference,
    baselineSpreadPercent: spreadPercent,
    targets: Object.fromEntries(Object.entries(targets).map(([id, t]) => [id, { name: t.name, bodyBytes: t.bodyBytes }])),
    runs,
  }
  printReport(report, targets)
  writeResult(report)
  return report
}

/** The flags every benchmark takes, plus its own. */
export function benchFlags(extra = {}) {
  const { values } = parseArgs({
    options: {
      'no-build': { type: 'boolean', default: false },
      duration: { type: 'string', default: '10' },
      connections: { type: 'string', default: '50' },
      postgres: { type: 'string' },
      ...extra,
    },
  })
  return {
    flags: values,
    load: { duration: positiveInteger('--duration', values.duration), connections: positiveInteger('--connections', values.connections) },
  }
}

/**
 * Runs a benchmark with a fresh data directory: reports a failure as exit 1, and always stops
 * every child before removing the directory (so SQLite has closed its files).
 */
export async function runBench(work) {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'partnerkit-bench-'))
  try {
    await work(dataDir)
  } catch (err) {
    console.error(`\nbench failed: ${err.message}`)
    process.exitCode = 1
  } finally {
    await Promise.all(children.map(stop))
    rmSync(dataDir, { recursive: true, force: true })
  }
}
