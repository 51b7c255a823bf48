// Refer-a-friend programs keep to themselves (issue 22): another program's customer, referral key
// or link is answered exactly as a missing one on every refer-a-friend operation, and nothing of
// it changes; bad input is a 4xx that changes nothing.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startServer, type TestServer } from '../../../test/support/server.js'

let server: TestServer
let mine: { id: number; key: string }
let theirs: { id: number; key: string }
beforeAll(async () => {
  server = await startServer()
  mine = await server.program({ type: 'referral' })
  theirs = await server.program({ type: 'referral' })
  await server.post('/v1/customers', { key: theirs.key, body: { id: 'their-cus', key: 'their-ref', email: 'their@example.com' } })
  await server.post('/v1/customers', { key: theirs.key, body: { id: 'their-friend', referring_customer: { id: 'their-cus' } } })
  await server.post('/v1/transactions', { key: theirs.key, body: { key: 'their-sale', amount: 40, customer: { id: 'their-friend' } } })
  await server.post('/v1/customers', { key: mine.key, body: { id: 'my-cus', key: 'my-ref', email: 'me@example.com' } })
})
afterAll(() => server.close())

type Op = [string, string, unknown?]
const operations = (ref: string, link: string): Op[] => [
  ['GET', `/v1/customers/${ref}`], ['PUT', `/v1/customers/${ref}`, { update: { name: 'x' } }], ['PUT', '/v1/customers', { id: ref, update: { name: 'x' } }],
  ['GET', `/v1/customers/${ref}/referrals`], ['GET', `/v1/customers/${ref}/stats`], ['GET', `/v1/customers/${ref}/balance`],
  ['POST', `/v1/customers/${ref}/balance/credit`, { amount: 1 }], ['GET', `/v1/customers/${ref}/referral_links`],
  ['GET', `/v1/customers/${ref}/transactions`],
  ['GET', `/v1/customer_referral_links/${link}`], ['PUT', `/v1/customer_referral_links/${link}`, { key: 'stolen' }],
  ['DELETE', `/v1/customer_referral_links/${link}`], ['GET', '/v1/transactions/their-sale'], ['POST', '/v1/transactions/their-sale/refund', { amount: 1 }],
  ['DELETE', '/v1/transactions/their-sale'], ['DELETE', `/v1/customers/${ref}`], ['DELETE', '/v1/customers', { id: ref }],
]

async function picture(programId: number) {
  const db = server.store.db
  const [customers, links, ledger, transactions] = await Promise.all([
    db.selectFrom('customers').selectAll().where('program_id', '=', programId).orderBy('id').execute(),
    db.selectFrom('referral_links').selectAll().where('program_id', '=', programId).orderBy('id').execute(),
    db.selectFrom('ledger_entries').selectAll().where('program_id', '=', programId).orderBy('id').execute(),
    db.selectFrom('transactions').selectAll().where('program_id', '=', programId).orderBy('id').execute(),
  ])
  return { customers, links, ledger, transactions }
}

describe('another refer-a-friend program', () => {
  it('answers its customers, keys and links exactly as missing ones, and they stay as they were', async () => {
    const before = await picture(theirs.id)
    const missing = operations('nobody', 'no-link')
    for (const [i, [method, url, body]] of operations('their-cus', 'their-ref').entries()) {
      const [, missingUrl, missingBody] = missing[i] as Op
      const foreign = await server.request(method, url, { key: mine.key, body })
      const absent = await server.request(method, missingUrl.replace('nobody', 'their-cus').includes('their-sale') ? missingUrl : missingUrl, { key: mine.key, body: missingBody })
      expect(foreign.status, `${method} ${url}`).toBe(absent.status)
      expect(foreign.status, `${method} ${url}`).toBeGreaterThanOrEqual(400)
      expect(foreign.text.replace(/their-(cus|ref)/g, 'X'), `${method} ${url}`).toBe(absent.text.replace(/nobody|no-link/g, 'X'))
    }
    expect(await picture(theirs.id)).toEqual(before)
  })

  it('cannot be named as a referrer, nor its customer sold to, nor its key used for a link', async () => {
    const before = await picture(theirs.id)
    const referred = await server.post('/v1/customers', { key: mine.key, body: { id: 'x1', referring_customer: { id: 'their-cus' } } })
    expect(referred.status).toBe(422)
    const byKey = await server.post('/v1/customers', { key: mine.key, body: { id: 'x2', referring_customer: { key: 'their-ref' } } })
    expect(byKey.status).toBe(422)
    const sale = await server.post('/v1/transactions', { key: mine.key, body: { amount: 5, customer: { id: 'their-friend' } } })
    expect(sale.status).toBe(422)
    const link = await server.post('/v1/customer_referral_links', { key: mine.key, body: { key: 'l1', customer: { id: 'their-cus' } } })
    expect(link.status).toBe(422)
    const list = await server.get('/v1/customers', { key: mine.key })
    expect(list.json.data.map((c: { id: string }) => c.id)).toEqual(['my-cus'])
    expect(await picture(theirs.id)).toEqual(before)
  })
})

describe('bad input', () => {
  it('is a 422 naming the field, and changes nothing', async () => {
    const before = await picture(mine.id)
    const cases: Op[] = [
      ['POST', '/v1/customers', { id: 'my-cus' }], ['POST', '/v1/customers', { email: 'me@example.com' }], ['POST', '/v1/customers', { key: 'my-ref', id: 'other' }],
      ['POST', '/v1/customers', { id: 'bad id with spaces' }], ['POST', '/v1/customers', { metadata: { date_of_birth: '2023-02-30' } }],
      ['POST', '/v1/customers', { metadata: { date_of_birth: '2023-13-01' } }], ['POST', '/v1/customers', { metadata: { date_of_birth: '2023-00-32' } }],
      ['POST', '/v1/customers/my-cus/balance/credit', { amount: 1 }], ['POST', '/v1/customers/my-cus/balance/credit', { amount: -1 }],
      ['POST', '/v1/customers/my-cus/balance/credit', { amount: 1, amount_units: 'XYZ' }], ['POST', '/v1/customers/my-cus/balance/credit', { amount: true }],
      ['POST', '/v1/customers:invite', { id: 'my-cus', email: 'not an address' }], ['POST', '/v1/customers:invite', { id: 'nobody', email: 'a@example.com' }],
      ['PUT', '/v1/program', { program_settings: { referral_rewards: [{ side: 'referrer', trigger: 'signup', type: 'percent', value: 10 }] } }],
      ['PUT', '/v1/program', { program_settings: { referral_rewards: [{ side: 'referrer', trigger: 'sale', type: 'percent', value: 101 }] } }],
      ['PUT', '/v1/program', { program_settings: { referral_rewards: [{ side: 'x', trigger: 'sale', type: 'static', value: 1 }] } }],
      ['PUT', '/v1/program', { program_settings: { referral_rewards: [{ side: 'friend', trigger: 'sale', type: 'static', value: 1, from_occurrence: 3, to_occurrence: 2 }] } }],
    ]
    for (const [method, url, body] of cases) {
      const res = await server.request(method, url, { key: mine.key, body })
      expect(res.status, `${method} ${url} ${JSON.stringify(body)} ${res.text}`).toBe(422)
      expect(res.json.errors, `${method} ${url}`).toBeTypeOf('object')
    }
    expect(await picture(mine.id)).toEqual(before)
    const settings = (await server.get('/v1/program', { key: mine.key })).json.data.program_settings
    expect(settings.referral_rewards).toEqual([{ side: 'referrer', trigger: 'sale', type: 'static', value: '10', unit: 'currency', recurrence: 'once' }])
  })
})

describe('taking over another customer', () => {
  it('cannot be done by choosing its referral key or its address as an id', async () => {
    const p = await server.program({ type: 'referral' })
    await server.post('/v1/customers', { key: p.key, body: { id: 'ann', key: 'ann_ref', email: 'ann@example.com' } })
    const before = await picture(p.id)
    for (const body of [{ id: 'ann_ref', email: 'thief@example.com' }, { key: 'ann_ref' }, { id: 'ann@example.com', email: 'thief@example.com' }, { key: 'ann@example.com' }]) {
      const res = await server.post('/v1/customers', { key: p.key, body })
      expect(res.status, JSON.stringify(body)).toBe(422)
    }
    // Nor through the public sign-up, which takes the visitor's key (or email) as the id.
    const pub = (await server.get('/v1/test', { key: p.key })).json.data.program.pub_id
    await server.post('/t/signup', { body: { program: pub, partner_key: 'ann_ref', customer: { key: 'ann_ref', email: 'thief@example.com' } } })
    await server.post('/t/signup', { body: { program: pub, partner_key: 'ann_ref', customer: { key: 'ann@example.com', email: 'thief2@example.com' } } })
    expect(await picture(p.id)).toEqual(before)
    // Each field names what it is: a key the key's owner, an email the address's owner.
    const friend = await server.post('/v1/customers', { key: p.key, body: { id: 'fred', referring_customer: { key: 'ann_ref' } } })
    expect(friend.json.data.referring_customer.id).toBe('ann')
    expect((await server.post('/v1/transactions', { key: p.key, body: { amount: 5, customer: { email: 'fred@example.com' } } })).status).toBe(422)
  })

  it('earns nothing by referring oneself under another address of the same mailbox', async () => {
    const p = await server.program({ type: 'referral' })
    await server.put('/v1/program', { key: p.key, body: { program_settings: { referral_rewards: [
      { side: 'referrer', trigger: 'signup', type: 'static', value: 3 }, { side: 'referrer', trigger: 'sale', type: 'static', value: 10 },
    ] } } })
    await server.post('/v1/customers', { key: p.key, body: { id: 'ann', email: 'ann.lee@gmail.com' } })
    await server.post('/v1/customers', { key: p.key, body: { id: 'ann2', email: 'annlee+again@gmail.com', referring_customer: { id: 'ann' } } })
    const sale = await server.post('/v1/transactions', { key: p.key, body: { amount: 50, customer: { id: 'ann2' } } })
    expect(sale.status, sale.text).toBe(201)
    expect(sale.json.data.rewards).toEqual([])
    expect((await server.get('/v1/customers/ann/balance', { key: p.key })).json.data.balance.currency[0].amount).toBe(0)
  })
})
