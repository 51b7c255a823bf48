#!/usr/bin/env node
// Scale data for the money benchmarks: one affiliate program with partners, referred customers,
// their sales, the rewards those earned and the ledger, written straight into a store together with
// every counter the application keeps beside the rows (partner counts and amounts, the program's
// daily rollups), as the API would have left them had each customer and sale come through it at
// its time. Deterministic: the same settings give the same rows (only the times follow the clock).
//
// Not written: outbox events and click rows, which nothing these benches measure reads (the stats
// read the click counters): `clicks` fills only the counters, partners.clicks and the program's
// daily rollup.
//
//   node bench/generate-transactions.js --data-dir DIR [--postgres URL] [--transactions 1000000] [--clicks 0]
//     [--partners 1000] [--customers N] [--days 730]   (builds nothing: run `npm run build` first)
import path from 'node:path'
import { pathToFileURL } from 'node:url'
import { parseArgs } from 'node:util'
import { positiveInteger, root } from './lib.js'
import { openRawStore } from './raw-store.js'

const dist = (p) => import(path.join(root, 'dist', p))
const DAY_MS = 86_400_000
const BATCH = 10_000

const id = 'bigint'
const text = 'text'
const int = 'integer'
const json = 'jsonb'
const COLUMNS = {
  partners: { id, program_id: id, public_id: text, email: text, email_lower: text, name: text, surname: text, password_hash: text,
    status: text, approved: int, status_before_archive: text, tos: int, tags: json, custom_fields: json, referring_partner_id: id,
    commission: json, created_at: id, updated_at: id },
  referral_links: { id, program_id: id, partner_id: id, key: text, is_default: int, domain_id: id, landing_url: text,
    direct_tracking: int, direct_tracking_redirect: int, direct_tracking_redirect_url: text, created_at: id },
  customers: { id, program_id: id, key: text, deleted_key: text, partner_id: id, link_id: id, email: text, email_lower: text,
    name: text, surname: text, status: text, archived: int, tags: json, referral_url: text, live_sales: id, created_at: id,
    updated_at: id, deleted_at: id },
  transactions: { id, program_id: id, key: text, deleted_key: text, customer_id: id, partner_id: id, action: text, amount: id,
    refunded: id, currency: text, product: json, rewardable: int, rewarded: int, archived_at: id, extra: json, created_at: id,
    recorded_at: id, deleted_at: id },
  rewards: { id, program_id: id, transaction_id: id, partner_id: id, customer_id: id, level: int, kind: text, rule: json,
    amount: id, currency: text, status: text, review_until: id, archived: int, description: text, created_at: id },
  ledger_entries: { id, program_id: id, partner_id: id, reward_id: id, payout_id: id, kind: text, bucket: text, amount: id,
    currency: text, created_at: id },
  partner_amounts: { program_id: id, partner_id: id, metric: text, currency: text, value: id },
  program_rollups: { program_id: id, day: int, metric: text, currency: text, value: id },
}

/** mulberry32: a small seeded generator, so every run draws the same amounts. */
function seeded(seed) {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = Math.imul(a ^ (a >>> 15), a | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

const ceilDiv = (a, b) => Math.floor((a + b - 1) / b)

/**
 * Fills a store with a new program (the store need not be empty); returns its API key and id. Customer j (0-based) belongs to
 * partner j mod partners; sale i to customer ⌊i·customers/transactions⌋, so a customer's sales
 * follow one another and every customer has one when there are at least as many sales. Partners
 * join an hour before the window; customers and sales spread evenly over its `days` days.
 */
export async function generateMoney({ databaseUrl, dataDir, partners = 1000, customers, transactions, clicks = 0, days = 730, seed = 42, now = Date.now() }) {
  customers ??= Math.max(1, Math.ceil(transactions / 4))
  const { program, apiKey } = await newProgram({ databaseUrl, dataDir })
  const rules = program.settings.commission
  // Tiers, product rules, levels, periods and review would need the engine's whole decision per sale.
  if (rules.tiers.length || rules.products.length || rules.levels.length || rules.period !== 'lifetime' || rules.review_days !== 0) {
    throw new Error('generate-transactions writes rewards for a flat commission only (the default program settings)')
  }
  const raw = await openRawStore({ databaseUrl, sqliteFile: path.join(dataDir, 'partnerkit.sqlite') })
  try {
    const g = await context({ raw, program, partners, customers, transactions, days, now })
    await writePartners(g)
    await writeCustomers(g)
    await writeSales(g, seed)
    countClicks(g, clicks)
    await writeCounters(g)
    for (const table of Object.keys(g.ids)) await raw.resyncIds(table)
    // What PostgreSQL's autovacuum does within a minute of such a load: statistics, so that the
    // planner knows the tables' sizes. A bench starting on a never-analysed store would measure
    // plans made for empty tables instead (a whole-program scan per key looked up). Nothing runs
    // ANALYZE on a SQLite store, and it would cost there: with its sqlite_stat4 table, SQLite
    // plans a statement again whenever a value bound against an indexed column changes, which made
    // a customer's lookup by key four times as slow.
    if (databaseUrl) await raw.run('analyze')
    const revenueMicros = String(g.counts.revenue.reduce((sum, v) => sum + BigInt(v), 0n))
    return { apiKey, programId: program.id, currency: program.currency, partners, customers, transactions, clicks, days, rollupRows: g.rollups.size, revenueMicros }
  } finally {
    await raw.close()
  }
}

/** The program, made the application's way (its settings, its hashed API key), in the migrated store. */
async function newProgram({ databaseUrl, dataDir }) {
  const { openMigratedStore } = await dist('store/store.js')
  const { createProgram } = await dist('modules/api-keys/service.js')
  const store = await openMigratedStore({ databaseUrl, dataDir })
  try {
    return await createProgram(store.db, { name: 'Bench Money Program', type: 'affiliate', website: 'https://bench.example.com' })
  } finally {
    await store.close()
  }
}

/** What every step shares: the first free ids, the window, and the counters as they add up. */
async function context({ raw, program, partners, customers, transactions, days, now }) {
  const { METRIC } = await dist('modules/stats/metrics.js')
  const { epochDay } = await dist('wire-time.js')
  const ids = {}
  for (const table of ['partners', 'referral_links', 'customers', 'transactions', 'rewards', 'ledger_entries']) {
    ids[table] = Number((await raw.all(`select coalesce(max(id), 0) + 1 as n from ${table}`))[0].n)
  }
  const rollups = new Map()
  const perPartner = () => new Array(partners).fill(0)
  const start = now - days * DAY_MS
  return {
    raw, program, ids, METRIC, partners, customers, transactions, days, start, rollups,
    span: days * DAY_MS - 60_000,
    joinedAt: start - 3_600_000,
    counts: { clicks: perPartner(), signups: perPartner(), sales: perPartner(), paidAccounts: perPartner(), revenue: perPartner(), notPaid: perPartner() },
    /** A program rollup moves on the day of `at`, as bumpRollups() would. */
    bump(at, metric, value, currency = '') {
      const key = `${epochDay(at)}|${metric}|${currency}`
      rollups.set(key, (rollups.get(key) ?? 0) + value)
    },
  }
}

/** Partners, approved, each with its default link: one hash for all, hashing is not what is measured. */
async function writePartners(g) {
  const { hashPassword } = await dist('modules/partners/password.js')
  const passwordHash = await hashPassword('BenchPassw0rd')
  const { raw, ids, joinedAt } = g
  for (let from = 0; from < g.partners; from += BATCH) {
    const batch = Array.from({ length: Math.min(BATCH, g.partners - from) }, (_, k) => from + k)
    await raw.insert('partners', COLUMNS.partners, batch.map((p) => ({
      id: ids.partners + p, program_id: g.program.id, public_id: `bench-partner-${p + 1}`, email: `partner${p + 1}@bench.example.com`,
      email_lower: `partner${p + 1}@bench.example.com`, name: `Partner ${p + 1}`, surname: 'Bench', password_hash: passwordHash,
      status: 'active', approved: 1, status_before_archive: null, tos: 1, tags: '["bench"]', custom_fields: '[]',
      referring_partner_id: null, commission: null, created_at: joinedAt, updated_at: joinedAt,
    })))
    await raw.insert('referral_links', COLUMNS.referral_links, batch.map((p) => ({
      id: ids.referral_links + p, program_id: g.program.id, partner_id: ids.partners + p, key: `bench-key-${p + 1}`, is_default: 1,
      domain_id: null, landing_url: null, direct_tracking: 0, direct_tracking_redirect: 0, direct_tracking_redirect_url: null, created_at: joinedAt,
    })))
  }
  g.bump(joinedAt, g.METRIC.partners, g.partners)
  g.bump(joinedAt, g.METRIC.partnersApproved, g.partners)
}

/** Customers: each a sign-up and a referral of its partner; a partner's first makes it one "with sign-ups". */
async function writeCustomers(g) {
  const { ids, customers, transactions, METRIC } = g
  const salesOf = (c) => (transactions === 0 ? 0 : ceilDiv((c + 1) * transactions, customers) - ceilDiv(c * transactions, customers))
  for (let from = 0; from < customers; from += BATCH) {
    const rows = []
    for (let c = from; c < Math.min(customers, from + BATCH); c++) {
      const p = c % g.partners
      const at = g.start + Math.floor(c * (g.span / customers))
      rows.push({
        id: ids.customers + c, program_id: g.program.id, key: `bench-customer-${c + 1}`, deleted_key: null, partner_id: ids.partners + p,
        link_id: ids.referral_links + p, email: `customer${c + 1}@bench.example.com`, email_lower: `customer${c + 1}@bench.example.com`,
        name: `Customer ${c + 1}`, surname: 'Bench', status: 'active', archived: 0, tags: '[]', referral_url: null,
        live_sales: salesOf(c), created_at: at, updated_at: at, deleted_at: null,
      })
      if (++g.counts.signups[p] === 1) g.bump(at, METRIC.partnersWithSignups, 1)
      g.bump(at, METRIC.signups, 1)
      g.bump(at, METRIC.customers, 1)
    }
    await g.raw.insert('customers', COLUMNS.customers, rows)
  }
}

/** Sales at the program's commission, each with its reward (payable at once) and its ledger accrual. */
async function writeSales(g, seed) {
  const engine = await dist('modules/commissions/engine.js')
  const { ids, customers, transactions, counts, METRIC } = g
  const { id: programId, currency, settings: { commission: rules } } = g.program
  const rate = { type: rules.type, value: rules.value }
  const random = seeded(seed)
  let nextReward = ids.rewards
  let nextEntry = ids.ledger_entries
  for (let from = 0; from < transactions; from += BATCH) {
    const sales = []
    const rewards = []
    const ledger = []
    for (let i = from; i < Math.min(transactions, from + BATCH); i++) {
      const c = Math.floor(i * customers / transactions)
      const p = c % g.partners
      const at = g.start + Math.floor((i + 0.5) * (g.span / transactions))
      // 1.00 to 500.00 in whole cents.
      const amount = (100 + Math.floor(random() * 49_901)) * 10_000
      const transactionId = ids.transactions + i
      sales.push({
        id: transactionId, program_id: programId, key: `bench-sale-${i + 1}`, deleted_key: null, customer_id: ids.customers + c,
        partner_id: ids.partners + p, action: 'sale', amount, refunded: 0, currency, product: '{}', rewardable: 1, rewarded: 0,
        archived_at: null, extra: '{}', created_at: at, recorded_at: at, deleted_at: null,
      })
      g.bump(at, METRIC.revenue, amount, currency)
      g.bump(at, METRIC.purchases, 1)
      counts.revenue[p] += amount
      if (i === ceilDiv(c * transactions, customers)) {
        g.bump(at, METRIC.paidAccounts, 1)
        counts.paidAccounts[p]++
      }
      if (++counts.sales[p] === 1) g.bump(at, METRIC.partnersActive, 1)

      const rule = engine.applyRate(rate, { amount: BigInt(amount), currency, programCurrency: currency }, rules.rounding)
      const reward = Number(engine.commissionOn(rule, BigInt(amount)))
      if (reward === 0) continue
      const rewardId = nextReward++
      rewards.push({
        id: rewardId, program_id: programId, transaction_id: transactionId, partner_id: ids.partners + p, customer_id: ids.customers + c,
        level: 1, kind: 'sale', rule: JSON.stringify(rule), amount: reward, currency: rule.currency, status: 'ok', review_until: null,
        archived: 0, description: null, created_at: at,
      })
      ledger.push({
        id: nextEntry++, program_id: programId, partner_id: ids.partners + p, reward_id: rewardId,
        payout_id: null, kind: 'accrual', bucket: 'payable', amount: reward, currency: rule.currency, created_at: at,
      })
      counts.notPaid[p] += reward
      g.bump(at, METRIC.rewardsUnclaimed, reward, rule.currency)
      g.bump(at, METRIC.pending, reward, rule.currency)
      g.bump(at, METRIC.reward, reward, rule.currency)
    }
    await g.raw.insert('transactions', COLUMNS.transactions, sales)
    await g.raw.insert('rewards', COLUMNS.rewards, rewards)
    await g.raw.insert('ledger_entries', COLUMNS.ledger_entries, ledger)
  }
}

/** Clicks: counters only, spread evenly over the partners and the days of the window. */
function countClicks(g, clicks) {
  for (let p = 0; p < g.partners; p++) g.counts.clicks[p] = Math.floor(clicks * (p + 1) / g.partners) - Math.floor(clicks * p / g.partners)
  for (let d = 0; d < g.days; d++) {
    const share = Math.floor(clicks * (d + 1) / g.days) - Math.floor(clicks * d / g.days)
    if (share > 0) g.bump(g.start + d * DAY_MS, g.METRIC.clicks, share)
  }
}

/** The partners' counts and amounts and the program's rollups, as the steps above added them up. */
async function writeCounters(g) {
  const { PARTNER_AMOUNT } = await dist('modules/stats/service.js')
  const { raw, ids, counts } = g
  const { id: programId, currency } = g.program
  await raw.runMany('update partners set clicks = ?, signups = ?, referrals_count = ?, sales_count = ?, paid_accounts = ? where id = ?',
    counts.clicks.map((n, p) => [n, counts.signups[p], counts.signups[p], counts.sales[p], counts.paidAccounts[p], ids.partners + p]))
  const amounts = []
  for (let p = 0; p < g.partners; p++) {
    for (const [metric, value] of [[PARTNER_AMOUNT.revenue, counts.revenue[p]], [PARTNER_AMOUNT.notPaid, counts.notPaid[p]]]) {
      if (value !== 0) amounts.push({ program_id: programId, partner_id: ids.partners + p, metric, currency, value: safe(value) })
    }
  }
  await raw.insert('partner_amounts', COLUMNS.partner_amounts, amounts,
    'on conflict (program_id, partner_id, metric, currency) do update set value = partner_amounts.value + excluded.value')
  await raw.insert('program_rollups', COLUMNS.program_rollups, [...g.rollups].map(([key, value]) => {
    const [day, metric, cur] = key.split('|')
    return { program_id: programId, day: Number(day), metric, currency: cur, value: safe(value) }
  }), 'on conflict (program_id, metric, currency, day, shard) do update set value = program_rollups.value + excluded.value')
}

/** The sums are kept as numbers: exact while they stay below 2^53 micros (9 billion in major units). */
function safe(value) {
  if (!Number.isSafeInteger(value)) throw new Error(`a counter reached ${value}, past what a number holds exactly`)
  return value
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  const { values } = parseArgs({
    options: {
      'data-dir': { type: 'string' }, postgres: { type: 'string' }, transactions: { type: 'string', default: '1000000' },
      clicks: { type: 'string', default: '0' }, partners: { type: 'string', default: '1000' }, customers: { type: 'string' },
      days: { type: 'string', default: '730' },
    },
  })
  if (!values['data-dir'] && !values.postgres) {
    console.error('usage: node bench/generate-transactions.js --data-dir DIR | --postgres URL [--transactions N] [--clicks N] [--partners N] [--customers N] [--days N]')
    process.exit(2)
  }
  const count = (name) => (values[name] === '0' ? 0 : positiveInteger(`--${name}`, values[name]))
  const startedAt = performance.now()
  const made = await generateMoney({
    databaseUrl: values.postgres, dataDir: values['data-dir'] ?? './data', transactions: count('transactions'), clicks: count('clicks'),
    partners: positiveInteger('--partners', values.partners), customers: values.customers && positiveInteger('--customers', values.customers),
    days: positiveInteger('--days', values.days),
  })
  console.log(`${JSON.stringify({ ...made, generateMs: Math.round(performance.now() - startedAt) })}`)
}
