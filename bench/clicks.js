#!/usr/bin/env node
// GET /r/{key}: a click on a referral link, counted and durably stored before the 302 leaves,
// against bare node:http answering a fixed 302 in the same run (the quality bar: ≥ 0.5× and p99
// < 20 ms at 100 connections). Every request is a new visitor (its own user agent), so every one
// counts; afterwards the partners' clicks, the program's clicks and the stored click rows must
// each equal the number of 302s Partnerkit sent.
//
//   node bench/clicks.js [--no-build] [--duration 10] [--connections 100] [--partners 10000] [--postgres URL]
import path from 'node:path'
import {
  WARMUP_SECONDS, benchFlags, buildDist, compareToBaseline, machineInfo, positiveInteger, printReport, readRssKb, runBench,
  startBaseline, startPartnerkit, stop, writeResult,
} from './lib.js'
import { generatePartners } from './generate-partners.js'
import { measureWrites } from './post-load.js'
import { openRawStore } from './raw-store.js'

const { flags, load } = benchFlags({ partners: { type: 'string', default: '10000' } })
if (!process.argv.includes('--connections')) load.connections = 100
const partners = positiveInteger('--partners', flags.partners)

const BROWSER = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36'
let sent = 0
/** Each request: a partner's link in turn, from a visitor never seen before. */
const visit = () => {
  sent++
  return { path: `/r/bench-key-${1 + (sent % partners)}`, headers: { 'user-agent': `${BROWSER} bench/${sent}` } }
}
const is302 = (status) => status === 302

async function verify({ url, auth, dataDir, databaseUrl, answered }) {
  const res = await fetch(`${url}/v1/program`, { headers: auth })
  const programClicks = Number((await res.json()).data.stats.affiliate_referred_visitors_clicks)
  const raw = await openRawStore({ databaseUrl, sqliteFile: path.join(dataDir, 'partnerkit.sqlite') })
  try {
    // The generated store holds one program.
    const [{ id: programId }] = await raw.all('select id from programs', [])
    const [partnerSum] = await raw.all('select sum(clicks) as n from partners where program_id = ?', [programId])
    const [rows] = await raw.all('select count(*) as n, sum("count") as counted from clicks where program_id = ?', [programId])
    const problems = [
      ...(programClicks === answered ? [] : [`the program counts ${programClicks} clicks`]),
      ...(Number(rows.n) === answered ? [] : [`the store holds ${rows.n} click rows`]),
      ...(Number(partnerSum.n) - seedClicks(partners) === answered ? [] : [`the partners' clicks grew by ${Number(partnerSum.n) - seedClicks(partners)}`]),
    ]
    if (problems.length) throw new Error(`${answered} clicks were answered with a 302, but:\n  ${problems.join('\n  ')}`)
    return { answered, programClicks, clickRows: Number(rows.n) }
  } finally {
    await raw.close()
  }
}

/** The clicks generate-partners gives the partners before the run (partner i has i % 100). */
function seedClicks(n) {
  let sum = 0
  for (let i = 1; i <= n; i++) sum += i % 100
  return sum
}

await runBench(async (dataDir) => {
  if (!flags['no-build']) buildDist()
  const databaseUrl = flags.postgres
  process.stderr.write(`generating ${partners} partners…\n`)
  const apiKey = await generatePartners({ databaseUrl, dataDir, count: partners })
  const baselineUrl = await startBaseline('baseline-redirect-server.js')
  const { pk, url, store } = await startPartnerkit({ dataDir, postgres: databaseUrl })
  const auth = { authorization: `Bearer ${apiKey}` }
  const targets = {
    baseline: { name: 'node:http fixed 302', url: `${baselineUrl}/r/x`, method: 'GET', request: visit, okStatus: is302, bodyBytes: 0 },
    clicks: { name: `GET /r/{key} (${store}, ${partners} partners)`, url: `${url}/r/x`, method: 'GET', request: visit, okStatus: is302, bodyBytes: 0 },
  }
  const runs = []
  for (const id of ['baseline', 'clicks', 'baseline']) {
    process.stderr.write(`measuring ${targets[id].name} (${WARMUP_SECONDS} s warm-up + ${load.duration} s)…\n`)
    runs.push({ id, ...(await measureWrites(targets[id], id === 'clicks' ? pk : undefined, load)) })
  }
  const rssKb = readRssKb(pk.child.pid)
  const clicksRun = runs.find((r) => r.id === 'clicks')
  const verification = await verify({ url, auth, dataDir, databaseUrl, answered: clicksRun.accepted })
  await stop(pk)

  const { reference, spreadPercent } = compareToBaseline(runs)
  const report = {
    benchmark: 'clicks',
    timestamp: new Date().toISOString(),
    machine: machineInfo(),
    settings: { durationSeconds: load.duration, warmupSeconds: WARMUP_SECONDS, connections: load.connections, order: runs.map((r) => r.id), store, partners,
      client: 'bench/post-load.js (node:http, keep-alive, closed loop, a new user agent per request)' },
    partnerkit: { startupMs: null, rssKb },
    baselineReqPerSec: reference,
    baselineSpreadPercent: spreadPercent,
    targets: Object.fromEntries(Object.entries(targets).map(([id, t]) => [id, { name: t.name, bodyBytes: 0 }])),
    runs,
    verification,
  }
  printReport(report, targets)
  console.log(`Verified: ${verification.answered} clicks answered = ${verification.programClicks} counted by the program = ${verification.clickRows} rows stored`)
  writeResult(report)
})
