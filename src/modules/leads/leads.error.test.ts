import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startServer, type TestServer } from '../../../test/support/server.js'
import { makePartner } from '../../../test/support/partners.js'

let server: TestServer
let p: { id: number; key: string }
beforeAll(async () => {
  server = await startServer()
  p = await server.program()
  await makePartner(server, p.key, { id: 'owner', key: 'owner-key' })
})
afterAll(() => server.close())

/** Everything a refused request must leave alone. */
async function snapshot(programId = p.id) {
  const db = server.store.db
  const rows = async (table: 'leads' | 'customers' | 'transactions' | 'rewards' | 'outbox') =>
    db.selectFrom(table).selectAll().where('program_id', '=', programId).orderBy('id').execute()
  return { leads: await rows('leads'), customers: await rows('customers'), transactions: await rows('transactions'), rewards: await rows('rewards'), outbox: await rows('outbox') }
}

async function submit(body: Record<string, unknown> = {}) {
  const res = await server.post('/v1/leads', { key: p.key, body: { name: 'Lead', email: `lead-${Math.random()}@example.com`, partner: { id: 'owner' }, ...body } })
  expect(res.status, res.text).toBe(201)
  return res.json.data as { id: number }
}

describe('submitting refuses bad input, writing nothing', () => {
  const cases: Array<[string, Record<string, unknown>, string]> = [
    ['no name', { email: 'a@example.com', partner: { id: 'owner' } }, 'name'],
    ['an empty name', { name: '', email: 'a@example.com', partner: { id: 'owner' } }, 'name'],
    ['a name too long', { name: 'x'.repeat(256), email: 'a@example.com', partner: { id: 'owner' } }, 'name'],
    ['no email', { name: 'A', partner: { id: 'owner' } }, 'email'],
    ['a malformed email', { name: 'A', email: 'not-an-email', partner: { id: 'owner' } }, 'email'],
    ['no partner', { name: 'A', email: 'a@example.com' }, 'partner'],
    ['a partner named by nothing', { name: 'A', email: 'a@example.com', partner: {} }, 'partner'],
    ['a custom answer that is an object', { name: 'A', email: 'a@example.com', partner: { id: 'owner' }, cfields: { q: { deep: 1 } } }, 'cfields.q'],
    ['custom answers that are not a map', { name: 'A', email: 'a@example.com', partner: { id: 'owner' }, cfields: 'text' }, 'cfields'],
  ]
  for (const [what, body, field] of cases) {
    it(`refuses ${what} with 422`, async () => {
      const before = await snapshot()
      const res = await server.post('/v1/leads', { key: p.key, body })
      expect(res.status, res.text).toBe(422)
      expect(res.json.errors, res.text).toHaveProperty([field])
      expect(await snapshot()).toEqual(before)
    })
  }

  it('answers 400 "Invalid partner key" for a partner that does not exist, as customers do', async () => {
    const before = await snapshot()
    for (const partner of [{ key: 'ghost' }, { id: 'ghost' }, { email: 'ghost@example.com' }]) {
      const res = await server.post('/v1/leads', { key: p.key, body: { name: 'A', email: 'a@example.com', partner } })
      expect(res.status).toBe(400)
      expect(res.json).toEqual({ message: 'Invalid partner key', code: 'invalid_partner', status: 0 })
    }
    expect(await snapshot()).toEqual(before)
  })
})

describe('look-ups of leads that do not exist', () => {
  it('answers the same 404 for a missing number and for anything that is not one', async () => {
    const bodies = new Set<string>()
    for (const id of ['999', 'abc', '0', '-1', '1.5', '1e3', '99999999999999999999']) {
      for (const method of ['GET', 'DELETE']) {
        const res = await server.request(method, `/v1/leads/${id}`, { key: p.key })
        expect(res.status, `${method} ${id}`).toBe(404)
        bodies.add(res.text)
      }
    }
    expect([...bodies]).toEqual([JSON.stringify({ message: 'Lead not found', code: 'not_found', status: 0 })])
  })

  for (const action of ['convert', 'reject']) {
    it(`${action}: 404 for an unknown id, 422 for a missing or malformed one`, async () => {
      const before = await snapshot()
      expect((await server.post(`/v1/leads/${action}`, { key: p.key, body: { id: 999 } })).status).toBe(404)
      expect((await server.get(`/v1/leads/${action}?id=999`, { key: p.key })).json.message).toBe('Lead not found')
      for (const query of ['', '?id=abc', '?id=0', '?id=-3', '?id=1.5']) {
        const res = await server.get(`/v1/leads/${action}${query}`, { key: p.key })
        expect(res.status, query).toBe(422)
        expect(res.json.errors, res.text).toHaveProperty(['id'])
      }
      expect((await server.post(`/v1/leads/${action}`, { key: p.key, body: { id: 'abc' } })).status).toBe(422)
      expect(await snapshot()).toEqual(before)
    })
  }
})

describe('converting', () => {
  for (const amount of ['abc', -5, '-0.01', '1.1234567', '1e309', { value: 1 }]) {
    it(`refuses commission_transaction_amount ${JSON.stringify(amount)} with 422, leaving the lead submitted`, async () => {
      const lead = await submit()
      const before = await snapshot()
      const res = await server.post('/v1/leads/convert', { key: p.key, body: { id: lead.id, commission_transaction_amount: amount } })
      expect(res.status, res.text).toBe(422)
      expect(res.json.errors).toHaveProperty(['commission_transaction_amount'])
      expect(await snapshot()).toEqual(before)
    })
  }

  it('refuses (422) a lead whose email is already a customer\'s, changing nothing', async () => {
    const taken = await server.post('/v1/customers', { key: p.key, body: { key: 'existing', email: 'Taken@Example.com', partner: { id: 'owner' } } })
    expect(taken.status, taken.text).toBe(201)
    const lead = await submit({ email: 'taken@example.com' })
    const before = await snapshot()
    const res = await server.get(`/v1/leads/convert?id=${lead.id}&commission_transaction_amount=100`, { key: p.key })
    expect(res.status, res.text).toBe(422)
    expect(res.json).toEqual({
      message: 'The lead\'s email already belongs to a customer of this program.',
      errors: { email: ['A customer with this email already exists.'] }, code: 'validation_failed', status: 0,
    })
    expect(await snapshot()).toEqual(before)
    expect((await server.get(`/v1/leads/${lead.id}`, { key: p.key })).json.data.status).toBe('submitted')
  })

  it('refuses (400) a lead whose partner was deleted since', async () => {
    await makePartner(server, p.key, { id: 'leaving', key: 'leaving' })
    const lead = await submit({ partner: { id: 'leaving' } })
    expect((await server.delete('/v1/partners/leaving', { key: p.key })).status).toBe(200)
    expect((await server.get(`/v1/leads/${lead.id}`, { key: p.key })).json.data.submitter).toBeNull()
    const before = await snapshot()
    const res = await server.post('/v1/leads/convert', { key: p.key, body: { id: lead.id } })
    expect(res.status, res.text).toBe(400)
    expect(res.json.code).toBe('submitter_deleted')
    expect(await snapshot()).toEqual(before)
  })
})

describe('a decided lead stays decided', () => {
  it('answers 400 naming the status for a second convert or reject, changing nothing', async () => {
    const converted = await submit()
    const rejected = await submit()
    expect((await server.post('/v1/leads/convert', { key: p.key, body: { id: converted.id, commission_transaction_amount: 10 } })).status).toBe(200)
    expect((await server.post('/v1/leads/reject', { key: p.key, body: { id: rejected.id } })).status).toBe(200)
    const before = await snapshot()
    const attempts: Array<[string, number, string]> = [
      ['convert', converted.id, 'Only a submitted lead can be converted; this lead is converted.'],
      ['reject', converted.id, 'Only a submitted lead can be rejected; this lead is converted.'],
      ['convert', rejected.id, 'Only a submitted lead can be converted; this lead is rejected.'],
      ['reject', rejected.id, 'Only a submitted lead can be rejected; this lead is rejected.'],
    ]
    for (const [action, id, message] of attempts) {
      for (const res of [
        await server.post(`/v1/leads/${action}`, { key: p.key, body: { id, commission_transaction_amount: 10 } }),
        await server.get(`/v1/leads/${action}?id=${id}`, { key: p.key }),
      ]) {
        expect(res.status, res.text).toBe(400)
        expect(res.json).toEqual({ message, code: 'lead_not_submitted', status: 0 })
      }
    }
    expect(await snapshot()).toEqual(before)
  })
})

describe('racing decisions', () => {
  it('lets exactly one of several simultaneous converts and rejects through', async () => {
    const lead = await submit()
    const answers = await Promise.all([
      ...[1, 2, 3].map(() => server.post('/v1/leads/convert', { key: p.key, body: { id: lead.id, commission_transaction_amount: 50 } })),
      ...[1, 2].map(() => server.post('/v1/leads/reject', { key: p.key, body: { id: lead.id } })),
    ])
    expect(answers.map((a) => a.status).sort()).toEqual([200, 400, 400, 400, 400])
    const winner = answers.find((a) => a.status === 200)?.json.data
    for (const loser of answers.filter((a) => a.status === 400)) expect(loser.json.message).toMatch(new RegExp(`this lead is ${winner.status}\\.$`))
    const made = await server.store.db.selectFrom('customers').select('id').where('program_id', '=', p.id).where('email', '=', winner.lead_info.email).execute()
    expect(made).toHaveLength(winner.status === 'converted' ? 1 : 0)
  })
})

describe('other program types', () => {
  it('answers every lead route with the 400 the customer routes give', async () => {
    const raf = await server.program({ type: 'newsletter' })
    const customers = await server.get('/v1/customers/x', { key: raf.key })
    expect(customers.status).toBe(400)
    const expected = customers.json
    const calls: Array<[string, string, unknown]> = [
      ['GET', '/v1/leads/details', undefined], ['GET', '/v1/leads', undefined], ['GET', '/v1/leads/1', undefined],
      ['POST', '/v1/leads', { name: 'A', email: 'a@example.com', partner: { id: 'owner' } }], ['GET', '/v1/leads/convert?id=1', undefined],
      ['POST', '/v1/leads/convert', { id: 1 }], ['GET', '/v1/leads/reject?id=1', undefined], ['POST', '/v1/leads/reject', { id: 1 }],
      ['DELETE', '/v1/leads/1', undefined],
    ]
    const before = await snapshot(raf.id)
    for (const [method, path, body] of calls) {
      const res = await server.request(method, path, { key: raf.key, body })
      expect(res.status, `${method} ${path}`).toBe(400)
      expect(res.json, `${method} ${path}`).toEqual(expected)
    }
    expect(await snapshot(raf.id)).toEqual(before)
  })
})
