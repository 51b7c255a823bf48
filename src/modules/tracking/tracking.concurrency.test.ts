// Two servers on one store (several processes behind a load balancer): the same visitors hitting
// both at once are counted once each, and every counter agrees with the stored clicks.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startServer, type TestServer } from '../../../test/support/server.js'
import { makePartner } from '../../../test/support/partners.js'
import { partnerClicks, programClicks, visitor } from '../../../test/support/visits.js'

let a: TestServer
let b: TestServer
beforeAll(async () => {
  a = await startServer()
  b = await startServer({}, { testStore: a.testStore })
})
afterAll(async () => {
  await b.close()
  await a.close()
})

describe('clicks on two servers sharing a store', () => {
  it('count each visitor once per link, however their clicks interleave', async () => {
    const p = await a.program({ website: 'https://twin-shop.example.com' })
    const partners = [await makePartner(a, p.key, { key: 'twin_a' }), await makePartner(a, p.key, { key: 'twin_b' })]
    const visits = Array.from({ length: 120 }, (_, n) => ({ link: n % 2 === 0 ? 'twin_a' : 'twin_b', agent: visitor(Math.floor(n / 2) % 40) }))
    // Every visit three times, to both servers, all at once in waves.
    const calls = visits.flatMap((v) => [a, b, a].map((server) => () => server.get(`/r/${v.link}`, { headers: { 'user-agent': v.agent } })))
    for (let i = 0; i < calls.length; i += 60) {
      const answers = await Promise.all(calls.slice(i, i + 60).map((call) => call()))
      for (const res of answers) expect(res.status).toBe(302)
    }
    // 40 visitors on each of the two links.
    expect(await partnerClicks(a, p.key, partners[0].id)).toBe(40)
    expect(await partnerClicks(b, p.key, partners[1].id)).toBe(40)
    expect(await programClicks(b, p.key)).toBe(80)
    const rows = await a.store.db.selectFrom('clicks').select(['count']).where('program_id', '=', p.id).execute()
    expect(rows.length).toBe(80)
    expect(rows.every((r) => Number(r.count) === 1)).toBe(true)
  })
})
