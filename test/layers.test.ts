// The direction of dependencies, checked on every run. Modules sit in three layers: the core every
// program type shares, the resources above it, the public and external edges on top. A module
// imports only from its own layer or a lower one, and no chain of imports comes back to where it
// started (type imports included). http/ imports no module, money/ nothing outside money/, a
// service knows no HTTP, a route no store, and no module file imports another module's store: it
// reaches that module's data through its service. Nothing in src/modules imports what assembles or
// runs the modules (app, main, jobs, cli, web, mail). And every table is written by one module (or one
// shared part of the store, such as the outbox) only.
import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'

const SRC = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../src')

/** Bottom first. A new module must be placed here: the test names one it cannot find. */
const LAYERS: Record<string, string[]> = {
  // counters and rollups, commission rules, the ledger, rewards: the money every program type shares
  core: ['stats', 'commissions', 'ledger', 'rewards'],
  resources: ['programs', 'api-keys', 'webhooks', 'partners', 'sign-in', 'referral-links', 'customers', 'transactions', 'leads', 'payouts', 'events', 'users'],
  // where visitors, providers and probes come in
  edges: ['tracking', 'health', 'integrations/*'],
}

/** What assembles and runs the modules: above every layer (mail reads their events and sends for them). */
const ABOVE_MODULES = ['app', 'main', 'jobs', 'cli', 'web', 'mail']

interface Import {
  from: string
  to: string
}

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name)
    if (entry.isDirectory()) return sourceFiles(full)
    return /\.tsx?$/.test(entry.name) && !/\.test\.tsx?$/.test(entry.name) ? [full] : []
  })
}

function imports(): Import[] {
  return sourceFiles(SRC).flatMap((file) => {
    const text = fs.readFileSync(file, 'utf8')
    return [...text.matchAll(/^(?:import|export)\b[^'";]*?from '(\.[^']+)'/gm)].map((m) => ({
      from: path.relative(SRC, file),
      to: resolved(path.resolve(path.dirname(file), m[1] as string)),
    }))
  })
}

/** An import's file: `./x.js` is x.ts or x.tsx. */
function resolved(target: string): string {
  const ts = target.replace(/\.js$/, '.ts')
  return path.relative(SRC, fs.existsSync(ts) ? ts : `${ts}x`)
}

/** The room a file is in: a module (integrations count one each), or a top-level folder or file. */
function room(file: string): string {
  const parts = file.split(path.sep)
  if (parts[0] === 'modules') return parts[1] === 'integrations' ? `integrations/${parts[2]}` : (parts[1] as string)
  return (parts[0] as string).replace(/\.ts$/, '')
}

function layerOf(module: string): number | undefined {
  const names = Object.values(LAYERS)
  const index = names.findIndex((members) => members.includes(module) || (module.startsWith('integrations/') && members.includes('integrations/*')))
  return index < 0 ? undefined : index
}

/** Rooms that import each other in a circle, each circle named once from its smallest room. */
function cycles(edges: Set<string>): string[] {
  const next = new Map<string, string[]>()
  for (const edge of edges) {
    const [a, b] = edge.split(' -> ') as [string, string]
    if (a !== b) next.set(a, [...(next.get(a) ?? []), b])
  }
  const found = new Set<string>()
  const walk = (start: string, at: string, trail: string[]) => {
    for (const to of next.get(at) ?? []) {
      if (to === start) found.add(`cycle: ${[...trail, start].join(' -> ')}`)
      else if (to > start && !trail.includes(to)) walk(start, to, [...trail, to])
    }
  }
  for (const start of [...next.keys()].sort()) walk(start, start, [start])
  return [...found]
}

function breaks(all: Import[]): string[] {
  const found = new Set<string>()
  const moduleEdges = all.filter((i) => isModuleFile(i.from) && isModuleFile(i.to))
  for (const c of cycles(new Set(moduleEdges.map((i) => `${room(i.from)} -> ${room(i.to)}`)))) found.add(c)
  for (const { from, to } of all) {
    const isModule = isModuleFile(to)
    if (isModuleFile(from)) {
      const mine = layerOf(room(from))
      if (mine === undefined) found.add(`module in no layer: ${room(from)}`)
      if (ABOVE_MODULES.includes(room(to))) found.add(`module imports what runs it: ${from} -> ${to}`)
      if (isModule) {
        const theirs = layerOf(room(to))
        if (mine !== undefined && theirs !== undefined && theirs > mine) found.add(`imports a higher layer: ${from} -> ${to}`)
      }
    }
    if ((from.startsWith(`http${path.sep}`) || from.startsWith(`money${path.sep}`)) && isModule) {
      found.add(`${from.split(path.sep)[0]} imports a module: ${from} -> ${to}`)
    }
    if (from.startsWith(`money${path.sep}`) && !to.startsWith(`money${path.sep}`)) found.add(`money imports outside money: ${from} -> ${to}`)
    if (path.basename(from) === 'service.ts' && to.startsWith(`http${path.sep}`)) found.add(`service imports http: ${from} -> ${to}`)
    // Routes are thin: even their own module's queries go through its service.
    if (path.basename(from) === 'routes.ts' && isModule && path.basename(to) === 'store.ts') found.add(`route imports a store: ${from} -> ${to}`)
    // Pages call services, never stores (web.md §2).
    if (from.startsWith(`web${path.sep}`) && path.basename(to) === 'store.ts') found.add(`page imports a store: ${from} -> ${to}`)
    if (isModuleFile(from) && isModule && path.basename(to) === 'store.ts' && room(from) !== room(to)) {
      found.add(`module imports another's store: ${from} -> ${to}`)
    }
  }
  return [...found].sort()
}

/** The tables of the store, as src/store/schema.ts declares them. */
function tables(): string[] {
  const schema = fs.readFileSync(path.join(SRC, 'store', 'schema.ts'), 'utf8')
  const body = schema.slice(schema.indexOf('export interface Database {'))
  return [...body.slice(0, body.indexOf('}')).matchAll(/^\s+(\w+): \w+Table$/gm)].map((m) => m[1] as string)
}

/** Per table, the rooms whose code writes it (query builder, the store's write helpers, SQL text). */
function writers(known: string[]): Map<string, Set<string>> {
  const found = new Map<string, Set<string>>()
  const names = known.join('|')
  const writes = new RegExp(
    `(?:insertInto|updateTable|deleteFrom)\\(\\s*'(${names})'|(?:appendRows|insertRows|addToCounters)(?:<[^>]*>)?\\(\\s*\\w+,\\s*'(${names})'` +
    `|\\b(?:insert into|update|delete from)\\s+"?(${names})"?\\s`, 'gi')
  for (const file of sourceFiles(SRC).filter((f) => !f.includes(`${path.sep}migrations${path.sep}`))) {
    const from = room(path.relative(SRC, file))
    for (const m of fs.readFileSync(file, 'utf8').matchAll(writes)) {
      const table = (m[1] ?? m[2] ?? m[3]) as string
      found.set(table, new Set([...(found.get(table) ?? []), from]))
    }
  }
  return found
}

function isModuleFile(file: string): boolean {
  return file.startsWith(`modules${path.sep}`)
}

describe('the direction of dependencies', () => {
  it('finds the imports it checks (the reader works)', () => {
    expect(imports().length).toBeGreaterThan(500)
    expect(breaks([{ from: 'modules/ledger/service.ts', to: 'modules/partners/store.ts' }, { from: 'modules/partners/routes.ts', to: 'modules/ledger/store.ts' }]))
      .toEqual([
        'cycle: ledger -> partners -> ledger',
        'imports a higher layer: modules/ledger/service.ts -> modules/partners/store.ts',
        'module imports another\'s store: modules/ledger/service.ts -> modules/partners/store.ts',
        'module imports another\'s store: modules/partners/routes.ts -> modules/ledger/store.ts',
        'route imports a store: modules/partners/routes.ts -> modules/ledger/store.ts',
      ])
    // A circle of three in one layer; a module no layer holds; one reaching for what runs it.
    expect(breaks([
      { from: 'modules/partners/a.ts', to: 'modules/customers/b.ts' },
      { from: 'modules/customers/b.ts', to: 'modules/payouts/c.ts' },
      { from: 'modules/payouts/c.ts', to: 'modules/partners/d.ts' },
      { from: 'modules/coupons/service.ts', to: 'jobs/index.ts' },
    ])).toEqual([
      'cycle: customers -> payouts -> partners -> customers',
      'module imports what runs it: modules/coupons/service.ts -> jobs/index.ts',
      'module in no layer: coupons',
    ])
    // A module's own store is its own; each integration is a module of its own.
    expect(breaks([
      { from: 'modules/partners/sales.ts', to: 'modules/partners/store.ts' },
      { from: 'modules/integrations/x/service.ts', to: 'modules/integrations/x/store.ts' },
      { from: 'modules/integrations/x/service.ts', to: 'modules/integrations/y/store.ts' },
      { from: 'http/route.ts', to: 'modules/programs/service.ts' },
      { from: 'modules/programs/service.ts', to: 'http/errors.ts' },
      { from: 'modules/programs/routes.ts', to: 'modules/programs/store.ts' },
      { from: 'money/micros.ts', to: 'store/schema.ts' },
    ])).toEqual([
      'http imports a module: http/route.ts -> modules/programs/service.ts',
      'module imports another\'s store: modules/integrations/x/service.ts -> modules/integrations/y/store.ts',
      'money imports outside money: money/micros.ts -> store/schema.ts',
      'route imports a store: modules/programs/routes.ts -> modules/programs/store.ts',
      'service imports http: modules/programs/service.ts -> http/errors.ts',
    ])
  })

  it('finds no import against the rules', () => {
    expect(breaks(imports())).toEqual([])
  })
})

describe('who writes a table', () => {
  const known = tables()
  const written = writers(known)

  it('reads the tables and finds their writers (the reader works)', () => {
    expect(known).toContain('partner_amounts')
    expect(known.length).toBeGreaterThan(20)
    expect([...written.get('partners') ?? []]).toEqual(['partners'])
    expect([...written.get('clicks') ?? []]).toEqual(['tracking'])
    expect([...written.get('outbox') ?? []]).toEqual(['events'])
  })

  it('is one module (or one shared part of the store) for every table', () => {
    const shared = [...written].filter(([, rooms]) => rooms.size > 1).map(([table, rooms]) => `${table}: ${[...rooms].sort().join(', ')}`)
    expect(shared).toEqual([])
  })
})
