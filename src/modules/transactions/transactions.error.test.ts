import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startServer, type TestServer } from '../../../test/support/server.js'
import { makePartner } from '../../../test/support/partners.js'
import { expectErrorShape, makeCustomer, makeSale, movesNothing, transactionOperations } from '../../../test/support/sales.js'

let server: TestServer
let p: { id: number; key: string }
beforeAll(async () => {
  server = await startServer()
  p = await server.program()
  await makePartner(server, p.key, { id: 'ann', key: 'ann-key' })
  await makeCustomer(server, p.key, { key: 'buyer', email: 'buyer@example.com', partner: { id: 'ann' } })
  await makeSale(server, p.key, { key: 'order-1', amount: 100, customer: { key: 'buyer' } })
})
afterAll(() => server.close())

type Refusal = { status: number; json: { message: string; errors?: Record<string, string[]> }; text: string }

/** A refused request: the error shape, and no counter, ledger row, rollup, row or event moved. */
async function refused(status: number, work: () => Promise<{ status: number; json: unknown; text: string }>): Promise<Refusal> {
  const res = await movesNothing(server, p, ['ann'], work)
  expectErrorShape(res, status)
  return res as Refusal
}

const sale = (body: Record<string, unknown>) => () => server.post('/v1/transactions', { key: p.key, body: { customer: { key: 'buyer' }, ...body } })

describe('a sale with bad money is 422 naming the field', () => {
  const cases: Array<[string, Record<string, unknown>, string, string]> = [
    ['no amount and no reward', { key: 'x' }, 'amount', 'The amount field is required.'],
    ['a null amount', { amount: null }, 'amount', 'The amount field is required.'],
    ['a negative amount', { amount: -5 }, 'amount', 'The amount must be at least 0.'],
    ['a negative numeric string', { amount: '-0.01' }, 'amount', 'The amount must be at least 0.'],
    ['a word for an amount', { amount: 'ten' }, 'amount', 'The amount must be a number.'],
    ['an empty amount (as a missing one)', { amount: '' }, 'amount', 'The amount field is required.'],
    ['a thousands separator', { amount: '1,000' }, 'amount', 'The amount must be a number.'],
    ['seven decimals as a string', { amount: '1.1234567' }, 'amount', 'The amount must have at most 6 decimal places.'],
    ['seven decimals as a number', { amount: 1.1234567 }, 'amount', 'The amount must have at most 6 decimal places.'],
    ['an amount past any sale', { amount: '1e30' }, 'amount', 'The amount is too large.'],
    ['a negative reward', { amount: 10, reward: -1 }, 'reward', 'The reward must be at least 0.'],
    ['a negative discount', { amount: 10, discount_amount: -1 }, 'discount_amount', 'The discount amount must be at least 0.'],
    ['a boolean amount', { amount: true }, 'amount', 'The amount must be a number.'],
    ['a boolean reward', { amount: 10, reward: false }, 'reward', 'The reward must be a number.'],
    ['a boolean date', { amount: 10, created_at: true }, 'created_at', 'The created at must be Unix seconds or an ISO-8601 date, not in the future.'],
  ]
  for (const [what, body, field, message] of cases) {
    it(`refuses ${what}`, async () => {
      const res = await refused(422, sale(body))
      expect(res.json.errors?.[field], res.text).toContain(message)
    })
  }

  it('refuses an amount that is neither a number nor text, and a currency that is no currency', async () => {
    expect((await refused(422, sale({ amount: { value: 1 } }))).json.errors).toHaveProperty('amount')
    expect((await refused(422, sale({ amount: 1, amount_units: 'dollars' }))).json.errors).toHaveProperty('amount_units')
  })
})

describe('a sale with a bad created_at is 422', () => {
  const inTwoDays = Math.floor(Date.now() / 1000) + 2 * 86_400
  const bad: unknown[] = [
    'yesterday', 'March 7', 'x 2020', '01/02/2024', '1.5', '-5', '2025-02-30', '2024-13-01', '2024-01-01T25:00:00Z',
    '2024-01-01T10:00:00+0200', 'Tue, 01 Jan 2024 00:00:00 GMT', 1.5, -5, inTwoDays, String(inTwoDays), Date.now(), { at: 1 },
  ]
  for (const createdAt of bad) {
    it(`refuses ${JSON.stringify(createdAt)}`, async () => {
      const res = await refused(422, sale({ amount: 10, created_at: createdAt }))
      expect(res.json.errors, res.text).toHaveProperty('created_at')
    })
  }
})

describe('a sale for a customer that cannot be found is 422 naming the customer', () => {
  it('refuses an unknown key or email, no customer, and a deleted customer', async () => {
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ amount: 10, customer: { key: 'ghost' } }, 'The customer was not found.'],
      [{ amount: 10, customer: { email: 'ghost@example.com' } }, 'The customer was not found.'],
      [{ amount: 10, customer: {} }, 'The customer must be named by key, id or email.'],
      [{ amount: 10, customer: undefined }, 'The customer must be named by key, id or email.'],
      [{ amount: 10, customer: undefined, options: { create_customer: true } }, 'The customer field is required.'],
    ]
    for (const [body, message] of cases) {
      const res = await refused(422, sale(body))
      expect(res.json.errors?.customer, res.text).toEqual([message])
    }
    await makeCustomer(server, p.key, { key: 'left', partner: { id: 'ann' } })
    expect((await server.delete('/v1/customers/left', { key: p.key })).status).toBe(200)
    const res = await refused(422, sale({ amount: 10, customer: { key: 'left' } }))
    expect(res.json.errors?.customer).toEqual(['The customer was not found.'])
  })

  it('refuses creating a customer that already exists along with the sale', async () => {
    const res = await refused(422, sale({ amount: 10, customer: { key: 'buyer', partner: { id: 'ann' } }, options: { create_customer: true } }))
    expect(res.json.errors?.key).toEqual(['The key has already been taken.'])
  })
})

describe('a transaction key is unique in the program', () => {
  it('refuses a second sale with a taken key, keeping the first as it was', async () => {
    const before = (await server.get('/v1/transactions/order-1', { key: p.key })).json
    const res = await refused(422, sale({ key: 'order-1', amount: 5 }))
    expect(res.json.errors?.key).toEqual(['The key has already been taken.'])
    expect((await server.get('/v1/transactions/order-1', { key: p.key })).json).toEqual(before)
  })

  it('refuses a key with characters a path cannot carry', async () => {
    const res = await refused(422, sale({ key: 'a/b', amount: 5 }))
    expect(res.json.errors?.key).toEqual(['The key format is invalid.'])
  })
})

describe('bulk transactions are all stored or none', () => {
  const keys = ['bulk-1', 'bulk-2', 'bulk-3']
  async function noneStored() {
    for (const key of keys) expect((await server.get(`/v1/transactions/${key}`, { key: p.key })).status, key).toBe(404)
  }

  it('refuses the whole list when one item has bad money, naming the item', async () => {
    const res = await refused(422, sale({ transactions: [{ key: 'bulk-1', amount: 10 }, { key: 'bulk-2', amount: 'x' }, { key: 'bulk-3', amount: 5 }] }))
    expect(res.json.errors).toEqual({ 'transactions.1.amount': ['The amount must be a number.'] })
    await noneStored()
  })

  it('refuses the whole list when a later item repeats a key, in the list or already taken', async () => {
    let res = await refused(422, sale({ transactions: [{ key: 'bulk-1', amount: 10 }, { key: 'bulk-2', amount: 1 }, { key: 'bulk-1', amount: 5 }] }))
    expect(res.json.errors?.key).toEqual(['The key has already been taken.'])
    await noneStored()
    res = await refused(422, sale({ transactions: [{ key: 'bulk-1', amount: 10 }, { key: 'order-1', amount: 5 }] }))
    expect(res.json.errors?.key).toEqual(['The key has already been taken.'])
    await noneStored()
  })

  it('creates no customer when the list that came with it is refused', async () => {
    const res = await refused(422, sale({
      customer: { key: 'with-bulk', partner: { id: 'ann' } }, options: { create_customer: true },
      transactions: [{ key: 'bulk-1', amount: 10 }, { key: 'bulk-2', amount: 3, created_at: 'soon' }],
    }))
    expect(res.json.errors).toEqual({ 'transactions.1.created_at': ['The created at must be Unix seconds or an ISO-8601 date, not in the future.'] })
    expect((await server.get('/v1/customers/with-bulk', { key: p.key })).status).toBe(404)
    await noneStored()
  })

  it('refuses an empty list', async () => {
    expect((await refused(422, sale({ transactions: [] }))).json.errors).toHaveProperty('transactions')
  })
})

describe('refunds', () => {
  it('refuses more than what is left, nothing, and bad amounts', async () => {
    await makeSale(server, p.key, { key: 'refund-me', amount: 100, customer: { key: 'buyer' } })
    expect((await server.post('/v1/transactions/refund-me/refund', { key: p.key, body: { amount: 60 } })).status).toBe(200)
    const cases: Array<[unknown, string]> = [
      [40.01, 'The refund is more than what is left of the transaction.'],
      ['1000', 'The refund is more than what is left of the transaction.'],
      [0, 'The amount must be greater than 0.'],
      [-1, 'The amount must be at least 0.'],
      ['abc', 'The amount must be a number.'],
      ['0.0000001', 'The amount must have at most 6 decimal places.'],
    ]
    for (const [amount, message] of cases) {
      const res = await refused(422, () => server.post('/v1/transactions/refund-me/refund', { key: p.key, body: { amount } }))
      expect(res.json.errors?.amount, String(amount)).toEqual([message])
    }
    expect((await refused(422, () => server.post('/v1/transactions/refund-me/refund', { key: p.key, body: {} }))).json.errors).toHaveProperty('amount')
    // Exactly what is left still goes through.
    const rest = await server.post('/v1/transactions/refund-me/refund', { key: p.key, body: { amount: '40' } })
    expect(rest.status, rest.text).toBe(200)
    expect(rest.json.data).toMatchObject({ amount: 0, rewards: [expect.objectContaining({ amount: 0 })] })
    const res = await refused(422, () => server.post('/v1/transactions/refund-me/refund', { key: p.key, body: { amount: 0.01 } }))
    expect(res.json.errors?.amount).toEqual(['The refund is more than what is left of the transaction.'])
  })

  it('refuses refunding an archived sale with 400 and a deleted one with 404', async () => {
    await makeSale(server, p.key, { key: 'archived-sale', amount: 10, customer: { key: 'buyer' } })
    expect((await server.post('/v1/transactions/archived-sale/archive', { key: p.key })).status).toBe(200)
    const archived = await refused(400, () => server.post('/v1/transactions/archived-sale/refund', { key: p.key, body: { amount: 1 } }))
    expect(archived.json.message).toBe('The transaction is archived; restore it before refunding.')

    await makeSale(server, p.key, { key: 'deleted-sale', amount: 10, customer: { key: 'buyer' } })
    expect((await server.delete('/v1/transactions/deleted-sale', { key: p.key })).status).toBe(200)
    const deleted = await refused(404, () => server.post('/v1/transactions/deleted-sale/refund', { key: p.key, body: { amount: 1 } }))
    expect(deleted.json.message).toBe('Transaction not found')
  })
})

describe('archive and restore out of order are 400', () => {
  it('refuses archiving twice and restoring what is not archived', async () => {
    await makeSale(server, p.key, { key: 'arc', amount: 10, customer: { key: 'buyer' } })
    const restore = await refused(400, () => server.post('/v1/transactions/arc/revoke-archive', { key: p.key }))
    expect(restore.json.message).toBe('The transaction is not archived.')
    expect((await server.post('/v1/transactions/arc/archive', { key: p.key })).status).toBe(200)
    const twice = await refused(400, () => server.post('/v1/transactions/arc/archive', { key: p.key }))
    expect(twice.json.message).toBe('The transaction is already archived.')
    expect((await server.post('/v1/transactions/arc/revoke-archive', { key: p.key })).status).toBe(200)
    const again = await refused(400, () => server.post('/v1/transactions/arc/revoke-archive', { key: p.key }))
    expect(again.json.message).toBe('The transaction is not archived.')
  })
})

describe('an unknown or deleted transaction is 404 "Transaction not found" everywhere', () => {
  it('answers a key that never existed', async () => {
    for (const [method, url, body] of transactionOperations('ghost')) {
      const res = await refused(404, () => server.request(method, url, { key: p.key, body }))
      expect(res.json.message, `${method} ${url}`).toBe('Transaction not found')
    }
  })

  it('answers a deleted sale, and lists it nowhere', async () => {
    await makeSale(server, p.key, { key: 'gone', amount: 10, customer: { key: 'buyer' } })
    expect((await server.delete('/v1/transactions', { key: p.key, body: { key: 'gone' } })).status).toBe(200)
    for (const [method, url, body] of transactionOperations('gone')) {
      const res = await refused(404, () => server.request(method, url, { key: p.key, body }))
      expect(res.json.message, `${method} ${url}`).toBe('Transaction not found')
    }
    expect((await server.get('/v1/transactions?key=gone', { key: p.key })).json.data).toEqual([])
  })

  it('asks for the key when a body delete names none', async () => {
    const res = await refused(422, () => server.delete('/v1/transactions', { key: p.key, body: {} }))
    expect(res.json.errors?.key).toEqual(['The key field is required.'])
  })
})

describe('requests racing for one key', () => {
  const statuses = (answers: Array<{ status: number }>) => answers.map((a) => a.status).sort()

  it('lets one sale have a new key; the others get the 422 a later request would', async () => {
    const before = (await server.get('/v1/partners/ann', { key: p.key })).json.data.referrals.sales_count as number
    const answers = await Promise.all(Array.from({ length: 6 }, () => server.post('/v1/transactions', {
      key: p.key, body: { key: 'raced', amount: 10, customer: { key: 'buyer' } },
    })))
    expect(statuses(answers), answers.map((a) => a.text).join('\n')).toEqual([201, 422, 422, 422, 422, 422])
    for (const lost of answers.filter((a) => a.status === 422)) expect(lost.json.errors).toEqual({ key: ['The key has already been taken.'] })
    expect((await server.get('/v1/partners/ann', { key: p.key })).json.data.referrals.sales_count).toBe(before + 1)
  })

  it('lets one sale create a new customer; the others get the 422 a later request would', async () => {
    const answers = await Promise.all(Array.from({ length: 6 }, (_, i) => server.post('/v1/transactions', {
      key: p.key, body: { key: `raced-cus-${i}`, amount: 10, customer: { key: 'raced-cus', partner: { id: 'ann' } }, options: { create_customer: true } },
    })))
    expect(statuses(answers), answers.map((a) => a.text).join('\n')).toEqual([201, 422, 422, 422, 422, 422])
    expect((await server.get('/v1/customers/raced-cus/transactions', { key: p.key })).json.data).toHaveLength(1)
  })

  it('deletes a sale once: one 200, the others 404, one event, its counters moved once', async () => {
    await makeSale(server, p.key, { key: 'delete-race', amount: 10, customer: { key: 'buyer' } })
    const before = (await server.get('/v1/partners/ann', { key: p.key })).json.data.referrals.sales_count as number
    const answers = await Promise.all(Array.from({ length: 6 }, () => server.delete('/v1/transactions/delete-race', { key: p.key })))
    expect(statuses(answers)).toEqual([200, 404, 404, 404, 404, 404])
    expect((await server.get('/v1/partners/ann', { key: p.key })).json.data.referrals.sales_count).toBe(before - 1)
    const events = await server.store.db.selectFrom('outbox').select('data').where('program_id', '=', p.id).where('type', '=', 'transaction.deleted').execute()
    expect(events.filter((e) => JSON.stringify(e.data).includes('delete-race'))).toHaveLength(1)
  })

  it('archives a sale once: one 200, the others 400', async () => {
    await makeSale(server, p.key, { key: 'archive-race', amount: 10, customer: { key: 'buyer' } })
    const answers = await Promise.all(Array.from({ length: 6 }, () => server.post('/v1/transactions/archive-race/archive', { key: p.key })))
    expect(statuses(answers)).toEqual([200, 400, 400, 400, 400, 400])
  })

  it('refunds no more than the sale: the refunds that would overdraw it get 422', async () => {
    await makeSale(server, p.key, { key: 'refund-race', amount: 10, customer: { key: 'buyer' } })
    const answers = await Promise.all(Array.from({ length: 6 }, () => server.post('/v1/transactions/refund-race/refund', { key: p.key, body: { amount: 4 } })))
    expect(statuses(answers)).toEqual([200, 200, 422, 422, 422, 422])
    expect((await server.get('/v1/transactions/refund-race', { key: p.key })).json.data.amount).toBe(2)
  })
})
