// Every operation the OpenAPI document marks as needing a key, called with no key, garbage, the
// wrong scheme and a revoked key: 401 JSON, nothing else. New routes are covered as they appear.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startServer, type TestServer } from './support/server.js'
import { revokeKey } from '../src/modules/api-keys/service.js'

let server: TestServer
let operations: Array<{ method: string; path: string }>
beforeAll(async () => {
  server = await startServer()
  const doc = (await server.get('/v1/openapi.json')).json
  operations = Object.entries(doc.paths as Record<string, Record<string, { security?: unknown[] }>>).flatMap(([path, ops]) =>
    Object.entries(ops).filter(([, op]) => op.security).map(([method]) => ({
      method: method.toUpperCase(),
      path: path.replace(/\{\w+\}/g, 'some-id'),
    })))
})
afterAll(() => server.close())

describe('authentication on every operation', () => {
  it('covers the operations the document lists', () => {
    expect(operations.length).toBeGreaterThanOrEqual(7)
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
