// A customer's sales as the admin reads them (salesOfCustomer): the API's view of each, with what
// was sold and refunded in exact micros, newest first, a window at a time, and no other customer's.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startServer, type TestServer } from '../../../test/support/server.js'
import { makePartner } from '../../../test/support/partners.js'
import { makeCustomer, makeSale } from '../../../test/support/sales.js'
import { programByPublicId } from '../programs/service.js'
import { resolveCustomer } from '../customers/service.js'
import { salesOfCustomer } from './service.js'

let server: TestServer
beforeAll(async () => {
  server = await startServer()
})
afterAll(() => server.close())

describe('a customer\'s sales', () => {
  it('come with their amount and refunds, newest first, paged, the customer\'s only', async () => {
    const p = await server.program()
    await makePartner(server, p.key, { key: 'lines_ref' })
    for (const key of ['mine', 'theirs']) await makeCustomer(server, p.key, { key, partner: { key: 'lines_ref' } })
    await makeSale(server, p.key, { key: 's1', amount: '10.25', customer: { key: 'mine' } })
    await makeSale(server, p.key, { key: 's2', amount: 99, customer: { key: 'mine' } })
    await makeSale(server, p.key, { key: 'other', amount: 5, customer: { key: 'theirs' } })
    expect((await server.post('/v1/transactions/s1/refund', { key: p.key, body: { amount: '0.25' } })).status).toBe(200)
    const program = (await programByPublicId(server.store.db, p.publicId))!
    const customer = await resolveCustomer(server.store.db, program, 'mine')
    const lines = await salesOfCustomer(server.store.db, program, Number(customer.id), { offset: 0, fetch: 10 })
    expect(lines.map((l) => [l.view.key, l.amount, l.refunded, l.archived])).toEqual([['s2', 99_000_000n, 0n, false], ['s1', 10_250_000n, 250_000n, false]])
    const api = (await server.get('/v1/transactions/s1', { key: p.key })).json.data
    expect(lines[1]?.view).toEqual(api)
    const second = await salesOfCustomer(server.store.db, program, Number(customer.id), { offset: 1, fetch: 1 })
    expect(second.map((l) => l.view.key)).toEqual(['s1'])
  })
})
