#!/usr/bin/env node
// The partner portal's dashboard, rendered on the server for a signed-in partner of a program with
// 1 M partners and 10 M clicks, against bare node:http answering a fixed HTML page of the same
// size in the same run, both loaded by wrk (the quality bar: p99 under 20 ms at 20 connections).
// Also reports the page's weight: HTML, stylesheet and script, as sent and gzip-compressed.
//
//   node bench/portal-dashboard.js [--no-build] [--partners 1000000] [--clicks 10000000] [--duration 10] [--connections 20] [--postgres URL]
import path from 'node:path'
import { gzipSync } from 'node:zlib'
import { benchFlags, buildDist, machineInfo, positiveInteger, runBench, startBaseline, startPartnerkit, stop, writeResult } from './lib.js'
import { generatePartners } from './generate-partners.js'
import { openRawStore } from './raw-store.js'
import { runWrk, wrkAvailable } from './wrk.js'

const { flags, load } = benchFlags({ partners: { type: 'string', default: '1000000' }, clicks: { type: 'string', default: '10000000' } })
if (!process.argv.includes('--connections')) load.connections = 20
const partners = positiveInteger('--partners', flags.partners)
const clicks = positiveInteger('--clicks', flags.clicks)
const DAY = 86_400_000

/** 10 M click rows in one statement per store, spread over every partner's link and 30 days. */
async function fillClicks(raw, postgres) {
  const [{ program_id: programId, partner: firstPartner, link: firstLink }] = await raw.all(
    'select min(p.program_id) as program_id, min(p.id) as partner, min(l.id) as link from partners p join referral_links l on l.partner_id = p.id', [])
  const now = Date.now()
  if (postgres) {
    await raw.run(`insert into clicks (program_id, partner_id, link_id, visitor, first_at, counted_at, count)
      select ?, ? + (i % ?), ? + (i % ?), 'v' || i, ? - (i % 30) * ${DAY}, ? - (i % 30) * ${DAY}, 1 from generate_series(0, ? - 1) as i`,
    [programId, firstPartner, partners, firstLink, partners, now, now, clicks])
  } else {
    await raw.run(`with recursive n(i) as (select 0 union all select i + 1 from n where i < ? - 1)
      insert into clicks (program_id, partner_id, link_id, visitor, first_at, counted_at, count)
      select ?, ? + (i % ?), ? + (i % ?), 'v' || i, ? - (i % 30) * ${DAY}, ? - (i % 30) * ${DAY}, 1 from n`,
    [clicks, programId, firstPartner, partners, firstLink, partners, now, now])
  }
  return programId
}

/** The measured partner's own history: 300 commissions over 30 days and its money counters. */
async function fillPartner(raw, programId, partnerId) {
  const now = Date.now()
  const rule = JSON.stringify({ type: 'percent', value: '10', amount: '100000000', rounding: true, currency: 'USD', source: { kind: 'base' } })
  await raw.insert('rewards', {
    program_id: 'bigint', transaction_id: 'bigint', partner_id: 'bigint', customer_id: 'bigint', level: 'integer', kind: 'text', rule: 'jsonb',
    amount: 'bigint', currency: 'text', status: 'text', review_until: 'bigint', archived: 'integer', description: 'text', created_at: 'bigint',
  }, Array.from({ length: 300 }, (_, i) => ({
    program_id: programId, transaction_id: null, partner_id: partnerId, customer_id: null, level: 1, kind: 'sale', rule, amount: 10_000_000,
    currency: 'USD', status: i % 3 === 0 ? 'review_period' : 'ok', review_until: i % 3 === 0 ? now + 7 * DAY : null, archived: 0, description: null,
    created_at: now - (i % 30) * DAY - i,
  })))
  for (const [metric, value] of [['commissions.pending', 1_000_000_000], ['commissions.not_paid', 2_000_000_000], ['commissions.paid', 500_000_000]]) {
    await raw.run('insert into partner_amounts (program_id, partner_id, metric, currency, value) values (?, ?, ?, ?, ?)', [programId, partnerId, metric, 'USD', value])
  }
}

/** Signs the partner in as its merchant's app would (a sign-in URL), and answers the session cookie. */
async function sessionCookie(url, apiKey, partnerId) {
  const minted = await fetch(`${url}/v1/partners:sign-in-url`, {
    method: 'POST', headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' }, body: JSON.stringify({ id: partnerId }),
  })
  if (minted.status !== 200) throw new Error(`sign-in-url answered ${minted.status}: ${await minted.text()}`)
  const link = (await minted.json()).data.url
  const res = await fetch(link.replace(/^https?:\/\/[^/]+/, url), { redirect: 'manual' })
  const cookie = res.headers.get('set-cookie')?.split(';')[0]
  if (res.status !== 303 || !cookie) throw new Error(`the sign-in link answered ${res.status} without a session`)
  return { cookie, dashboard: `${url}${res.headers.get('location')}` }
}

async function pageWeight(dashboardUrl, cookie, origin) {
  const html = Buffer.from(await (await fetch(dashboardUrl, { headers: { cookie } })).arrayBuffer())
  const assets = [...html.toString().matchAll(/(?:href|src)="(\/assets\/[^"]+)"/g)].map((m) => m[1])
  const files = [{ name: 'dashboard HTML', body: html }]
  for (const asset of assets) files.push({ name: asset, body: Buffer.from(await (await fetch(`${origin}${asset}`)).arrayBuffer()) })
  const sized = files.map((f) => ({ name: f.name, bytes: f.body.length, gzipBytes: gzipSync(f.body).length }))
  return { files: sized, totalBytes: sized.reduce((s, f) => s + f.bytes, 0), totalGzipBytes: sized.reduce((s, f) => s + f.gzipBytes, 0), htmlBytes: html.length, html }
}

await runBench(async (dataDir) => {
  if (!wrkAvailable()) throw new Error('wrk is not installed (apt-get install wrk)')
  if (!flags['no-build']) buildDist()
  const databaseUrl = flags.postgres
  process.stderr.write(`generating ${partners} partners…\n`)
  let t = performance.now()
  const apiKey = await generatePartners({ databaseUrl, dataDir, count: partners, batch: 1000 })
  const generateMs = { partners: Math.round(performance.now() - t) }
  const raw = await openRawStore({ databaseUrl, sqliteFile: path.join(dataDir, 'partnerkit.sqlite') })
  const measured = `bench-partner-${Math.ceil(partners / 2)}`
  try {
    process.stderr.write(`generating ${clicks} clicks…\n`)
    t = performance.now()
    const programId = await fillClicks(raw, databaseUrl)
    generateMs.clicks = Math.round(performance.now() - t)
    const [{ id: partnerId }] = await raw.all('select id from partners where public_id = ?', [measured])
    await fillPartner(raw, programId, partnerId)
    const [{ n: clickRows }] = await raw.all('select count(*) as n from clicks', [])
    if (Number(clickRows) !== clicks) throw new Error(`${clickRows} click rows, not ${clicks}`)
  } finally {
    await raw.close()
  }

  const { pk, url, store } = await startPartnerkit({ dataDir, postgres: databaseUrl })
  const { cookie, dashboard } = await sessionCookie(url, apiKey, measured)
  const weight = await pageWeight(dashboard, cookie, url)
  if (!weight.html.toString().includes('Commission per day')) throw new Error('the dashboard did not render for the signed-in partner')
  const baselineUrl = await startBaseline('baseline-page-server.js', [String(weight.htmlBytes)])

  const runs = []
  for (const [id, target] of [['baseline', { url: `${baselineUrl}/` }], ['dashboard', { url: dashboard, headers: { cookie } }], ['baseline', { url: `${baselineUrl}/` }]]) {
    process.stderr.write(`wrk ${id}: ${load.connections} connections, ${load.duration} s…\n`)
    runWrk({ ...target, connections: load.connections, seconds: 2 })
    runs.push({ id, ...runWrk({ ...target, connections: load.connections, seconds: load.duration }) })
  }
  await stop(pk)
  const baseline = runs.filter((r) => r.id === 'baseline')
  const reference = (baseline[0].requestsPerSec + baseline[1].requestsPerSec) / 2
  const dash = runs.find((r) => r.id === 'dashboard')
  const report = {
    benchmark: 'portal-dashboard',
    timestamp: new Date().toISOString(),
    machine: machineInfo(),
    settings: { store, partners, clicks, connections: load.connections, durationSeconds: load.duration, client: 'wrk --latency, 2 threads' },
    generateMs,
    pageWeight: { files: weight.files, totalBytes: weight.totalBytes, totalGzipBytes: weight.totalGzipBytes },
    baselineReqPerSec: reference,
    runs: runs.map((r) => ({ ...r, ratio: r.requestsPerSec / reference })),
  }
  console.log(`
Machine     ${report.machine.cpu}, ${report.machine.cores} cores; store ${store}; ${partners} partners, ${clicks} clicks
Load        wrk, ${load.connections} connections, ${load.duration} s per run (2 s warm-up each)
`)
  for (const r of report.runs) {
    console.log(`${(r.id === 'dashboard' ? 'GET /portal/{id}/ (dashboard)' : `node:http ${weight.htmlBytes} B page`).padEnd(32)} ${r.requestsPerSec.toFixed(0).padStart(7)} req/s  p50 ${r.latencyMs.p50.toFixed(2)} ms  p99 ${r.latencyMs.p99.toFixed(2)} ms  ${r.ratio.toFixed(2)}×`)
  }
  console.log(`\nDashboard p99 ${dash.latencyMs.p99.toFixed(2)} ms (bar: < 20 ms); ratio to the bare page ${(dash.requestsPerSec / reference).toFixed(2)}×`)
  console.log(`Page weight: ${weight.files.map((f) => `${f.name} ${f.bytes} B (${f.gzipBytes} B gzip)`).join(', ')}; total ${weight.totalBytes} B, ${weight.totalGzipBytes} B gzip`)
  console.log(`Data generated in ${generateMs.partners} ms (partners) + ${generateMs.clicks} ms (clicks)`)
  writeResult(report)
})
