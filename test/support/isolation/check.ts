// The isolation check: program A's key with program B's ids, on every probe the document yields.
// It returns what went wrong instead of asserting, so the suite can also prove that it sees the
// bug it guards against (with the bug injected, it must find some).
//
// "Exactly as for a missing id" is checked byte for byte, with the same text: every probe is
// sent while B exists, then B is deleted and the same requests are sent again, now naming nothing.
import type { TestServer } from '../server.js'
import type { Answer } from '../client.js'
import { pathFields, type Operation, type Probe } from './operations.js'
import { ownName, requestFor, type Request } from './requests.js'
import { makeEverything, makeWorld, type World } from './world.js'

export async function isolationViolations(server: TestServer, ops: Operation[], probes: Probe[], tag: string): Promise<string[]> {
  const violations: string[] = []
  const a = makeWorld(server, (await server.program()).key, `${tag}a`)
  const b = makeWorld(server, (await server.program()).key, `${tag}b`, 1)
  await makeEverything(a)
  await makeEverything(b)
  const reads = ops.filter((op) => op.method === 'GET' && !(op.input.required ?? []).length)
  const before = await readAll(server, reads, b)

  // Deletes last: with the bug, one may remove an object the other probes use.
  const compared = probes.filter((p) => ['lookup', 'reference', 'filter'].includes(p.field.category))
    .sort((x, y) => Number(x.op.method === 'DELETE') - Number(y.op.method === 'DELETE'))
  const label = (p: Probe) => `${p.op.label} ${p.field.in}:${p.field.at.join('.')} (${p.field.kind} ${p.field.attribute})`
  const fresh = (i: number) => `${a.tag}-n${i}`
  const requests: Request[] = []
  const foreign: Answer[] = []
  for (const [i, probe] of compared.entries()) {
    const request = await requestFor(probe, a, await ownName(b, probe.field), fresh(i))
    requests.push(request)
    foreign.push(await send(server, a, request))
  }

  for (const [op, answer] of await readAll(server, reads, a)) {
    if (answer.includes(b.tag)) violations.push(`${op}: A's answer shows B's objects`)
  }
  violations.push(...await newIds(server, probes, b, tag))
  for (const [op, answer] of await readAll(server, reads, b)) {
    if (answer !== before.get(op)) violations.push(`${op}: B's answer changed`)
  }

  await deleteProgram(server, b)
  const missing: Answer[] = []
  for (const request of requests) missing.push(await send(server, a, request))
  for (const [i, probe] of compared.entries()) {
    const [seen, gone] = [foreign[i] as Answer, missing[i] as Answer]
    const what = `${label(probe)}: B's id answered ${seen.status} ${seen.text.slice(0, 120)}`
    if (seen.status !== gone.status || seen.text !== gone.text) violations.push(`${what}; a missing id ${gone.status} ${gone.text.slice(0, 120)}`)
    else if (probe.field.category === 'lookup' && seen.status !== 404) violations.push(`${what}, not 404`)
    else if (probe.field.category === 'reference' && (seen.status < 400 || seen.status >= 500)) violations.push(`${what}, not refused`)
  }
  // The same request with A's own id must get further than a missing id: else the probe proved
  // nothing. Deletes are left out (one would remove what the next needs); their only id is the
  // object deleted, so their 404 can come from nothing else. Reads go first, then creates, then
  // the changes (a rejected partner would stop the payout request that needs it before its look-up).
  const stage = (op: Operation) => (op.method === 'GET' ? 0 : op.creates ? 1 : 2)
  const controlled = [...compared.entries()].filter(([, p]) => p.op.method !== 'DELETE').sort(([, x], [, y]) => stage(x.op) - stage(y.op))
  for (const [i, probe] of controlled) {
    const own = await send(server, a, await requestFor(probe, a, await ownName(a, probe.field), `${fresh(i)}c`))
    if (own.text === missing[i]?.text) violations.push(`${label(probe)}: A's own id is answered as a missing one (${own.status} ${own.text.slice(0, 200)}): the probe never reaches the look-up`)
  }
  return violations
}

/**
 * Where an id is new (made or renamed to), B's id is free in A: ids are per program. These probes
 * run in programs of their own, so that A stays as the comparison above saw it. Objects made with
 * one of B's ids take that id: the next probe with the same id gets another program. A rename
 * changes what later probes would fill in: each gets a program of its own.
 */
async function newIds(server: TestServer, probes: Probe[], b: World, tag: string): Promise<string[]> {
  const violations: string[] = []
  const worlds: Array<{ world: World; taken: Set<string> }> = []
  for (const [i, probe] of probes.filter((p) => p.field.category === 'new' || p.field.category === 'rename').entries()) {
    const text = await ownName(b, probe.field)
    let host = probe.field.category === 'new' ? worlds.find((w) => !w.taken.has(text)) : undefined
    if (!host) {
      host = { world: makeWorld(server, (await server.program()).key, `${tag}w${i}`), taken: new Set() }
      if (probe.field.category === 'new') worlds.push(host)
    }
    host.taken.add(text)
    const answer = await send(server, host.world, await requestFor(probe, host.world, text, `${host.world.tag}-n${i}`))
    const what = `${probe.op.label} ${probe.field.at.join('.')} (${probe.field.category}, B's ${probe.field.kind} ${probe.field.attribute})`
    if (answer.status >= 300) violations.push(`${what}: answered ${answer.status} ${answer.text.slice(0, 200)}`)
    if (answer.text.includes(b.marker)) violations.push(`${what}: the answer shows B's object`)
  }
  return violations
}

function send(server: TestServer, world: World, request: Request): Promise<Answer> {
  return server.request(request.method, request.url, { key: world.apiKey, body: request.body })
}

/** What every read (a GET that needs no input) answers the world, by operation. */
async function readAll(server: TestServer, reads: Operation[], world: World): Promise<Map<string, string>> {
  const answers = new Map<string, string>()
  for (const op of reads) {
    const names = new Map<string, string>()
    for (const field of pathFields(op)) if (!names.has(String(field.at[0]))) names.set(String(field.at[0]), await ownName(world, field))
    const res = await server.get(op.path.replace(/\{(\w+)\}/g, (_, name: string) => encodeURIComponent(names.get(name) as string)), { key: world.apiKey })
    answers.set(op.label, `${res.status} ${res.text}`)
  }
  return answers
}

/** DELETE /v1/program twice: once for the code, once with it. */
async function deleteProgram(server: TestServer, world: World): Promise<void> {
  const code = (await server.delete('/v1/program', { key: world.apiKey })).json.data.confirmation_code
  const res = await server.delete('/v1/program', { key: world.apiKey, body: { confirmation_code: code } })
  if (res.status !== 200) throw new Error(`deleting B: ${res.status} ${res.text}`)
}
