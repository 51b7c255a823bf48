// Isolation: another program's transactions are never found, listed, refunded or archived, and the
// answer for them is byte-identical to the one for a transaction that does not exist. Programs of
// other types get a clear 4xx from these affiliate endpoints, and no key gets 401.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startServer, type TestServer } from '../../../test/support/server.js'
import { makePartner } from '../../../test/support/partners.js'
import {
  expectAnsweredAsMissing, expectErrorShape, affiliateOnly, expectRefusedToOtherTypes, expectUnauthenticated, makeCustomer, makeSale, moneyPicture, transactionCollectionOperations,
  transactionOperations,
} from '../../../test/support/sales.js'

let server: TestServer
let mine: { id: number; key: string }
let theirs: { id: number; key: string }
let theirPartner: { id: string; email: string }
beforeAll(async () => {
  server = await startServer()
  mine = await server.program()
  theirs = await server.program()
  theirPartner = await makePartner(server, theirs.key, { id: 'their-partner', key: 'their-key' })
  await makeCustomer(server, theirs.key, { key: 'their-cus', partner: { id: 'their-partner' } })
  await makeSale(server, theirs.key, { key: 'their-order', amount: 100, customer: { key: 'their-cus' } })
  await makeSale(server, theirs.key, { key: 'their-archived', amount: 50, customer: { key: 'their-cus' } })
  await server.post('/v1/transactions/their-archived/archive', { key: theirs.key })
  await makePartner(server, mine.key, { id: 'my-partner', key: 'my-key' })
  await makeCustomer(server, mine.key, { key: 'my-cus', partner: { id: 'my-partner' } })
  await makeSale(server, mine.key, { key: 'my-order', amount: 10, customer: { key: 'my-cus' } })
})
afterAll(() => server.close())

const keysOf = (res: { json: { data: Array<{ key: string }> } }) => res.json.data.map((t) => t.key)

describe('another program\'s transaction', () => {
  it('answers exactly like a missing transaction on every operation, and nothing of theirs moves', async () => {
    const before = await moneyPicture(server, theirs, ['their-partner'])
    const sales = await Promise.all(['their-order', 'their-archived'].map(async (k) => (await server.get(`/v1/transactions/${k}`, { key: theirs.key })).json))
    for (const foreign of ['their-order', 'their-archived']) {
      await expectAnsweredAsMissing(server, mine.key, transactionOperations(foreign), transactionOperations('no-such-order'))
    }
    expect(await moneyPicture(server, theirs, ['their-partner'])).toEqual(before)
    for (const [i, k] of ['their-order', 'their-archived'].entries()) {
      expect((await server.get(`/v1/transactions/${k}`, { key: theirs.key })).json).toEqual(sales[i])
    }
  })

  it('never appears in lists or their filters', async () => {
    expect(keysOf(await server.get('/v1/transactions?limit=250', { key: mine.key }))).toEqual(['my-order'])
    const filters = [
      'key=their-order', 'partner_key=their-key', 'partner.id=their-partner', `partner_email=${encodeURIComponent(theirPartner.email)}`,
      'customer_key=their-cus', 'customer.key=their-cus', 'customer%5Bkey%5D=their-cus',
    ]
    for (const q of filters) expect(keysOf(await server.get(`/v1/transactions?${q}`, { key: mine.key })), q).toEqual([])
    const nested = await server.get('/v1/transactions', { key: mine.key, body: { partner: { key: 'their-key' } } })
    expect(keysOf(nested)).toEqual([])
    expect((await server.get('/v1/customers/their-cus/transactions', { key: mine.key })).status).toBe(404)
  })

  it('does not block the same key in my program, and each program sees its own', async () => {
    const mineToo = await makeSale(server, mine.key, { key: 'their-order', amount: 7, customer: { key: 'my-cus' } })
    expect(mineToo).toMatchObject({ key: 'their-order', amount: 7, customer: 'my-cus', partner: 'my-partner' })
    expect((await server.get('/v1/transactions/their-order', { key: theirs.key })).json.data).toMatchObject({ amount: 100, partner: 'their-partner' })
    expect((await server.delete('/v1/transactions/their-order', { key: mine.key })).status).toBe(200)
    expect((await server.get('/v1/transactions/their-order', { key: theirs.key })).status).toBe(200)
  })
})

describe('a sale cannot reach into another program', () => {
  it('is refused for their customer exactly as for a missing one, and for their partner as an invalid partner', async () => {
    const foreign = await server.post('/v1/transactions', { key: mine.key, body: { amount: 5, customer: { key: 'their-cus' } } })
    const missing = await server.post('/v1/transactions', { key: mine.key, body: { amount: 5, customer: { key: 'no-such-cus' } } })
    expectErrorShape(foreign, 422)
    expect(foreign.text).toBe(missing.text)
    const bulk = await server.post('/v1/transactions', { key: mine.key, body: { customer: { key: 'their-cus' }, transactions: [{ amount: 1 }] } })
    expect(bulk.text).toBe(missing.text)
    const attributed = await server.post('/v1/transactions', {
      key: mine.key, body: { amount: 5, customer: { key: 'new-cus' }, partner: { key: 'their-key' }, options: { create_customer: true } },
    })
    expectErrorShape(attributed, 400)
    expect(attributed.json.message).toBe('Invalid partner key')
    expect((await server.get('/v1/customers/new-cus', { key: mine.key })).status).toBe(404)
  })
})

describe('programs that are not affiliate programs', () => {
  it('get a 400 naming their type from every transaction operation', async () => {
    await expectRefusedToOtherTypes(server, [...transactionCollectionOperations, ...transactionOperations('any-order')], ['newsletter'])
    // Refer-a-friend programs have these URLs too (customers/referral.*.test.ts), all but the affiliate-only ones.
    const affiliateOps = affiliateOnly([...transactionCollectionOperations, ...transactionOperations('any-order')])
    expect(affiliateOps.length).toBeGreaterThan(0)
    await expectRefusedToOtherTypes(server, affiliateOps, ['referral'])
  })
})

describe('authentication', () => {
  it('answers 401 without a valid key, showing nothing and changing nothing', async () => {
    const before = await moneyPicture(server, mine, ['my-partner'])
    await expectUnauthenticated(server, mine.key, [...transactionCollectionOperations, ...transactionOperations('my-order')], /my-order|my-cus/)
    expect(await moneyPicture(server, mine, ['my-partner'])).toEqual(before)
  })
})
