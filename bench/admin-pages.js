#!/usr/bin/env node
// The merchant admin's two heaviest pages, rendered on the server for a signed-in owner of a program
// with 1 M partners: the partners list at page 1,000 (newest first, 25 a page, reached by its "Next page" link) and the dashboard.
// Each is loaded by wrk against bare node:http answering a fixed HTML page of its own size, in the
// same run (the quality bar: p99 under 50 ms at 20 connections).
//
//   node bench/admin-pages.js [--no-build] [--partners 1000000] [--page 1000] [--duration 10] [--connections 20] [--postgres URL]
import { spawnSync } from 'node:child_process'
import http from 'node:http'
import path from 'node:path'
import { benchFlags, buildDist, describeExit, exited, freePort, machineInfo, partnerkitEnv, positiveInteger, root, runBench, startBaseline, startPartnerkit, stop, writeResult } from './lib.js'
import { generatePartners } from './generate-partners.js'
import { openRawStore } from './raw-store.js'
import { runWrk, wrkAvailable } from './wrk.js'

const { flags, load } = benchFlags({ partners: { type: 'string', default: '1000000' }, page: { type: 'string', default: '1000' } })
if (!process.argv.includes('--connections')) load.connections = 20
const partners = positiveInteger('--partners', flags.partners)
const listPage = positiveInteger('--page', flags.page)
/** The admin's partners list shows this many a page (src/web/admin/partners.tsx). */
const PAGE_SIZE = 25
if ((listPage - 1) * PAGE_SIZE + 1 > partners) {
  console.error(`--page ${listPage} is past the last page of ${partners} partners`)
  process.exit(2)
}

/** A new owner of the program, through `partnerkit users create`, which prints only its one-time sign-in URL. */
async function signInLink(dataDir, databaseUrl) {
  const raw = await openRawStore({ databaseUrl, sqliteFile: path.join(dataDir, 'partnerkit.sqlite') })
  let programId
  try {
    [{ public_id: programId }] = await raw.all('select public_id from programs where name = ?', ['Bench Program'])
  } finally {
    await raw.close()
  }
  const env = partnerkitEnv({ port: await freePort(), dataDir, postgres: databaseUrl })
  const made = spawnSync(process.execPath, [path.join(root, 'bin/partnerkit.js'), 'users', 'create', '--email', 'owner@bench.example.com', '--program', programId],
    { cwd: root, env, encoding: 'utf8' })
  if (made.status !== 0) throw new Error(`partnerkit users create exited ${made.status}: ${made.stderr}`)
  return made.stdout.trim()
}

/** Follows the sign-in link on the server being measured, and answers the admin session cookie. */
async function sessionCookie(url, link) {
  const res = await fetch(link.replace(/^https?:\/\/[^/]+/, url), { redirect: 'manual' })
  const cookie = res.headers.get('set-cookie')?.split(';')[0]
  if (res.status !== 303 || !cookie?.startsWith('pk_admin=')) throw new Error(`the sign-in link answered ${res.status} without an admin session`)
  return cookie
}

/** The newest-first list's page n holds partners (count − 25(n − 1)) down to (count − 25n + 1). */
function expectedPartners(page) {
  const newest = partners - (page - 1) * PAGE_SIZE
  return Array.from({ length: Math.min(PAGE_SIZE, newest) }, (_, i) => `bench-partner-${newest - i}`)
}

/**
 * One GET on a connection of its own (a kept-alive one may have been closed by the server while wrk
 * ran). Refuses anything but a 200 whose HTML has every expected text: a bench of error pages is worthless.
 */
function getPage(url, headers) {
  return new Promise((resolve, reject) => {
    http.get(url, { headers, agent: false }, (res) => {
      const chunks = []
      res.on('data', (c) => chunks.push(c)).on('end', () => resolve({ status: res.statusCode, html: Buffer.concat(chunks) })).on('error', reject)
    }).on('error', reject)
  })
}

async function renderedPage(target, expected) {
  const { status, html } = await getPage(target.url, target.headers)
  const text = html.toString()
  const missing = expected.filter((e) => !text.includes(e))
  if (status !== 200 || missing.length > 0) {
    throw new Error(`${target.url} answered ${status}${missing.length ? `, without ${missing.slice(0, 3).join(', ')}${missing.length > 3 ? '…' : ''}` : ''}:\n${text.slice(0, 400)}`)
  }
  return html.length
}

/**
 * Page N of the list as a merchant reaches it: the "Next page" link of page N − 1, which names the
 * last partner shown, so the page starts after it by index (the page before is found by counting
 * once, to get the link).
 */
async function nextPageOf(before, headers, origin) {
  if (listPage === 1) return `${origin}/admin/partners`
  const html = (await getPage(before, headers)).html.toString()
  const href = /<a href="([^"]+)" rel="next">/.exec(html)?.[1]
  if (!href) throw new Error(`${before} has no "Next page" link:\n${html.slice(0, 400)}`)
  return `${origin}${href.replace(/&amp;/g, '&')}`
}

await runBench(async (dataDir) => {
  if (!wrkAvailable()) throw new Error('wrk is not installed (apt-get install wrk)')
  if (!flags['no-build']) buildDist()
  const databaseUrl = flags.postgres
  process.stderr.write(`generating ${partners} partners…\n`)
  const t = performance.now()
  await generatePartners({ databaseUrl, dataDir, count: partners, batch: 1000 })
  const generateMs = Math.round(performance.now() - t)
  const link = await signInLink(dataDir, databaseUrl)

  const { pk, url, store } = await startPartnerkit({ dataDir, postgres: databaseUrl })
  const headers = { cookie: await sessionCookie(url, link) }
  const listUrl = await nextPageOf(`${url}/admin/partners?page=${listPage - 1}`, headers, url)
  const pages = {
    partners: { label: `GET ${listUrl.slice(url.length)}`, url: listUrl, headers,
      expect: [...expectedPartners(listPage), `Page ${listPage}`] },
    dashboard: { label: 'GET /admin (dashboard)', url: `${url}/admin`, headers, expect: ['Bench Program', 'Revenue per day', 'Waiting for you'] },
  }
  const runs = []
  for (const [id, page] of Object.entries(pages)) {
    page.bytes = await renderedPage(page, page.expect)
    // A few requests one at a time first: 20 at once on a cold server (pages not cached, code not
    // compiled) can wait past wrk's 2 s timeout, which it counts as errors.
    for (let i = 0; i < 20; i++) await renderedPage(page, page.expect)
    const baseline = await startBaseline('baseline-page-server.js', [String(page.bytes)])
    // Baseline, the page, baseline: the two baselines bracket the page, their spread is this run's noise.
    for (const [kind, target] of [['baseline', { url: `${baseline}/` }], ['page', page], ['baseline', { url: `${baseline}/` }]]) {
      process.stderr.write(`wrk ${kind === 'page' ? page.label : `node:http ${page.bytes} B`}: ${load.connections} connections, ${load.duration} s…\n`)
      runWrk({ url: target.url, headers: target.headers, connections: load.connections, seconds: 2 })
      runs.push({ page: id, kind, bytes: page.bytes, ...runWrk({ url: target.url, headers: target.headers, connections: load.connections, seconds: load.duration }) })
    }
    // Still rendered after the load: a session or page that broke under it would have measured errors.
    await renderedPage(page, page.expect).catch((err) => { throw exited(pk) ? new Error(`${err.message}\n${describeExit(pk)}`) : err })
  }
  await stop(pk)

  const results = Object.entries(pages).map(([id, page]) => {
    const [before, measured, after] = runs.filter((r) => r.page === id)
    const reference = (before.requestsPerSec + after.requestsPerSec) / 2
    return {
      id, label: page.label, bytes: page.bytes, baselineReqPerSec: reference,
      baselineSpreadPercent: Math.abs(before.requestsPerSec - after.requestsPerSec) / reference * 100,
      runs: [before, measured, after].map((r) => ({ kind: r.kind, requestsPerSec: r.requestsPerSec, requests: r.requests, latencyMs: r.latencyMs, ratio: r.requestsPerSec / reference })),
    }
  })
  const report = {
    benchmark: 'admin-pages',
    timestamp: new Date().toISOString(),
    machine: machineInfo(),
    settings: { store, partners, listPage, pageSize: PAGE_SIZE, connections: load.connections, durationSeconds: load.duration, client: 'wrk --latency, 2 threads, 2 s warm-up per run' },
    generateMs,
    pages: results,
  }
  console.log(`
Machine     ${report.machine.cpu}, ${report.machine.cores} cores; store ${store}; ${partners} partners
Load        wrk, ${load.connections} connections, ${load.duration} s per run (2 s warm-up each)
`)
  for (const page of results) {
    for (const r of page.runs) {
      const name = r.kind === 'page' ? page.label : `node:http ${page.bytes} B page`
      console.log(`${name.padEnd(34)} ${r.requestsPerSec.toFixed(0).padStart(7)} req/s  p50 ${r.latencyMs.p50.toFixed(2).padStart(6)} ms  p99 ${r.latencyMs.p99.toFixed(2).padStart(6)} ms  ${r.ratio.toFixed(3)}×`)
    }
    const measured = page.runs.find((r) => r.kind === 'page')
    console.log(`  → ${page.label}: ${page.bytes} B, p99 ${measured.latencyMs.p99.toFixed(2)} ms (bar: < 50 ms), ${measured.ratio.toFixed(3)}× the bare page; baselines ${page.baselineSpreadPercent.toFixed(0)} % apart\n`)
  }
  console.log(`Data generated in ${generateMs} ms`)
  writeResult(report)
})
