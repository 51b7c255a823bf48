// Idempotency-Key on POST: one effect per key, the first answer replayed, other input refused,
// a concurrent duplicate refused, a server error releasing the key. Exercised through a POST
// route that records each real run in the outbox.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Type } from 'typebox'
import { startServer, type TestServer } from '../../../test/support/server.js'
import { addRoute } from '../route.js'
import { emit } from '../../events/outbox.js'
import { ok } from '../envelope.js'
import { makePartner } from '../../../test/support/partners.js'
import { makeCustomer, moneyPicture } from '../../../test/support/sales.js'

let server: TestServer
let key: string
let programId: number
let gate: Promise<void> | undefined
/** Called when a handler reaches the gate: the first request is then surely running. */
let atGate: (() => void) | undefined
let failNext = false

beforeAll(async () => {
  server = await startServer({}, {
    routes: (app, store) => addRoute(app, (r) => `http://${r.host}`, {
      method: 'POST',
      url: '/v1/test-orders',
      summary: 'test only',
      tags: ['Test'],
      input: Type.Object({ amount: Type.Number() }),
      response: { 201: Type.Object({ data: Type.Object({ run: Type.Integer(), amount: Type.Number() }), status: Type.Literal(1) }) },
      successStatus: 201,
      handler: async ({ caller, input }) => {
        if (gate) {
          atGate?.()
          await gate
        }
        if (failNext) {
          failNext = false
          throw new Error('boom')
        }
        await emit(store.db, caller.program.id, 'test.order', { amount: input.amount })
        const runs = await store.db.selectFrom('outbox').where('program_id', '=', caller.program.id).select('id').execute()
        return ok({ run: runs.length, amount: input.amount })
      },
    }),
  })
  const p = await server.program()
  key = p.key
  programId = p.id
})
afterAll(() => server.close())

async function runs(): Promise<number> {
  return (await server.store.db.selectFrom('outbox').where('program_id', '=', programId).select('id').execute()).length
}

describe('Idempotency-Key', () => {
  it('runs once and replays the first answer, byte for byte', async () => {
    const headers = { 'idempotency-key': 'order-1' }
    const first = await server.post('/v1/test-orders', { key, headers, body: { amount: 10 } })
    expect(first.status).toBe(201)
    const again = await server.post('/v1/test-orders', { key, headers, body: { amount: 10 } })
    expect(again.status).toBe(201)
    expect(again.text).toBe(first.text)
    expect(again.headers['idempotent-replayed']).toBe('true')
    expect(again.headers['content-type']).toBe('application/json')
    expect(await runs()).toBe(1)
  })

  it('treats the same input sent another way (query, key order) as the same request', async () => {
    const headers = { 'idempotency-key': 'order-2' }
    await server.post('/v1/test-orders?amount=5', { key, headers })
    const again = await server.post('/v1/test-orders', { key, headers, body: { amount: 5 } })
    expect(again.headers['idempotent-replayed']).toBe('true')
  })

  it('refuses the same key with other input (422) and runs nothing', async () => {
    const headers = { 'idempotency-key': 'order-3' }
    await server.post('/v1/test-orders', { key, headers, body: { amount: 1 } })
    const before = await runs()
    const other = await server.post('/v1/test-orders', { key, headers, body: { amount: 2 } })
    expect(other.status).toBe(422)
    expect(other.json).toMatchObject({ code: 'idempotency_key_reused', status: 0 })
    expect(await runs()).toBe(before)
  })

  it('refuses a duplicate while the first is still running (409)', async () => {
    let open!: () => void
    gate = new Promise((resolve) => (open = resolve))
    const running = new Promise<void>((resolve) => (atGate = resolve))
    const headers = { 'idempotency-key': 'order-4' }
    const first = server.post('/v1/test-orders', { key, headers, body: { amount: 3 } })
    await running
    const duplicate = await server.post('/v1/test-orders', { key, headers, body: { amount: 3 } })
    expect(duplicate.status).toBe(409)
    expect(duplicate.json.code).toBe('idempotency_key_in_flight')
    gate = undefined
    atGate = undefined
    open()
    expect((await first).status).toBe(201)
    expect((await server.post('/v1/test-orders', { key, headers, body: { amount: 3 } })).headers['idempotent-replayed']).toBe('true')
  })

  it('releases the key after a server error so a retry runs', async () => {
    failNext = true
    const headers = { 'idempotency-key': 'order-5' }
    const failed = await server.post('/v1/test-orders', { key, headers, body: { amount: 4 } })
    expect(failed.status).toBe(500)
    expect(failed.json).toEqual({ message: 'Server Error.', code: 'server_error', status: 0 })
    const retry = await server.post('/v1/test-orders', { key, headers, body: { amount: 4 } })
    expect(retry.status).toBe(201)
    expect(retry.headers['idempotent-replayed']).toBeUndefined()
  })

  it('keeps 4xx answers too, and keys apart per API key', async () => {
    const headers = { 'idempotency-key': 'order-6' }
    const bad = await server.post('/v1/test-orders', { key, headers, body: { amount: 'lots' } })
    expect(bad.status).toBe(422)
    const other = await server.program()
    const elsewhere = await server.post('/v1/test-orders', { key: other.key, headers, body: { amount: 1 } })
    expect(elsewhere.status).toBe(201)
    expect(elsewhere.headers['idempotent-replayed']).toBeUndefined()
  })

  it('refuses an over-long key', async () => {
    const res = await server.post('/v1/test-orders', { key, headers: { 'idempotency-key': 'k'.repeat(256) }, body: { amount: 1 } })
    expect(res.status).toBe(422)
    expect(res.json.errors).toHaveProperty('Idempotency-Key')
  })

  it('runs once when the same key arrives many times at once', async () => {
    const before = await runs()
    const headers = { 'idempotency-key': 'order-7' }
    const answers = await Promise.all(Array.from({ length: 12 }, () => server.post('/v1/test-orders', { key, headers, body: { amount: 7 } })))
    expect(await runs()).toBe(before + 1)
    for (const a of answers) expect([201, 409]).toContain(a.status)
  })

  it('answers a keyed sale with what the store holds, stored beside it in the same transaction', async () => {
    await makePartner(server, key, { key: 'idem_ref' })
    await makeCustomer(server, key, { key: 'idem_cus', partner: { key: 'idem_ref' } })
    const headers = { 'idempotency-key': 'sale-1' }
    const sale = await server.post('/v1/transactions', { key, headers, body: { key: 'idem_sale', amount: '100.00', customer: { key: 'idem_cus' } } })
    expect(sale.status, sale.text).toBe(201)
    // The answer was read inside the request's own transaction: it shows the sale's reward.
    const stored = await server.get('/v1/transactions/idem_sale', { key })
    expect(sale.json.data).toEqual(stored.json.data)
    expect(sale.json.data.rewards).toHaveLength(1)
    const claim = await server.store.db.selectFrom('idempotency_keys').selectAll().where('idem_key', '=', 'sale-1').executeTakeFirstOrThrow()
    expect(claim.status_code).toBe(201)
    expect(claim.response_body).toBe(sale.text)
  })

  it('rolls a keyed request that fails back whole, and replays its 4xx', async () => {
    const partner = await makePartner(server, key, { key: 'idem_ref2' })
    await makeCustomer(server, key, { key: 'idem_cus2', partner: { key: 'idem_ref2' } })
    await server.post('/v1/transactions', { key, body: { key: 'idem_sale2', amount: '50.00', customer: { key: 'idem_cus2' } } })
    const before = await moneyPicture(server, { id: programId, key }, [String(partner.id)])
    const headers = { 'idempotency-key': 'refund-too-much' }
    const refused = await server.post('/v1/transactions/idem_sale2/refund', { key, headers, body: { amount: '60.00' } })
    expect(refused.status).toBeGreaterThanOrEqual(400)
    expect(refused.status).toBeLessThan(500)
    expect(await moneyPicture(server, { id: programId, key }, [String(partner.id)])).toEqual(before)
    const again = await server.post('/v1/transactions/idem_sale2/refund', { key, headers, body: { amount: '60.00' } })
    expect(again.text).toBe(refused.text)
    expect(again.headers['idempotent-replayed']).toBe('true')
  })

  it('runs a key again whose claim has no answer (left by an earlier version), once', async () => {
    await server.store.db.insertInto('idempotency_keys').values({
      program_id: programId, api_key_id: (await server.store.db.selectFrom('api_keys').select('id').where('program_id', '=', programId).executeTakeFirstOrThrow()).id,
      idem_key: 'legacy', fingerprint: 'x', locked_until: Date.now() + 60_000, created_at: Date.now(),
    }).execute()
    const before = await runs()
    const headers = { 'idempotency-key': 'legacy' }
    const first = await server.post('/v1/test-orders', { key, headers, body: { amount: 8 } })
    expect(first.status).toBe(201)
    const again = await server.post('/v1/test-orders', { key, headers, body: { amount: 8 } })
    expect(again.headers['idempotent-replayed']).toBe('true')
    expect(await runs()).toBe(before + 1)
  })
})
