#!/usr/bin/env node
// POST /v1/transactions throughput: each request records a sale, with a unique key, for an
// existing referred customer, so the commission engine, the reward, the ledger rows and every
// counter run, all in one store transaction. Measured on SQLite and, when a PostgreSQL URL is
// given, on PostgreSQL too, against bare node:http doing one SQLite insert per request in the same
// run. Afterwards the store must hold exactly the accepted sales: the partners' sales counts, the
// program's stats and the rows themselves are each checked against the number of 2xx answers.
//
//   node bench/transaction-write.js [--no-build] [--duration 10] [--connections 50] [--partners 100]
//     [--customers 10000] [--history 10000] [--postgres URL]   (or DATABASE_URL=postgres://…)
import path from 'node:path'
import {
  WARMUP_SECONDS, benchFlags, buildDist, compareToBaseline, machineInfo, meanRate, positiveInteger, printReport, readRssKb, runBench,
  root, startBaseline, startPartnerkit, stop, writeResult,
} from './lib.js'
import { generateMoney } from './generate-transactions.js'
import { measureWrites } from './post-load.js'
import { openRawStore } from './raw-store.js'
import { recount, statsMismatches } from './recount.js'

const SALE_AMOUNT = '49.90'
const SALE_MICROS = 49_900_000n

const { flags, load } = benchFlags({
  partners: { type: 'string', default: '100' }, customers: { type: 'string', default: '10000' }, history: { type: 'string', default: '10000' },
})
const partners = positiveInteger('--partners', flags.partners)
const customers = positiveInteger('--customers', flags.customers)
// The sales the program already had: a store whose sale tables are empty is not what a program that
// takes sales looks like, and PostgreSQL plans (and keeps) its foreign-key checks for their size.
const history = flags.history === '0' ? 0 : positiveInteger('--history', flags.history)
// The quality bar names both stores, so both are measured when PostgreSQL is named, not one for the other.
const postgres = flags.postgres ?? (/^postgres(ql)?:\/\//.test(process.env.DATABASE_URL ?? '') ? process.env.DATABASE_URL : undefined)

// One sequence for every target: each request carries a key never sent before, for the customers in turn.
let sent = 0
const sale = () => {
  sent++
  return JSON.stringify({ key: `bench-new-sale-${sent}`, amount: SALE_AMOUNT, customer: { key: `bench-customer-${1 + (sent % customers)}` }, product_id: 'bench-plan' })
}

async function probeWrite(target) {
  const res = await fetch(target.url, { method: 'POST', headers: { ...target.headers, 'content-type': 'application/json' }, body: target.body() })
  const text = await res.text()
  if (res.status !== 201) throw new Error(`${target.name} answered ${res.status}: ${text.slice(0, 300)}`)
  target.bodyBytes = Buffer.byteLength(text)
}

async function getData(url, auth) {
  const res = await fetch(url, { headers: auth })
  if (res.status !== 200) throw new Error(`GET ${url} answered ${res.status}: ${(await res.text()).slice(0, 300)}`)
  return (await res.json()).data
}

/** The partners' sales counts added up, and the program's stats, as the API answers them. */
async function readCounts(url, auth) {
  let salesCount = 0
  for (let p = 1; p <= partners; p++) salesCount += (await getData(`${url}/v1/partners/bench-partner-${p}`, auth)).referrals.sales_count
  return { salesCount, stats: (await getData(`${url}/v1/program`, auth)).stats }
}

/** Every accepted sale recorded exactly once, on top of what the store held `before`: by the partners' counters, the program's stats and the rows. */
async function verify({ url, auth, made, databaseUrl, dataDir, accepted, before }) {
  const { formatMoneyMap } = await import(path.join(root, 'dist/money/format.js'))
  const { salesCount, stats } = await readCounts(url, auth)
  const raw = await openRawStore({ databaseUrl, sqliteFile: path.join(dataDir, 'partnerkit.sqlite') })
  const rows = await recount(raw, made.programId, made.currency).finally(() => raw.close())
  const revenue = formatMoneyMap(new Map([[made.currency, BigInt(made.revenueMicros) + BigInt(accepted) * SALE_MICROS]]))
  const expected = String(Number(before.stats.total_purchases) + accepted)
  const problems = [
    ...(before.salesCount === history && before.stats.total_purchases === String(history) ? [] : [`the store held ${before.stats.total_purchases} sales before the load, not ${history}`]),
    ...(salesCount - before.salesCount === accepted ? [] : [`the partners' sales_count grew by ${salesCount - before.salesCount}`]),
    ...(stats.total_purchases === expected ? [] : [`GET /v1/program total_purchases is ${stats.total_purchases}, not ${expected}`]),
    ...(rows.stats.total_purchases === expected ? [] : [`the store holds ${rows.stats.total_purchases} live sales, not ${expected}`]),
    ...(JSON.stringify(stats.total_revenue) === JSON.stringify(revenue) ? [] : [`total_revenue is ${JSON.stringify(stats.total_revenue)}, not ${JSON.stringify(revenue)}`]),
    ...statsMismatches(stats, rows.stats),
    ...(rows.partnersOff ? [`${rows.partnersOff} partners' counters differ from their rows`] : []),
    ...(rows.customersOff ? [`${rows.customersOff} customers' live sales differ from their rows`] : []),
  ]
  if (problems.length) throw new Error(`${accepted} sales were accepted, but:\n  ${problems.join('\n  ')}`)
  return { history, accepted, partnersSalesCount: salesCount, totalPurchases: Number(stats.total_purchases), rows: Number(rows.stats.total_purchases),
    totalRevenue: stats.total_revenue, totalReward: stats.total_reward }
}

/** Generates the partners and customers, then measures and checks one store. */
async function measureStore({ databaseUrl, dataDir, label }) {
  process.stderr.write(`generating ${partners} partners, ${customers} customers and ${history} earlier sales (${label})…\n`)
  const made = await generateMoney({ databaseUrl, dataDir, partners, customers, transactions: history, days: 30 })
  const { pk, url, store } = await startPartnerkit({ dataDir, postgres: databaseUrl, name: `partnerkit (${label})` })
  const auth = { authorization: `Bearer ${made.apiKey}` }
  const target = { name: `POST /v1/transactions (${store})`, url: `${url}/v1/transactions`, headers: auth, body: sale }
  const before = await readCounts(url, auth)
  await probeWrite(target)
  process.stderr.write(`measuring ${target.name} (${WARMUP_SECONDS} s warm-up + ${load.duration} s)…\n`)
  const run = await measureWrites(target, pk, load)
  // The probe was a sale too.
  const verification = await verify({ url, auth, made, databaseUrl, dataDir, accepted: run.accepted + 1, before })
  const rssKb = readRssKb(pk.child.pid)
  await stop(pk)
  return { target, run: { ...run, store, rssKb }, verification }
}

await runBench(async (dataDir) => {
  if (!flags['no-build']) buildDist()
  const baselineUrl = await startBaseline('baseline-write-server.js', [path.join(dataDir, 'baseline.sqlite')])
  const baseline = { name: 'node:http + 1 SQLite insert', url: `${baselineUrl}/v1/transactions`, headers: {}, body: sale }
  await probeWrite(baseline)
  const measureBaseline = () => measureReference('baseline', baseline)

  const targets = { baseline }
  const runs = [await measureBaseline()]
  const verification = {}
  const stores = [{ id: 'sqlite', databaseUrl: undefined, dataDir: path.join(dataDir, 'sqlite') },
    ...(postgres ? [{ id: 'postgres', databaseUrl: postgres, dataDir: path.join(dataDir, 'postgres') }] : [])]
  // PostgreSQL is also read against bare node:http doing one PostgreSQL insert, measured around it.
  const postgresBaseline = postgres ? await startPostgresBaseline(postgres) : undefined
  if (postgresBaseline) targets['postgres-baseline'] = postgresBaseline.target
  for (const s of stores) {
    if (s.id === 'postgres' && postgresBaseline) runs.push(await postgresBaseline.measure())
    const measured = await measureStore({ databaseUrl: s.databaseUrl, dataDir: s.dataDir, label: s.id })
    targets[s.id] = measured.target
    runs.push({ id: s.id, ...measured.run })
    verification[s.id] = measured.verification
    if (s.id === 'postgres' && postgresBaseline) runs.push(await postgresBaseline.measure())
  }
  runs.push(await measureBaseline())

  const { reference, spreadPercent } = compareToBaseline(runs)
  const report = {
    benchmark: 'transaction-write',
    timestamp: new Date().toISOString(),
    machine: machineInfo(),
    settings: { durationSeconds: load.duration, warmupSeconds: WARMUP_SECONDS, connections: load.connections,
      order: runs.map((r) => r.id), store: stores.map((s) => s.id).join(' + '), partners, customers, history, saleAmount: SALE_AMOUNT,
      client: 'bench/post-load.js (node:http, keep-alive, closed loop)' },
    baselineReqPerSec: reference,
    baselineSpreadPercent: spreadPercent,
    targets: Object.fromEntries(Object.entries(targets).map(([id, t]) => [id, { name: t.name, bodyBytes: t.bodyBytes }])),
    runs,
    verification,
  }
  printReport(report, targets)
  for (const r of runs.filter((run) => verification[run.id])) {
    const v = verification[r.id]
    console.log(`${r.store}: ${v.accepted} sales accepted (2xx) after ${v.history} earlier ones, recorded once each: partners' sales_count ${v.partnersSalesCount}, `
      + `program total_purchases ${v.totalPurchases}, rows ${v.rows}; revenue ${Object.values(v.totalRevenue).join(' ')}, `
      + `commission ${Object.values(v.totalReward).join(' ')}; counters = rows; RSS ${r.rssKb === null ? 'n/a' : `${(r.rssKb / 1024).toFixed(1)} MB`}`)
  }
  const postgresRun = runs.find((r) => r.id === 'postgres')
  const postgresReference = meanRate(runs, 'postgres-baseline')
  if (postgresRun && postgresReference) {
    report.postgresBaselineReqPerSec = postgresReference
    console.log(`postgres: ${(postgresRun.requestsPerSec / postgresReference).toFixed(2)}× of node:http + 1 PostgreSQL insert `
      + `(${Math.round(postgresReference)} req/s, mean of its 2 runs around the PostgreSQL run)`)
  }
  writeResult(report)
})

async function startPostgresBaseline(url) {
  const baseUrl = await startBaseline('baseline-postgres-write-server.js', [url])
  const target = { name: 'node:http + 1 PostgreSQL insert', url: `${baseUrl}/v1/transactions`, headers: {}, body: sale }
  await probeWrite(target)
  return { target, measure: () => measureReference('postgres-baseline', target) }
}

/** One run of a bare reference server, as run `id`. */
async function measureReference(id, target) {
  process.stderr.write(`measuring ${target.name} (${WARMUP_SECONDS} s warm-up + ${load.duration} s)…\n`)
  return { id, ...(await measureWrites(target, undefined, load)) }
}
