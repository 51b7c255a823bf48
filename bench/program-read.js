#!/usr/bin/env node
// GET /v1/program (the program with its full stats block) in a program with 1 M sales, against the
// bare node:http baseline in the same run. The store is filled by generate-transactions.js, and the
// stats the API answers are checked against a recount of the rows before anything is measured.
// One connection by default: the number asked for is the time of one request, not of a queue.
//
//   node bench/program-read.js [--no-build] [--transactions 1000000] [--clicks 10000000] [--partners 1000]
//     [--customers N] [--days 730] [--duration 10] [--connections 1] [--postgres URL]
import path from 'node:path'
import { benchFlags, buildDist, compareRuns, positiveInteger, runBench, startBaseline, startPartnerkit } from './lib.js'
import { generateMoney } from './generate-transactions.js'
import { openRawStore } from './raw-store.js'
import { recount, statsMismatches } from './recount.js'

const { flags, load } = benchFlags({
  transactions: { type: 'string', default: '1000000' },
  clicks: { type: 'string', default: '10000000' },
  partners: { type: 'string', default: '1000' },
  customers: { type: 'string' },
  days: { type: 'string', default: '730' },
  connections: { type: 'string', default: '1' },
})
const scale = {
  transactions: positiveInteger('--transactions', flags.transactions),
  // 0 clicks is a valid scale: the counters stay empty.
  clicks: flags.clicks === '0' ? 0 : positiveInteger('--clicks', flags.clicks),
  partners: positiveInteger('--partners', flags.partners),
  customers: flags.customers === undefined ? undefined : positiveInteger('--customers', flags.customers),
  days: positiveInteger('--days', flags.days),
}

await runBench(async (dataDir) => {
  if (!flags['no-build']) buildDist()
  process.stderr.write(`generating ${scale.transactions} sales, ${scale.clicks} clicks (counters only) over ${scale.days} days…\n`)
  const generatedAt = performance.now()
  const made = await generateMoney({ databaseUrl: flags.postgres, dataDir, ...scale })
  const generateMs = Math.round(performance.now() - generatedAt)

  const baselineUrl = await startBaseline()
  const { pk, url: pkUrl, store } = await startPartnerkit({ dataDir, postgres: flags.postgres })
  const auth = { authorization: `Bearer ${made.apiKey}` }

  // Only a stats block that is true is worth timing.
  process.stderr.write('recounting the stats from the rows…\n')
  const recountedAt = performance.now()
  const raw = await openRawStore({ databaseUrl: flags.postgres, sqliteFile: path.join(dataDir, 'partnerkit.sqlite') })
  const rows = await recount(raw, made.programId, made.currency).finally(() => raw.close())
  const recountMs = Math.round(performance.now() - recountedAt)
  const answer = await fetch(`${pkUrl}/v1/program`, { headers: auth })
  if (answer.status !== 200) throw new Error(`GET /v1/program answered ${answer.status}: ${(await answer.text()).slice(0, 300)}`)
  const stats = (await answer.json()).data.stats
  const problems = [...statsMismatches(stats, rows.stats),
    ...(rows.partnersOff ? [`${rows.partnersOff} partners' counters differ from their rows`] : []),
    ...(rows.customersOff ? [`${rows.customersOff} customers' live sales differ from their rows`] : [])]
  if (problems.length) throw new Error(`the generated store is not consistent:\n  ${problems.join('\n  ')}`)

  const targets = {
    baseline: { name: 'node:http GET /', url: `${baselineUrl}/`, headers: {} },
    program: { name: `GET /v1/program (${made.transactions} sales)`, url: `${pkUrl}/v1/program`, headers: auth },
  }
  const report = await compareRuns({
    benchmark: 'program-read', pk, targets, load,
    order: ['baseline', 'program', 'baseline'],
    settings: { store, ...scale, customers: made.customers, rollupRows: made.rollupRows, clickRows: 'none (the stats read the counters, never the rows)' },
    partnerkit: { startupMs: null, generateMs, recountMs },
  })
  const program = report.runs.find((r) => r.id === 'program')
  console.log(`Data: ${made.transactions} sales (each with its reward and ledger row), ${made.customers} customers, ${made.partners} partners `
    + `over ${made.days} days, ${made.rollupRows} rollup rows; generated in ${generateMs} ms`)
  console.log(`Clicks: ${made.clicks} in the click counters only, which is all GET /v1/program reads of them; no click rows are written`)
  console.log(`Checked before measuring: the stats block equals a recount of the rows (${recountMs} ms), no partner or customer counter off`)
  console.log(`GET /v1/program: p50 ${program.latencyMs.p50} ms, p99 ${program.latencyMs.p99} ms at ${load.connections} connection(s) (quality bar: < 20 ms)`)
})
