// Paginated lists: links and meta as the overview seed shows them, absolute URLs that keep the
// caller's filters (n8n follows links.next verbatim), limits clamped to 1–250.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startServer, type TestServer } from '../../test/support/server.js'
import { seedJson, shapeDifferences } from '../../test/support/seeds.js'
import { emit } from '../events/outbox.js'

let server: TestServer
let key: string
beforeAll(async () => {
  server = await startServer()
  const p = await server.program()
  key = p.key
  for (let i = 1; i <= 20; i++) await emit(server.store.db, p.id, i % 2 ? 'odd.event' : 'even.event', { n: i })
})
afterAll(() => server.close())

describe('links and meta', () => {
  it('match the overview seed and default to 15 items', async () => {
    const res = await server.get('/v1/events', { key })
    const seed = seedJson('paginated-list') as Record<string, unknown>
    const { data: _d, ...shape } = res.json
    const { data: _s, ...seedShape } = seed
    // links.prev is null on the first page in both; meta has no totals
    expect(shapeDifferences(shape, seedShape)).toEqual([])
    expect(res.json.data).toHaveLength(15)
    expect(res.json.links).toEqual({
      first: `${server.url}/v1/events?page=1`, last: null, prev: null, next: `${server.url}/v1/events?page=2`,
    })
    expect(res.json.meta).toEqual({ current_page: 1, from: 1, path: `${server.url}/v1/events`, per_page: 15, to: 15 })
  })

  it('keep the caller\'s filters in absolute links, even those sent in the body', async () => {
    const first = await server.get('/v1/events?type=odd.event&sort=asc', { key, body: { limit: 4 } })
    expect(first.json.data.map((e: { data: { n: number } }) => e.data.n)).toEqual([1, 3, 5, 7])
    expect(first.json.links.next).toBe(`${server.url}/v1/events?type=odd.event&sort=asc&limit=4&page=2`)
    const pages = [first.json.data]
    let next = first.json.links.next
    while (next) {
      const res = await server.get(next.replace(server.url, ''), { key })
      pages.push(res.json.data)
      next = res.json.links.next
    }
    expect(pages.flat().map((e: { data: { n: number } }) => e.data.n)).toEqual([1, 3, 5, 7, 9, 11, 13, 15, 17, 19])
    expect(pages).toHaveLength(3)
  })

  it('give prev, from and to on later pages and null from/to past the end', async () => {
    const second = await server.get('/v1/events?page=2', { key })
    expect(second.json.data).toHaveLength(5)
    expect(second.json.links.prev).toBe(`${server.url}/v1/events?page=1`)
    expect(second.json.links.next).toBeNull()
    expect(second.json.meta).toMatchObject({ current_page: 2, from: 16, to: 20 })
    const beyond = await server.get('/v1/events?page=9', { key })
    expect(beyond.json.data).toEqual([])
    expect(beyond.json.meta).toMatchObject({ from: null, to: null, current_page: 9 })
  })

  it('clamp limit to 1–250 and page to at least 1', async () => {
    expect((await server.get('/v1/events?limit=0', { key })).json.meta.per_page).toBe(1)
    expect((await server.get('/v1/events?limit=1000', { key })).json.meta.per_page).toBe(250)
    expect((await server.get('/v1/events?page=-3', { key })).json.meta.current_page).toBe(1)
  })

  it('sort newest first by default and oldest first with sort=asc', async () => {
    const desc = await server.get('/v1/events?limit=2', { key })
    expect(desc.json.data.map((e: { data: { n: number } }) => e.data.n)).toEqual([20, 19])
    const asc = await server.get('/v1/events?limit=2&sort=asc', { key })
    expect(asc.json.data.map((e: { data: { n: number } }) => e.data.n)).toEqual([1, 2])
  })
})

describe('PUBLIC_URL', () => {
  it('is the base of links when set', async () => {
    const other = await startServer({ publicUrl: 'https://partners.example.com' })
    try {
      const k = (await other.program()).key
      const res = await other.get('/v1/events', { key: k })
      expect(res.json.meta.path).toBe('https://partners.example.com/v1/events')
      expect(res.json.links.first).toBe('https://partners.example.com/v1/events?page=1')
    } finally {
      await other.close()
    }
  })
})
