// The error conventions: the Partnero error shape with the true status, exact JSON content type,
// JSON for unknown routes and wrong methods, and limits on what a body may be.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startServer, type TestServer } from '../../test/support/server.js'

let server: TestServer
let key: string
beforeAll(async () => {
  server = await startServer({ bodyLimitBytes: 64 * 1024, jsonMaxDepth: 32 })
  key = (await server.program()).key
})
afterAll(() => server.close())

function expectErrorShape(res: { headers: Record<string, unknown>; json: Record<string, unknown>; text: string }) {
  expect(res.headers['content-type']).toBe('application/json')
  expect(res.json.status).toBe(0)
  expect(typeof res.json.message).toBe('string')
  expect(typeof res.json.code).toBe('string')
  expect(res.text).not.toMatch(/\bat .+\.(ts|js):\d+|SELECT|sqlite|postgres/i)
}

describe('unknown routes and wrong methods', () => {
  it('answers a JSON 404 for an unknown route, with or without a key', async () => {
    for (const headers of [{}, { authorization: `Bearer ${key}` }] as Array<Record<string, string>>) {
      const res = await server.get('/v1/nothing-here', { headers })
      expect(res.status).toBe(404)
      expectErrorShape(res)
      expect(res.json.code).toBe('not_found')
    }
    expect((await server.get('/')).status).toBe(404)
  })

  it('answers 405 with Allow when the path exists under another method', async () => {
    const res = await server.post('/v1/program', { key, body: {} })
    expect(res.status).toBe(405)
    expectErrorShape(res)
    expect(res.json.code).toBe('method_not_allowed')
    expect(res.headers.allow).toBe('GET, PUT, DELETE')
    expect((await server.request('PATCH', '/v1/test', { key })).status).toBe(405)
  })

  it('ignores a trailing slash', async () => {
    expect((await server.get('/v1/program/', { key })).status).toBe(200)
  })
})

describe('bodies', () => {
  it('answers 415 for a body that is not JSON', async () => {
    const res = await server.put('/v1/program', { key, body: 'name=x', headers: { 'content-type': 'application/x-www-form-urlencoded' } })
    expect(res.status).toBe(415)
    expectErrorShape(res)
    const xml = await server.put('/v1/program', { key, body: '<name/>', headers: { 'content-type': 'text/xml' } })
    expect(xml.status).toBe(415)
  })

  it('accepts application/json with a charset', async () => {
    const res = await server.put('/v1/program', { key, body: '{"name":"Charset"}', headers: { 'content-type': 'application/json; charset=utf-8' } })
    expect(res.status).toBe(200)
  })

  it('answers 413 for a body over the limit, before reading it all', async () => {
    const res = await server.put('/v1/program', { key, body: { name: 'x'.repeat(70 * 1024) } })
    expect(res.status).toBe(413)
    expectErrorShape(res)
    expect(res.json.code).toBe('payload_too_large')
  })

  it('answers 400 for malformed JSON', async () => {
    for (const body of ['{"name":', '{name: 1}', 'NaN', '{"a":1}}']) {
      const res = await server.put('/v1/program', { key, body })
      expect(res.status, body).toBe(400)
      expectErrorShape(res)
    }
  })

  it('answers 400 for JSON nested deeper than the limit', async () => {
    const deep = `${'['.repeat(40)}${']'.repeat(40)}`
    const res = await server.put('/v1/program', { key, body: `{"name":"x","deep":${deep}}` })
    expect(res.status).toBe(400)
    expect(res.json.code).toBe('json_too_deep')
    const hostile = '['.repeat(50_000)
    expect((await server.put('/v1/program', { key, body: hostile })).status).toBe(400)
  })

  it('refuses __proto__ keys and never pollutes prototypes', async () => {
    const res = await server.put('/v1/program', { key, body: '{"__proto__":{"polluted":true},"name":"x"}' })
    expect(res.status).toBe(400)
    expect(res.json.code).toBe('forbidden_key')
    expect(({} as Record<string, unknown>).polluted).toBeUndefined()
    const viaQuery = await server.get('/v1/events?__proto__[polluted]=1&constructor[prototype][polluted]=1', { key })
    expect(viaQuery.status).toBe(200)
    expect(({} as Record<string, unknown>).polluted).toBeUndefined()
  })

  it('answers 400 for a body that is a JSON scalar', async () => {
    const res = await server.put('/v1/program', { key, body: '"name"' })
    expect(res.status).toBe(400)
    expectErrorShape(res)
  })

  it('survives numbers JSON cannot hold and NUL characters', async () => {
    const huge = await server.put('/v1/program', { key, body: '{"program_settings":{"cookie_lifetime":1e309}}' })
    expect(huge.status).toBe(422)
    const nul = await server.put('/v1/program', { key, body: '{"name":"a\\u0000b"}' })
    expect(nul.status).toBe(422)
    expect(nul.json.errors.name).toEqual(['The name must not contain NUL characters.'])
    const inQuery = await server.get('/v1/events?type=a%00b', { key })
    expect(inQuery.status).toBe(422)
    const surrogate = await server.get('/v1/events', { key, body: '{"type":"\\ud800"}' })
    expect(surrogate.status).toBe(422)
    expect(surrogate.json.errors.type).toEqual(['The type must be valid Unicode text.'])
  })
})

describe('success answers', () => {
  it('send Content-Type exactly application/json', async () => {
    for (const path of ['/v1/test', '/v1/program', '/v1/program/overview', '/v1/events']) {
      const res = await server.get(path, { key })
      expect(res.status).toBe(200)
      expect(res.headers['content-type']).toBe('application/json')
      expect(res.json.status).toBe(1)
    }
  })
})
