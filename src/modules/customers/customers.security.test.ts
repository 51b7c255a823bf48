// Isolation: another program's customers are never found, listed, changed or attributed, and the
// answer for them is byte-identical to the one for a customer that does not exist. Programs of
// other types get a clear 4xx from these affiliate endpoints, and no key gets 401.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startServer, type TestServer } from '../../../test/support/server.js'
import { makePartner } from '../../../test/support/partners.js'
import {
  customerCollectionOperations, customerOperations, expectAnsweredAsMissing, expectErrorShape, affiliateOnly, expectRefusedToOtherTypes, expectUnauthenticated, makeCustomer, moneyPicture,
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
  await makeCustomer(server, theirs.key, { key: 'their-cus', email: 'their@example.com', partner: { id: 'their-partner' } })
  await server.post('/v1/transactions', { key: theirs.key, body: { key: 'their-order', amount: 10, customer: { key: 'their-cus' } } })
  await makePartner(server, mine.key, { id: 'my-partner', key: 'my-key' })
  await makeCustomer(server, mine.key, { key: 'my-cus', email: 'mine@example.com', partner: { id: 'my-partner' } })
})
afterAll(() => server.close())

const keysOf = (res: { json: { data: Array<{ key: string }> } }) => res.json.data.map((c) => c.key)

describe('another program\'s customer', () => {
  it('answers exactly like a missing customer on every operation, and stays as it was', async () => {
    const before = await moneyPicture(server, theirs, ['their-partner'])
    const customer = (await server.get('/v1/customers/their-cus', { key: theirs.key })).json
    await expectAnsweredAsMissing(server, mine.key, customerOperations('their-cus'), customerOperations('no-such-cus'))
    await expectAnsweredAsMissing(server, mine.key, customerOperations('their@example.com'), customerOperations('nobody@example.com'))
    expect((await server.get('/v1/customers/their-cus', { key: theirs.key })).json).toEqual(customer)
    expect(await moneyPicture(server, theirs, ['their-partner'])).toEqual(before)
  })

  it('never appears in lists, searches or partner filters', async () => {
    expect(keysOf(await server.get('/v1/customers?limit=250', { key: mine.key }))).toEqual(['my-cus'])
    for (const q of ['key=their', 'id=their-cus', 'email=their', 'key=cus']) {
      const found = keysOf(await server.get(`/v1/customers:search?${q}`, { key: mine.key }))
      expect(found, q).not.toContain('their-cus')
    }
    const filters = ['partner_key=their-key', 'partner.id=their-partner', `partner_email=${encodeURIComponent(theirPartner.email)}`]
    for (const q of filters) expect(keysOf(await server.get(`/v1/customers?${q}`, { key: mine.key })), q).toEqual([])
    const nested = await server.get('/v1/customers', { key: mine.key, body: { partner: { key: 'their-key' } } })
    expect(keysOf(nested)).toEqual([])
  })

  it('cannot be sold to', async () => {
    const foreign = await server.post('/v1/transactions', { key: mine.key, body: { amount: 5, customer: { key: 'their-cus' } } })
    const missing = await server.post('/v1/transactions', { key: mine.key, body: { amount: 5, customer: { key: 'no-such-cus' } } })
    expect(foreign.status).toBe(422)
    expect(foreign.text).toBe(missing.text)
    const byEmail = await server.post('/v1/transactions', { key: mine.key, body: { amount: 5, customer: { email: 'their@example.com' } } })
    expect(byEmail.json.errors).toEqual({ customer: ['The customer was not found.'] })
  })
})

describe('another program\'s partner', () => {
  it('cannot be credited with a customer, in any form', async () => {
    const attempts: Array<[string, Record<string, unknown>]> = [
      ['/v1/customers', { key: 'stolen', partner: { key: 'their-key' } }],
      ['/v1/customers', { key: 'stolen', partner: { id: 'their-partner' } }],
      ['/v1/customers', { key: 'stolen', partner: { email: theirPartner.email } }],
      ['/v1/customer', { customer: { key: 'stolen' }, partner: { key: 'their-key' } }],
      ['/v1/customers', { customer: { key: 'stolen' }, partner: { key: 'their-key' }, transaction: { amount: 1 } }],
      ['/v1/transactions', { amount: 1, customer: { key: 'stolen', partner: { key: 'their-key' } }, options: { create_customer: true } }],
    ]
    for (const [url, body] of attempts) {
      const res = await server.post(url, { key: mine.key, body })
      expectErrorShape(res, 400)
      expect(res.json.message).toBe('Invalid partner key')
    }
    expect((await server.get('/v1/customers/stolen', { key: mine.key })).status).toBe(404)
  })

  it('cannot lend its link to my partner\'s customer through a referral URL', async () => {
    const res = await server.post('/v1/customers', {
      key: mine.key, body: { key: 'stolen', partner: { id: 'my-partner' }, options: { referral_url: 'https://shop.example.com/?aff=their-key' } },
    })
    expectErrorShape(res, 422)
    expect(res.json.errors).toHaveProperty(['options.referral_url'])
  })
})

describe('the same key and email in two programs', () => {
  it('do not clash, and each program sees its own', async () => {
    await makeCustomer(server, mine.key, { key: 'their-cus', email: 'their@example.com', name: 'Mine', partner: { id: 'my-partner' } })
    expect((await server.get('/v1/customers/their-cus', { key: mine.key })).json.data).toMatchObject({ partner: 'my-partner', name: 'Mine' })
    expect((await server.get('/v1/customers/their@example.com', { key: theirs.key })).json.data).toMatchObject({ partner: 'their-partner', name: null })
    const renamed = await server.put('/v1/customers/my-cus', { key: mine.key, body: { update: { email: 'THEIR2@example.com' } } })
    expect(renamed.status, renamed.text).toBe(200)
    expect((await server.delete('/v1/customers/their-cus', { key: mine.key })).status).toBe(200)
    expect((await server.get('/v1/customers/their-cus', { key: theirs.key })).status).toBe(200)
  })
})

describe('programs that are not affiliate programs', () => {
  it('get a 400 naming their type from every customer operation', async () => {
    await expectRefusedToOtherTypes(server, [...customerCollectionOperations, ...customerOperations('anyone')], ['newsletter'])
    // Refer-a-friend programs have these URLs too (customers/referral.*.test.ts), all but the affiliate-only ones.
    const affiliateOps = affiliateOnly([...customerCollectionOperations, ...customerOperations('anyone')])
    expect(affiliateOps.length).toBeGreaterThan(0)
    await expectRefusedToOtherTypes(server, affiliateOps, ['referral'])
  })
})

describe('authentication', () => {
  it('answers 401 without a valid key, showing nothing', async () => {
    await expectUnauthenticated(server, mine.key, [...customerCollectionOperations, ...customerOperations('my-cus')], /my-cus|mine@example/)
    expect((await server.get('/v1/customers/my-cus', { key: mine.key })).status).toBe(200)
  })
})
