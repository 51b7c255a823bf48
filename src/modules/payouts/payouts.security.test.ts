// Another program's payout requests, partners and rewards answer exactly as missing ones do, and
// never show up in a list or a search; without a valid key every payout operation is a 401.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startServer, type TestServer } from '../../../test/support/server.js'
import { expectAnsweredAsMissing, expectUnauthenticated, movesNothing, type Operation } from '../../../test/support/sales.js'
import { PAYPAL, earningPartner, requestPayout } from '../../../test/support/payouts.js'

let server: TestServer
beforeAll(async () => {
  server = await startServer()
})
afterAll(() => server.close())

const idOperations = (id: string): Operation[] => [
  ['GET', `/v1/payout_requests/${id}`],
  ['GET', `/v1/payout_requests/${id}/statement`],
  ['GET', `/v1/payout_requests/${id}/statement?format=csv`],
  ...['approve', 'mark_as_paid', 'reject', 'resubmit'].map((a): Operation => ['POST', `/v1/payout_requests/${id}/${a}`]),
  ['POST', `/v1/payout_requests/${id}/request_resubmit`, { reason: 'x' }],
]

describe('another program\'s payout requests', () => {
  it('cannot be reached with another program\'s ids, partners or rewards', async () => {
    const mine = await server.program()
    const theirs = await server.program()
    const theirPartner = await earningPartner(server, theirs.key, [100])
    const their = await requestPayout(server, theirs.key, { partner: { key: theirPartner.key } })
    const myPartner = await earningPartner(server, mine.key, [100])

    // Their request number 1 does not exist in my program: every id operation is the missing answer.
    await movesNothing(server, theirs, [theirPartner.id], () => expectAnsweredAsMissing(server, mine.key, idOperations(String(their.id)), idOperations('42')))

    // Their partner, named every way, is an unknown partner to me.
    for (const ref of [{ key: theirPartner.key }, { id: theirPartner.id }, { email: theirPartner.email }]) {
      const foreign = await server.post('/v1/payout_requests', { key: mine.key, body: { ...PAYPAL, partner: ref } })
      const missing = await server.post('/v1/payout_requests', { key: mine.key, body: { ...PAYPAL, partner: { key: 'no_such_partner' } } })
      expect(foreign.status).toBe(400)
      expect(foreign.text).toBe(missing.text)
    }
    // Their reward is not payable to my partner, in the words a reward that does not exist gets.
    const theirReward = theirPartner.sales[0]?.rewardIds[0] as number
    const foreignReward = await server.post('/v1/payout_requests', { key: mine.key, body: { ...PAYPAL, partner: { key: myPartner.key }, reward_ids: [theirReward] } })
    const missingReward = await server.post('/v1/payout_requests', { key: mine.key, body: { ...PAYPAL, partner: { key: myPartner.key }, reward_ids: [999999] } })
    expect(foreignReward.status).toBe(422)
    expect(foreignReward.text).toBe(missingReward.text.replace('999999', String(theirReward)))

    // Their partner's saved payout method is not theirs to read.
    const foreignMethod = await server.get(`/v1/partners/${theirPartner.id}/payout_settings`, { key: mine.key })
    expect(foreignMethod.status).toBe(404)
    expect(foreignMethod.text).toBe((await server.get('/v1/partners/no_such_partner/payout_settings', { key: mine.key })).text)

    // Lists and searches never show them.
    expect((await server.get('/v1/payout_requests', { key: mine.key })).json.data).toEqual([])
    for (const query of [`partner_key=${theirPartner.key}`, `partner_id=${theirPartner.id}`, `partner_email=${encodeURIComponent(theirPartner.email)}`, 'status=requested']) {
      expect((await server.get(`/v1/payout_requests:search?${query}`, { key: mine.key })).json.data, query).toEqual([])
    }
    expect((await server.get('/v1/payout_requests:export?status=requested&format=csv', { key: mine.key })).text).not.toContain(theirPartner.email)
    expect((await server.get('/v1/payout_requests/1', { key: theirs.key })).json.data.status).toBe('requested')
  })
})

describe('without a valid API key', () => {
  it('every payout operation is a 401 that shows nothing', async () => {
    const p = await server.program()
    const partner = await earningPartner(server, p.key, [100])
    await requestPayout(server, p.key, { partner: { key: partner.key } })
    const operations: Operation[] = [
      ['GET', '/v1/payout_requests'], ['GET', '/v1/payout_requests:search?status=requested'], ['GET', '/v1/payout_requests:export'],
      ['POST', '/v1/payout_requests', { ...PAYPAL, partner: { key: partner.key } }], ...idOperations('1'),
      ['GET', `/v1/partners/${partner.id}/payout_settings`],
    ]
    await movesNothing(server, p, [partner.id], () => expectUnauthenticated(server, p.key, operations, new RegExp(partner.email)))
  })
})
