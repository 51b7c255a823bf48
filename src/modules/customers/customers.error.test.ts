import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startServer, type TestServer } from '../../../test/support/server.js'
import { makePartner } from '../../../test/support/partners.js'
import { customerOperations, expectErrorShape, makeCustomer, makeSale, movesNothing } from '../../../test/support/sales.js'

let server: TestServer
let p: { id: number; key: string }
beforeAll(async () => {
  server = await startServer()
  p = await server.program()
  await makePartner(server, p.key, { id: 'ann', key: 'ann-key' })
  await makePartner(server, p.key, { id: 'bob', key: 'bob-key' })
  await makeCustomer(server, p.key, { key: 'taken', email: 'taken@example.com', name: 'Kept', partner: { id: 'ann' } })
  await makeSale(server, p.key, { key: 'taken-order', amount: 40, customer: { key: 'taken' } })
})
afterAll(() => server.close())

/** A refused request: the error shape, and neither the customer nor any counter moved. */
async function refused(status: number, work: () => Promise<{ status: number; json: unknown; text: string }>) {
  const before = (await server.get('/v1/customers/taken', { key: p.key })).json
  const res = await movesNothing(server, p, ['ann', 'bob'], work)
  expectErrorShape(res, status)
  expect((await server.get('/v1/customers/taken', { key: p.key })).json).toEqual(before)
  return res as { status: number; json: { message: string; errors?: Record<string, string[]> }; text: string }
}

describe('create refuses an unknown partner with 400 "Invalid partner key"', () => {
  const forms: Array<[string, string, Record<string, unknown>]> = [
    ['by key', '/v1/customers', { key: 'new-1', partner: { key: 'nobody' } }],
    ['by id', '/v1/customers', { key: 'new-1', partner: { id: 'nobody' } }],
    ['by email', '/v1/customers', { key: 'new-1', partner: { email: 'nobody@example.com' } }],
    ['in the legacy form', '/v1/customer', { customer: { key: 'new-1' }, partner: { key: 'nobody' } }],
    ['in the legacy form with a first sale', '/v1/customers', { customer: { key: 'new-1' }, partner: { key: 'nobody' }, transaction: { amount: 10 } }],
    ['in a sale that creates its customer', '/v1/transactions', { amount: 10, customer: { key: 'new-1', partner: { key: 'nobody' } }, options: { create_customer: true } }],
  ]
  for (const [what, url, body] of forms) {
    it(what, async () => {
      const res = await refused(400, () => server.post(url, { key: p.key, body }))
      expect(res.json.message).toBe('Invalid partner key')
      expect((await server.get('/v1/customers/new-1', { key: p.key })).status).toBe(404)
    })
  }
})

describe('create refuses bad input with 422', () => {
  const cases: Array<[string, Record<string, unknown>, string, string]> = [
    ['no key', { email: 'x1@example.com', partner: { id: 'ann' } }, 'key', 'The key field is required.'],
    ['no partner', { key: 'x2' }, 'partner', 'The partner field is required.'],
    ['a partner named by nothing', { key: 'x3', partner: {} }, 'partner', 'The partner must be named by id, key or email.'],
    ['a taken key', { key: 'taken', partner: { id: 'ann' } }, 'key', 'The key has already been taken.'],
    ['a taken email, in any case', { key: 'x4', email: 'TAKEN@example.com', partner: { id: 'ann' } }, 'email', 'The email has already been taken.'],
    ['a key with a space', { key: 'a b', partner: { id: 'ann' } }, 'key', 'The key format is invalid.'],
    ['a key with a slash', { key: 'a/b', partner: { id: 'ann' } }, 'key', 'The key format is invalid.'],
    ['a malformed email', { key: 'x5', email: 'nope', partner: { id: 'ann' } }, 'email', 'The email format is invalid.'],
    ['a referral URL of another partner\'s link', { key: 'x6', partner: { id: 'ann' }, options: { referral_url: 'https://shop.example.com/?aff=bob-key' } },
      'options.referral_url', 'The referral URL does not carry a referral link of this partner.'],
    ['a referral URL with no link', { key: 'x7', partner: { id: 'ann' }, options: { referral_url: 'https://shop.example.com/' } },
      'options.referral_url', 'The referral URL does not carry a referral link of this partner.'],
  ]
  for (const [what, body, field, message] of cases) {
    it(`refuses ${what}`, async () => {
      const res = await refused(422, () => server.post('/v1/customers', { key: p.key, body }))
      expect(res.json.errors?.[field], res.text).toContain(message)
    })
  }

  it('reports a missing key and partner together', async () => {
    const res = await refused(422, () => server.post('/v1/customers', { key: p.key, body: { name: 'Nobody' } }))
    expect(Object.keys(res.json.errors ?? {}).sort()).toEqual(['key', 'partner'])
  })

  it('reports a taken key and email together', async () => {
    const res = await refused(422, () => server.post('/v1/customers', { key: p.key, body: { key: 'taken', email: 'taken@example.com', partner: { id: 'bob' } } }))
    expect(Object.keys(res.json.errors ?? {}).sort()).toEqual(['email', 'key'])
  })

  it('refuses a legacy create whose first sale is invalid, creating neither', async () => {
    const res = await refused(422, () => server.post('/v1/customer', {
      key: p.key, body: { customer: { key: 'half' }, partner: { id: 'ann' }, transaction: { amount: 'ten' } },
    }))
    expect(res.json.errors?.amount).toEqual(['The amount must be a number.'])
    expect((await server.get('/v1/customers/half', { key: p.key })).status).toBe(404)
  })

  it('refuses a legacy create whose first sale has a taken key, creating neither', async () => {
    const res = await refused(422, () => server.post('/v1/customer', {
      key: p.key, body: { customer: { key: 'half' }, partner: { id: 'ann' }, transaction: { key: 'taken-order', amount: 5 } },
    }))
    expect(res.json.errors?.key).toEqual(['The key has already been taken.'])
    expect((await server.get('/v1/customers/half', { key: p.key })).status).toBe(404)
  })
})

describe('update refuses clashes and bad keys with 422', () => {
  beforeAll(async () => {
    await makeCustomer(server, p.key, { key: 'other', email: 'other@example.com', partner: { id: 'bob' } })
  })
  const cases: Array<[string, string, string, Record<string, unknown>, string, string]> = [
    ['a rename to a taken key', 'PUT', '/v1/customers/taken', { update: { key: 'other' } }, 'key', 'The key has already been taken.'],
    ['a flat rename to a taken key', 'PUT', '/v1/customers/taken', { key: 'other' }, 'key', 'The key has already been taken.'],
    ['an email taken by another customer', 'PUT', '/v1/customers/taken', { update: { email: 'OTHER@example.com' } }, 'email', 'The email has already been taken.'],
    ['a rename to a key with a space', 'PUT', '/v1/customers/taken', { update: { key: 'a b' } }, 'update.key', 'The update.key format is invalid.'],
    ['a flat rename to a key with a slash', 'PUT', '/v1/customers/taken', { key: 'a/b' }, 'key', 'The key format is invalid.'],
    ['a collection update naming no customer', 'PUT', '/v1/customers', { update: { name: 'x' } }, 'key', 'The key field is required.'],
    ['a collection delete naming no customer', 'DELETE', '/v1/customers', {}, 'key', 'The key field is required.'],
    ['a malformed email', 'PUT', '/v1/customers/taken', { email: 'nope' }, 'email', 'The email format is invalid.'],
  ]
  for (const [what, method, url, body, field, message] of cases) {
    it(`refuses ${what}`, async () => {
      const res = await refused(422, () => server.request(method, url, { key: p.key, body }))
      expect(res.json.errors?.[field], res.text).toContain(message)
    })
  }
})

describe('an unknown customer is 404 "Customer not found" on every operation', () => {
  for (const [method, url, body] of [...customerOperations('ghost'), ...customerOperations('ghost@example.com')]) {
    it(`${method} ${url} ${JSON.stringify(body ?? '')}`, async () => {
      const res = await refused(404, () => server.request(method, url, { key: p.key, body }))
      expect(res.json.message).toBe('Customer not found')
    })
  }

  it('and so is a deleted one, by its old key and email', async () => {
    await makeCustomer(server, p.key, { key: 'gone', email: 'gone@example.com', partner: { id: 'bob' } })
    expect((await server.delete('/v1/customers/gone', { key: p.key })).status).toBe(200)
    for (const [method, url, body] of [...customerOperations('gone'), ...customerOperations('gone@example.com')]) {
      const res = await refused(404, () => server.request(method, url, { key: p.key, body }))
      expect(res.json.message, `${method} ${url}`).toBe('Customer not found')
    }
  })
})

describe('state actions out of order are 400 and change nothing', () => {
  it('refuses approving an active customer, and suspending, archiving or restoring twice', async () => {
    const approve = await refused(400, () => server.post('/v1/customers/taken/approve', { key: p.key }))
    expect(approve.json.message).toBe('The customer is not suspended.')
    const restore = await refused(400, () => server.post('/v1/customers/taken/revoke-archive', { key: p.key }))
    expect(restore.json.message).toBe('The customer is not archived.')

    expect((await server.post('/v1/customers/taken/suspend', { key: p.key })).status).toBe(200)
    const suspend = await refused(400, () => server.post('/v1/customers/taken/suspend', { key: p.key }))
    expect(suspend.json.message).toBe('The customer is already suspended.')
    expect((await server.post('/v1/customers/taken/approve', { key: p.key })).status).toBe(200)

    expect((await server.post('/v1/customers/taken/archive', { key: p.key })).status).toBe(200)
    const archive = await refused(400, () => server.post('/v1/customers/taken/archive', { key: p.key }))
    expect(archive.json.message).toBe('The customer is already archived.')
    expect((await server.post('/v1/customers/taken/revoke-archive', { key: p.key })).status).toBe(200)
    expect((await server.get('/v1/customers/taken', { key: p.key })).json.data).toMatchObject({ status: 'active', name: 'Kept' })
  })
})

describe('requests racing for one customer', () => {
  const statuses = (answers: Array<{ status: number }>) => answers.map((a) => a.status).sort()

  it('creates a key once; the others get the 422 a later request would', async () => {
    const answers = await Promise.all(Array.from({ length: 6 }, (_, i) => server.post('/v1/customers', {
      key: p.key, body: { key: 'raced', email: `raced${i}@example.com`, partner: { id: 'bob' } },
    })))
    expect(statuses(answers), answers.map((a) => a.text).join('\n')).toEqual([201, 422, 422, 422, 422, 422])
  })

  it('deletes once: one 200, the others 404, the partner\'s sign-up taken back once', async () => {
    await makeCustomer(server, p.key, { key: 'delete-race', partner: { id: 'bob' } })
    const before = (await server.get('/v1/partners/bob', { key: p.key })).json.data
    const answers = await Promise.all(Array.from({ length: 6 }, () => server.delete('/v1/customers/delete-race', { key: p.key })))
    expect(statuses(answers)).toEqual([200, 404, 404, 404, 404, 404])
    const after = (await server.get('/v1/partners/bob', { key: p.key })).json.data
    expect(after.referrals.signups).toBe(before.referrals.signups - 1)
    expect(after.referrals_count).toBe(before.referrals_count - 1)
  })

  it('changes a state once: one 200, the others 400', async () => {
    await makeCustomer(server, p.key, { key: 'state-race', partner: { id: 'bob' } })
    for (const action of ['suspend', 'archive']) {
      const answers = await Promise.all(Array.from({ length: 6 }, () => server.post(`/v1/customers/state-race/${action}`, { key: p.key })))
      expect(statuses(answers), action).toEqual([200, 400, 400, 400, 400, 400])
    }
  })
})
