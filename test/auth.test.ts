// Every operation the OpenAPI document marks as needing a key, called with no key, garbage, the
// wrong scheme and a revoked key: 401 JSON, nothing else. New routes are covered as they appear.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startServer, type TestServer } from './support/server.js'
import { revokeKey } from '../src/modules/api-keys/service.js'

let server: TestServer
let operations: Array<{ method: string; path: string }>
let publicApi: string[]
beforeAll(async () => {
  server = await startServer()
  const doc = (await server.get('/v1/openapi.json')).json
  const all = Object.entries(doc.paths as Record<string, Record<string, { security?: unknown[] }>>).flatMap(([path, ops]) =>
    Object.entries(ops).map(([method, op]) => ({ method: method.toUpperCase(), path, keyed: op.security !== undefined })))
  operations = all.filter((op) => op.keyed).map((op) => ({ method: op.method, path: op.path.replace(/\{\w+\}/g, 'some-id') }))
  publicApi = all.filter((op) => !op.keyed && op.path.startsWith('/v1/')).map((op) => `${op.method} ${op.path}`).sort()
})
afterAll(() => server.close())

/** The /v1/ operations that need no key: only the API's own description (tracking and Stripe live elsewhere). */
const PUBLIC_API = ['GET /v1/openapi.json']

describe('authentication on every operation', () => {
  it('covers every /v1/ operation the document lists but the few meant to be public', () => {
    // A new /v1/ route that forgot its key would join this list and fail here.
    expect(publicApi).toEqual(PUBLIC_API)
    expect(operations.length).toBeGreaterThan(90)
  })

  it('answers 401 JSON, and changes nothing, without a valid key', async () => {
    const owner = await server.program()
    const revoked = await server.program()
    await revokeKey(server.store.db, revoked.key)
    const before = (await server.get('/v1/program', { key: owner.key })).json
    const headerSets: Array<Record<string, string>> = [
      {},
      { authorization: 'Bearer garbage' },
      { authorization: 'Bearer ' },
      { authorization: `Token ${owner.key}` },
      { authorization: `Bearer ${revoked.key}` },
      { authorization: `Bearer ${owner.key}x` },
    ]
    for (const { method, path } of operations) {
      for (const headers of headerSets) {
        const res = await server.request(method, path, { headers, body: { name: 'changed', confirmation_code: 'x' } })
        expect(res.status, `${method} ${path} ${JSON.stringify(headers)}`).toBe(401)
        expect(res.json).toEqual({ message: 'Unauthenticated.', code: 'unauthenticated', status: 0 })
      }
    }
    expect((await server.get('/v1/program', { key: owner.key })).json).toEqual(before)
  })
})
