// A fuzz pass over every operation in the OpenAPI document: generated inputs (fast-check, fixed
// seed) plus a corpus of nasty bodies. No answer may be a 5xx, every error must be in the error
// shape (the contract check enforces it), and a refused request must change nothing.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { startServer, type TestServer } from './support/server.js'

const RUNS_PER_OPERATION = 300

let server: TestServer
let key: string
let operations: Array<{ method: string; path: string }>
beforeAll(async () => {
  server = await startServer({ bodyLimitBytes: 1_048_576 })
  key = (await server.program()).key
  // Path ids name a real partner (whose default link has the same key), so the fuzz reaches the
  // rules behind the look-up, not just the 404.
  await server.post('/v1/partners', { key, body: { id: 'fuzz-id', key: 'fuzz-id', email: 'fuzz@example.com' } })
  const doc = (await server.get('/v1/openapi.json')).json
  operations = Object.entries(doc.paths as Record<string, Record<string, unknown>>).flatMap(([path, ops]) =>
    Object.keys(ops).map((method) => ({ method: method.toUpperCase(), path: path.replace(/\{\w+\}/g, 'fuzz-id') })))
    // Deletes last: a valid one may remove the object the other operations use.
    .sort((a, b) => Number(a.method === 'DELETE') - Number(b.method === 'DELETE'))
})
afterAll(() => server.close())

const NASTY: Array<{ body: string; headers?: Record<string, string> }> = [
  { body: '{' }, { body: '}' }, { body: '[]' }, { body: '[[[[' }, { body: 'null' }, { body: 'true' }, { body: '1e309' },
  { body: '{"name":1e309}' }, { body: '{"program_settings":{"cookie_lifetime":1e309}}' },
  { body: '{"__proto__":{"admin":true}}' }, { body: '{"constructor":{"prototype":{"admin":true}}}' },
  { body: `{"a":${'['.repeat(5000)}${']'.repeat(5000)}}` }, { body: `[${'1,'.repeat(100_000)}1]` },
  { body: `{"name":"${'x'.repeat(1_100_000)}"}` }, { body: '{"name":"\\u0000"}' }, { body: '{"name":"\\ud800"}' },
  { body: '\u0000' }, { body: '{"limit":-1,"page":"0"}' }, { body: '{"page":99999999999999999999}' },
  { body: '{"name":"x"}', headers: { 'content-type': 'text/plain' } },
  { body: '<xml/>', headers: { 'content-type': 'application/xml' } },
  { body: 'a=1&b=2', headers: { 'content-type': 'application/x-www-form-urlencoded' } },
  { body: '{"name":"x"}', headers: { 'content-type': 'application/json; charset=latin1' } },
  { body: '{"name":"x"}', headers: { 'content-type': 'application/json', 'content-encoding': 'gzip' } },
]

const QUERIES = fc.sample(fc.dictionary(fc.string({ maxLength: 12 }), fc.string({ maxLength: 20 }), { maxKeys: 4 }), { seed: 42, numRuns: 50 })

async function programState() {
  return JSON.stringify((await server.get('/v1/program', { key })).json)
}

async function eventCount() {
  return (await server.store.db.selectFrom('outbox').select('id').execute()).length
}

/** The program and its event count: what a refused request must leave as it was. */
async function storeState() {
  return { program: await programState(), events: await eventCount() }
}

// The operations in a few parts, in order (deletes stay last), each with a limit of its own: one
// test for ~100 operations would need the whole run's time as one limit.
const PARTS = 8

describe('fuzz', () => {
  for (let part = 0; part < PARTS; part++) {
    it(`answers ${RUNS_PER_OPERATION} generated inputs per operation and the nasty corpus without a 5xx (part ${part + 1} of ${PARTS})`, async () => {
      const size = Math.ceil(operations.length / PARTS)
      const bodies = fc.sample(fc.jsonValue({ maxDepth: 4 }), { seed: 7, numRuns: RUNS_PER_OPERATION })
      for (const { method, path } of operations.slice(part * size, (part + 1) * size)) {
        const attempts: Array<{ path: string; body: string; headers?: Record<string, string> }> = [
          ...bodies.map((b) => ({ path, body: JSON.stringify(b) })),
          ...NASTY.map((n) => ({ path, ...n })),
          ...QUERIES.map((q) => ({ path: `${path}?${new URLSearchParams(q)}`, body: '' })),
        ]
        // Read again only after a request that may have changed something.
        let before = await storeState()
        for (const attempt of attempts) {
          const res = await server.request(method, attempt.path, { key, body: attempt.body === '' ? undefined : attempt.body, headers: attempt.headers })
          const what = `${method} ${attempt.path.slice(0, 80)} ${attempt.body.slice(0, 80)}`
          expect(res.status, what).toBeLessThan(500)
          if (res.status >= 400) {
            expect(res.json?.status, what).toBe(0)
            // A refusal changes nothing (DELETE /v1/program only ever arms a code on success).
            expect(await storeState(), what).toEqual(before)
          } else {
            before = await storeState()
          }
          if (res.status === 200 && res.json?.message === 'Program deleted successfully') {
            throw new Error(`fuzzing deleted the program: ${what}`)
          }
        }
      }
    }, 300_000)
  }
})
