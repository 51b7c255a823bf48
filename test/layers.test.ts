// The direction of dependencies, checked on every run: modules never import each other both ways
// (type imports included), http/ and money/ import no module, a service knows no HTTP, a route
// imports no store, and no module file imports another module's store (type imports included):
// it reaches that module's data through its service. What still breaks a rule is listed below by
// name, to be taken off as the structure work (issue 19) mends it: a new break fails this test,
// and so does a listed one that no longer exists, so the list can only shrink.
import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'

const SRC = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../src')

/** Breaks not mended yet: none are left. */
const KNOWN = new Set<string>([])

interface Import {
  from: string
  to: string
}

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name)
    if (entry.isDirectory()) return sourceFiles(full)
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts') ? [full] : []
  })
}

function imports(): Import[] {
  return sourceFiles(SRC).flatMap((file) => {
    const text = fs.readFileSync(file, 'utf8')
    return [...text.matchAll(/^(?:import|export)\b[^'";]*?from '(\.[^']+)'/gm)].map((m) => ({
      from: path.relative(SRC, file),
      to: path.relative(SRC, path.resolve(path.dirname(file), (m[1] as string).replace(/\.js$/, '.ts'))),
    }))
  })
}

/** The room a file is in: a module (integrations count one each), or a top-level folder or file. */
function room(file: string): string {
  const parts = file.split(path.sep)
  if (parts[0] === 'modules') return parts[1] === 'integrations' ? `integrations/${parts[2]}` : (parts[1] as string)
  return (parts[0] as string).replace(/\.ts$/, '')
}

function breaks(all: Import[]): string[] {
  const found = new Set<string>()
  const edges = new Set(all.map((i) => `${room(i.from)} -> ${room(i.to)}`))
  for (const edge of edges) {
    const [a, b] = edge.split(' -> ') as [string, string]
    if (a !== b && a < b && edges.has(`${b} -> ${a}`)) found.add(`cycle: ${a} <-> ${b}`)
  }
  for (const { from, to } of all) {
    const isModule = to.startsWith(`modules${path.sep}`)
    if ((from.startsWith(`http${path.sep}`) || from.startsWith(`money${path.sep}`)) && isModule) {
      found.add(`${from.split(path.sep)[0]} imports a module: ${from} -> ${to}`)
    }
    if (path.basename(from) === 'service.ts' && to.startsWith(`http${path.sep}`)) found.add(`service imports http: ${from} -> ${to}`)
    if (path.basename(from) === 'routes.ts' && isModule && path.basename(to) === 'store.ts') found.add(`route imports a store: ${from} -> ${to}`)
    if (from.startsWith(`modules${path.sep}`) && isModule && path.basename(to) === 'store.ts' && room(from) !== room(to)) {
      found.add(`module imports another's store: ${from} -> ${to}`)
    }
  }
  return [...found].sort()
}

describe('the direction of dependencies', () => {
  const found = breaks(imports())

  it('finds the imports it checks (the reader works)', () => {
    expect(imports().length).toBeGreaterThan(500)
    expect(breaks([{ from: 'modules/a/service.ts', to: 'modules/b/store.ts' }, { from: 'modules/b/routes.ts', to: 'modules/a/store.ts' }]))
      .toEqual([
        'cycle: a <-> b',
        'module imports another\'s store: modules/a/service.ts -> modules/b/store.ts',
        'module imports another\'s store: modules/b/routes.ts -> modules/a/store.ts',
        'route imports a store: modules/b/routes.ts -> modules/a/store.ts',
      ])
    // A module's own store is its own; each integration is a module of its own.
    expect(breaks([
      { from: 'modules/a/sales.ts', to: 'modules/a/store.ts' },
      { from: 'modules/integrations/x/service.ts', to: 'modules/integrations/x/store.ts' },
      { from: 'modules/integrations/x/service.ts', to: 'modules/integrations/y/store.ts' },
    ])).toEqual(['module imports another\'s store: modules/integrations/x/service.ts -> modules/integrations/y/store.ts'])
  })

  it('adds no break to those not mended yet', () => {
    expect(found.filter((b) => !KNOWN.has(b))).toEqual([])
  })

  it('lists no break that is mended (take it off the list)', () => {
    expect([...KNOWN].filter((b) => !found.includes(b))).toEqual([])
  })
})
