#!/usr/bin/env node
// Read-path throughput of Partnerkit's API (GET /v1/test, GET /v1/program), reported as a ratio
// to a bare node:http server measured in the same run on the same machine.
//
//   node bench/api-read.js [--no-build] [--duration 10] [--connections 50] [--postgres URL]
import { benchFlags, buildDist, compareRuns, runBench, startBaseline, startPartnerkit, waitFor } from './lib.js'

const { flags, load } = benchFlags()

await runBench(async (dataDir) => {
  if (!flags['no-build']) buildDist()
  const baselineUrl = await startBaseline()

  // The data dir is fresh, so the store is empty and Partnerkit makes (and prints) the demo key.
  const startedAt = performance.now()
  const { pk, url: pkUrl, store } = await startPartnerkit({ dataDir, postgres: flags.postgres })
  const startupMs = Math.round(performance.now() - startedAt)
  const key = (await waitFor(pk, /pk_live_[A-Za-z0-9]{32}/, 2000, 'demo API key',
    'The demo key is printed only on a store\'s first start: use a fresh database, e.g. '
    + 'psql -h 127.0.0.1 -U postgres -c \'CREATE DATABASE bench_x\''))[0]

  const auth = { authorization: `Bearer ${key}` }
  const targets = {
    baseline: { name: 'node:http GET /', url: `${baselineUrl}/`, headers: {} },
    test: { name: 'Partnerkit GET /v1/test', url: `${pkUrl}/v1/test`, headers: auth },
    program: { name: 'Partnerkit GET /v1/program', url: `${pkUrl}/v1/program`, headers: auth },
  }
  await compareRuns({
    benchmark: 'api-read', pk, targets, load,
    order: ['baseline', 'test', 'program', 'baseline'],
    settings: { store },
    partnerkit: { startupMs },
  })
})
