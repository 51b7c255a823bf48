// Another program's partner can neither get a bonus nor have its rate read or changed, and the
// answers are the ones a missing partner gets.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startServer, type TestServer } from '../../../test/support/server.js'
import { makePartner } from '../../../test/support/partners.js'

let server: TestServer
beforeAll(async () => {
  server = await startServer()
})
afterAll(() => server.close())

describe('another program\'s partner', () => {
  it('answers exactly like a missing partner for bonuses and commission rates', async () => {
    const mine = await server.program()
    const theirs = await server.program()
    await makePartner(server, theirs.key, { id: 'their_partner', key: 'their_ref' })
    const operations: Array<[string, string, unknown?]> = [
      ['POST', 'reward', { amount: 10 }],
      ['GET', 'commission'],
      ['PUT', 'commission', { type: 'percent', value: 90 }],
      ['DELETE', 'commission'],
    ]
    for (const [method, tail, body] of operations) {
      for (const [foreign, missing] of [['their_partner', 'no_partner'], ['their_ref', 'no_ref']]) {
        const foreignAnswer = await server.request(method, `/v1/partners/${foreign}/${tail}`, { key: mine.key, body })
        const missingAnswer = await server.request(method, `/v1/partners/${missing}/${tail}`, { key: mine.key, body })
        expect(foreignAnswer.status, `${method} ${tail}`).toBe(404)
        expect(foreignAnswer.text).toBe(missingAnswer.text)
      }
      expect((await server.request(method, `/v1/partners/their_ref/${tail}`, { body })).status).toBe(401)
    }
    expect((await server.get('/v1/partners/their_ref/commission', { key: theirs.key })).json.data.custom).toBe(false)
    expect((await server.get('/v1/partners/their_ref', { key: theirs.key })).json.data.commissions.not_paid).toEqual([])
  })
})
