#!/usr/bin/env node
// GET /v1/partners/{id} (a partner with its stats and links) with N partners in the store,
// against the bare node:http baseline in the same run. The requests spread over partners all
// through the table, so the number says whether a read stays flat as the store grows.
//
//   node bench/partner-read.js [--no-build] [--partners 100000] [--duration 10] [--connections 50] [--postgres URL]
import path from 'node:path'
import { benchFlags, buildDist, compareRuns, positiveInteger, runBench, startBaseline, startPartnerkit } from './lib.js'
import { generatePartners } from './generate-partners.js'

const { flags, load } = benchFlags({ partners: { type: 'string', default: '100000' } })
const count = positiveInteger('--partners', flags.partners)

await runBench(async (dataDir) => {
  if (!flags['no-build']) buildDist()
  process.stderr.write(`generating ${count} partners…\n`)
  const generatedAt = performance.now()
  const key = await generatePartners({ databaseUrl: flags.postgres, dataDir, count })
  const generateMs = Math.round(performance.now() - generatedAt)

  const baselineUrl = await startBaseline()
  // The same reads on bare node:http (SQLite only: it opens the store's file).
  const storeBaselineUrl = flags.postgres ? null : await startBaseline('baseline-store-server.js', [path.join(dataDir, 'partnerkit.sqlite')])
  const { pk, url: pkUrl, store } = await startPartnerkit({ dataDir, postgres: flags.postgres })

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
    ...(storeBaselineUrl ? { storeBaseline: { name: 'node:http + the same SQLite reads', url: `${storeBaselineUrl}${paths[0]}`, paths, headers: {} } } : {}),
  }
  const report = await compareRuns({
    benchmark: 'partner-read', pk, targets, load,
    order: ['baseline', 'byId', 'byKey', ...(storeBaselineUrl ? ['storeBaseline'] : []), 'baseline'],
    settings: { store, partners: count },
    partnerkit: { startupMs: null, generateMs },
  })
  console.log(`Data: ${count} partners generated in ${generateMs} ms`)
  const rate = (id) => report.runs.find((r) => r.id === id)?.requestsPerSec
  if (storeBaselineUrl) console.log(`By id vs the same reads on bare node:http: ${(rate('byId') / rate('storeBaseline')).toFixed(2)}×`)
})
