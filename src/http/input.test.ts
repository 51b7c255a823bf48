// The input bag: query string and JSON body merged on every method, `[]` as no input, null as
// not given, and dotted or bracketed query keys as nested objects.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startServer, type TestServer } from '../../test/support/server.js'
import { expandQuery, inputBag } from './input.js'

let server: TestServer
let key: string
beforeAll(async () => {
  server = await startServer()
  key = (await server.program()).key
  for (const name of ['a', 'b', 'c']) await server.put('/v1/program', { key, body: { name } })
})
afterAll(() => server.close())

describe('over HTTP', () => {
  it('reads input from a JSON body on GET, as the PHP SDK sends it', async () => {
    const res = await server.get('/v1/events', { key, body: { limit: 2 } })
    expect(res.status).toBe(200)
    expect(res.json.data).toHaveLength(2)
    expect(res.json.meta.per_page).toBe(2)
  })

  it('reads input from the query string', async () => {
    const res = await server.get('/v1/events?limit=1', { key })
    expect(res.json.data).toHaveLength(1)
  })

  it('merges both, the body winning on conflict', async () => {
    const res = await server.get('/v1/events?limit=1&sort=asc', { key, body: { limit: 2 } })
    expect(res.json.data).toHaveLength(2)
    expect(res.json.data[0].data.program.name).toBe('a')
  })

  it('takes a body of [] as no input, on GET, PUT and DELETE', async () => {
    const get = await server.get('/v1/program', { key, body: '[]' })
    expect(get.status).toBe(200)
    const put = await server.put('/v1/program', { key, body: '[]' })
    expect(put.status).toBe(200)
    const del = await server.delete('/v1/program', { key, body: '[]' })
    expect(del.status).toBe(200)
    expect(del.json.data.confirmation_code).toBeTypeOf('string')
  })

  it('takes an empty body with a JSON content type as no input', async () => {
    const res = await server.get('/v1/test', { key, body: '' , headers: { 'content-type': 'application/json' } })
    expect(res.status).toBe(200)
  })

  it('reads input from a JSON body on DELETE', async () => {
    const res = await server.delete('/v1/program', { key, body: { confirmation_code: 'NOTACODE' } })
    expect(res.status).toBe(422)
    expect(res.json.errors).toHaveProperty('confirmation_code')
  })

  it('coerces query-string text to the declared types and refuses what cannot be', async () => {
    expect((await server.get('/v1/events?limit=abc', { key })).status).toBe(422)
    expect((await server.get('/v1/events?sort=sideways', { key })).json.errors).toHaveProperty('sort')
  })
})

describe('the bag itself', () => {
  it('nests dotted and bracketed keys and collects arrays', () => {
    expect(expandQuery({ 'partner.key': 'k1', 'customer[email]': 'a@b.c', 'tags[]': ['x', 'y'], 'ids[0]': '7', plain: '1' })).toEqual({
      partner: { key: 'k1' }, customer: { email: 'a@b.c' }, tags: ['x', 'y'], ids: ['7'], plain: '1',
    })
  })

  it('drops null and "" members at every depth and keeps array items', () => {
    expect(inputBag({}, { id: null, key: 'k', partner: { id: null, email: 'e', key: '' }, name: '', tags: ['a', null, ''] })).toEqual({
      key: 'k', partner: { email: 'e' }, tags: ['a', null, ''],
    })
    expect(inputBag({ search: '', limit: '5' }, {})).toEqual({ limit: '5' })
  })

  it('takes the last value of a repeated query key, and every value of a key[]', () => {
    expect(expandQuery({ limit: ['100', '50'], 'partner.key': ['a', 'b'], 'tags[]': ['x', 'y'] })).toEqual({
      limit: '50', partner: { key: 'b' }, tags: ['x', 'y'],
    })
  })

  it('merges nested objects from query and body', () => {
    expect(inputBag({ 'partner.key': 'q', limit: '5' }, { partner: { email: 'b' } })).toEqual({ partner: { key: 'q', email: 'b' }, limit: '5' })
  })

  it('skips query keys that would reach a prototype', () => {
    const bag = expandQuery({ '__proto__[x]': '1', 'a.constructor.prototype.y': '1', ok: '1' })
    expect(bag).toEqual({ ok: '1' })
    expect(({} as Record<string, unknown>).x).toBeUndefined()
  })
})
