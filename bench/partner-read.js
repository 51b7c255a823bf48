#!/usr/bin/env node
// GET /v1/partners/{id} (a partner with its stats and links) with N partners in the store,
// against the bare node:http baseline in the same run. The requests spread over partners all
// through the table, so the number says whether a read stays flat as the store grows.
//
//   node bench/partner-read.js [--no-build] [--partners 100000] [--duration 10] [--connections 50] [--postgres URL]
import { mkdtempSync, rmSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { parseArgs } from 'node:util'
import {
  START_TIMEOUT_MS, WARMUP_SECONDS, buildDist, children, compareToBaseline, freePort, machineInfo, measure, partnerkitEnv,
  positiveInteger, printReport, probe, readRssKb, root, start, startBaseline, stop, waitFor, waitHealthy, writeResult,
} from './lib.js'
import { generatePartners } from './generate-partners.js'

const { values: flags } = parseArgs({
  options: {
    'no-build': { type: 'boolean', default: false },
    partners: { type: 'string', default: '100000' },
    duration: { type: 'string', default: '10' },
    connections: { type: 'string', default: '50' },
    postgres: { type: 'string' },
  },
})
const count = positiveInteger('--partners', flags.partners)
const load = { duration: positiveInteger('--duration', flags.duration), connections: positiveInteger('--connections', flags.connections) }

let dataDir
try {
  if (!flags['no-build']) buildDist()
  dataDir = mkdtempSync(path.join(os.tmpdir(), 'partnerkit-bench-'))
  process.stderr.write(`generating ${count} partners…\n`)
  const generatedAt = performance.now()
  const key = await generatePartners({ databaseUrl: flags.postgres, dataDir, count })
  const generateMs = Math.round(performance.now() - generatedAt)

  const baselineUrl = await startBaseline()
  const port = await freePort()
  const pk = start('partnerkit', [path.join(root, 'bin/partnerkit.js'), 'serve'], partnerkitEnv({ port, dataDir, postgres: flags.postgres }))
  const serving = await waitFor(pk, /Partnerkit is serving \S+ \(store: (\w+)/, START_TIMEOUT_MS, 'the "is serving" line')
  const pkUrl = `http://127.0.0.1:${port}`
  await waitHealthy(`${pkUrl}/healthz`, START_TIMEOUT_MS)

  // A fixed pseudo-random walk over the whole table (first, last and everything between).
  let seed = 12345
  const next = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31)
  const paths = Array.from({ length: 2000 }, () => `/v1/partners/bench-partner-${1 + (next() % count)}`)
  const byKey = paths.map((p) => p.replace('partner-', 'key-'))
  const auth = { authorization: `Bearer ${key}` }
  const targets = {
    baseline: { name: 'node:http GET /', url: `${baselineUrl}/`, headers: {} },
    byId: { name: `GET /v1/partners/{id} (${count} partners)`, url: `${pkUrl}${paths[0]}`, paths, headers: auth },
    byKey: { name: `GET /v1/partners/{key} (${count} partners)`, url: `${pkUrl}${byKey[0]}`, paths: byKey, headers: auth },
  }
  for (const target of Object.values(targets)) target.bodyBytes = await probe(target)

  const order = ['baseline', 'byId', 'byKey', 'baseline']
  const runs = []
  for (const id of order) {
    process.stderr.write(`measuring ${targets[id].name} (${WARMUP_SECONDS} s warm-up + ${load.duration} s)…\n`)
    runs.push({ id, ...(await measure(targets[id], pk, load)) })
  }
  const { reference, spreadPercent } = compareToBaseline(runs)
  const report = {
    benchmark: 'partner-read',
    timestamp: new Date().toISOString(),
    machine: machineInfo(),
    settings: { durationSeconds: load.duration, warmupSeconds: WARMUP_SECONDS, connections: load.connections, store: serving[1], order, partners: count },
    partnerkit: { startupMs: null, rssKb: readRssKb(pk.child.pid), generateMs },
    baselineReqPerSec: reference,
    baselineSpreadPercent: spreadPercent,
    targets: Object.fromEntries(Object.entries(targets).map(([id, t]) => [id, { name: t.name, bodyBytes: t.bodyBytes }])),
    runs,
  }
  printReport(report, targets)
  console.log(`Data: ${count} partners generated in ${generateMs} ms`)
  writeResult(report)
} catch (err) {
  console.error(`\nbench failed: ${err.message}`)
  process.exitCode = 1
} finally {
  await Promise.all(children.map(stop))
  if (dataDir) rmSync(dataDir, { recursive: true, force: true })
}
