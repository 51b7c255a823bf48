#!/usr/bin/env node
// Read-path throughput of Partnerkit's API (GET /v1/test, GET /v1/program), reported as a ratio
// to a bare node:http server measured in the same run on the same machine.
//
//   node bench/api-read.js [--no-build] [--duration 10] [--connections 50] [--postgres URL]
import { mkdtempSync, rmSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { parseArgs } from 'node:util'
import {
  START_TIMEOUT_MS, WARMUP_SECONDS, buildDist, children, compareToBaseline, freePort, machineInfo, measure, partnerkitEnv,
  positiveInteger, printReport, probe, readRssKb, root, start, startBaseline, stop, waitFor, waitHealthy, writeResult,
} from './lib.js'

const { values: flags } = parseArgs({
  options: {
    'no-build': { type: 'boolean', default: false },
    duration: { type: 'string', default: '10' },
    connections: { type: 'string', default: '50' },
    postgres: { type: 'string' },
  },
})
const load = { duration: positiveInteger('--duration', flags.duration), connections: positiveInteger('--connections', flags.connections) }

let dataDir
try {
  if (!flags['no-build']) buildDist()
  const baselineUrl = await startBaseline()

  // A fresh data dir, so the store is empty and Partnerkit makes (and prints) the demo key.
  dataDir = mkdtempSync(path.join(os.tmpdir(), 'partnerkit-bench-'))
  const port = await freePort()
  const startedAt = performance.now()
  const pk = start('partnerkit', [path.join(root, 'bin/partnerkit.js'), 'serve'], partnerkitEnv({ port, dataDir, postgres: flags.postgres }))
  const serving = await waitFor(pk, /Partnerkit is serving \S+ \(store: (\w+)/, START_TIMEOUT_MS, 'the "is serving" line')
  const key = (await waitFor(pk, /pk_live_[A-Za-z0-9]{32}/, 2000, 'demo API key',
    'The demo key is printed only on a store\'s first start: use a fresh database, e.g. '
    + 'psql -h 127.0.0.1 -U postgres -c \'CREATE DATABASE bench_x\''))[0]
  const pkUrl = `http://127.0.0.1:${port}`
  await waitHealthy(`${pkUrl}/healthz`, START_TIMEOUT_MS)
  const startupMs = Math.round(performance.now() - startedAt)

  const auth = { authorization: `Bearer ${key}` }
  const targets = {
    baseline: { name: 'node:http GET /', url: `${baselineUrl}/`, headers: {} },
    test: { name: 'Partnerkit GET /v1/test', url: `${pkUrl}/v1/test`, headers: auth },
    program: { name: 'Partnerkit GET /v1/program', url: `${pkUrl}/v1/program`, headers: auth },
  }
  for (const target of Object.values(targets)) target.bodyBytes = await probe(target)

  const order = ['baseline', 'test', 'program', 'baseline']
  const runs = []
  for (const id of order) {
    process.stderr.write(`measuring ${targets[id].name} (${WARMUP_SECONDS} s warm-up + ${load.duration} s)…\n`)
    runs.push({ id, ...(await measure(targets[id], pk, load)) })
  }
  const { reference, spreadPercent } = compareToBaseline(runs)
  const report = {
    benchmark: 'api-read',
    timestamp: new Date().toISOString(),
    machine: machineInfo(),
    settings: { durationSeconds: load.duration, warmupSeconds: WARMUP_SECONDS, connections: load.connections, store: serving[1], order },
    partnerkit: { startupMs, rssKb: readRssKb(pk.child.pid) },
    baselineReqPerSec: reference,
    baselineSpreadPercent: spreadPercent,
    targets: Object.fromEntries(Object.entries(targets).map(([id, t]) => [id, { name: t.name, bodyBytes: t.bodyBytes }])),
    runs,
  }
  printReport(report, targets)
  writeResult(report)
} catch (err) {
  console.error(`\nbench failed: ${err.message}`)
  process.exitCode = 1
} finally {
  await Promise.all(children.map(stop))
  // After the children exit, so SQLite has closed its files.
  if (dataDir) rmSync(dataDir, { recursive: true, force: true })
}
