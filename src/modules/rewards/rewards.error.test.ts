// A bonus that cannot be given is refused with a 4xx and leaves every number as it was.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startServer, type TestServer } from '../../../test/support/server.js'
import { makePartner } from '../../../test/support/partners.js'

let server: TestServer
beforeAll(async () => {
  server = await startServer()
})
afterAll(() => server.close())

describe('refused bonuses', () => {
  it('answers 422 for a missing, zero, negative or inexact amount and 404 for an unknown partner', async () => {
    const p = await server.program()
    await makePartner(server, p.key, { id: 'bonus_e', key: 'bonus_e_ref' })
    for (const body of [{}, { amount: 0 }, { amount: -5 }, { amount: 'ten' }, { amount: true }, { amount: '1.0000001' }, { amount: 5, amount_units: 'dollars' }, { amount: 5, description: 'x'.repeat(256) }]) {
      const res = await server.post('/v1/partners/bonus_e/reward', { key: p.key, body })
      expect(res.status, JSON.stringify(body)).toBe(422)
      expect(res.json).toMatchObject({ status: 0, code: 'validation_failed' })
    }
    expect((await server.post('/v1/partners/nobody/reward', { key: p.key, body: { amount: 5 } })).status).toBe(404)
    const raf = await server.program({ type: 'referral' })
    expect((await server.post('/v1/partners/bonus_e/reward', { key: raf.key, body: { amount: 5 } })).status).toBe(400)
    const view = (await server.get('/v1/partners/bonus_e', { key: p.key })).json.data
    expect(view.commissions).toEqual({ paid: 0, pending: [], not_paid: [] })
    expect(await server.store.db.selectFrom('rewards').select('id').where('program_id', '=', p.id).execute()).toEqual([])
  })
})
