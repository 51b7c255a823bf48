// Bad commission rules get a 422 naming every wrong field, and change nothing.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startServer, type TestServer } from '../../../test/support/server.js'
import { makePartner } from '../../../test/support/partners.js'

let server: TestServer
let p: { id: number; key: string }
beforeAll(async () => {
  server = await startServer()
  p = await server.program()
  await makePartner(server, p.key, { id: 'partner_e', key: 'ref_e' })
})
afterAll(() => server.close())

describe('refused commission rules', () => {
  it('answers 422 naming the field, and keeps the rules as they were', async () => {
    const before = (await server.get('/v1/program/commission', { key: p.key })).text
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ value: 101 }, 'program_settings.commission.value'],
      [{ value: -1 }, 'program_settings.commission.value'],
      [{ value: 'lots' }, 'program_settings.commission.value'],
      [{ value: true }, 'program_settings.commission.value'],
      [{ value: '1.0000001' }, 'program_settings.commission.value'],
      [{ type: 'percent', value: 100.5 }, 'program_settings.commission.value'],
      [{ period: 'forever' }, 'program_settings.commission.period'],
      [{ period: '0 sales' }, 'program_settings.commission.period'],
      [{ products: [{ type: 'percent', value: 5 }] }, 'program_settings.commission.products.0'],
      [{ tiers: [{ metric: 'customers', from: 2.5, type: 'percent', value: 40 }] }, 'program_settings.commission.tiers.0.from'],
      [{ tiers: [{ metric: 'revenue', from: -1, type: 'percent', value: 40 }] }, 'program_settings.commission.tiers.0.from'],
      [{ levels: [{ type: 'percent', value: 200 }] }, 'program_settings.commission.levels.0.value'],
    ]
    for (const [commission, field] of cases) {
      const res = await server.put('/v1/program', { key: p.key, body: { name: 'Renamed', program_settings: { commission } } })
      expect(res.status, JSON.stringify(commission)).toBe(422)
      expect(Object.keys(res.json.errors), JSON.stringify(commission)).toContain(field)
    }
    for (const commission of [
      { levels: [1, 2, 3, 4, 5].map(() => ({ type: 'percent', value: 1 })) },
      { type: 'fixed', value: 1 },
      { review_days: -1 },
      { surprise: true },
      { rounding: 'yes' },
    ]) {
      const res = await server.put('/v1/program', { key: p.key, body: { program_settings: { commission } } })
      expect(res.status, JSON.stringify(commission)).toBe(422)
    }
    expect((await server.get('/v1/program/commission', { key: p.key })).text).toBe(before)
    expect((await server.get('/v1/program', { key: p.key })).json.data.program.name).toBe('Test Program')
  })

  it('names every problem at once', async () => {
    const res = await server.put('/v1/program', {
      key: p.key, body: { program_settings: { commission: { value: 300, period: 'soon', products: [{ type: 'static', value: -2 }] } } },
    })
    expect(res.status).toBe(422)
    expect(Object.keys(res.json.errors).sort()).toEqual([
      'program_settings.commission.period', 'program_settings.commission.products.0', 'program_settings.commission.products.0.value',
      'program_settings.commission.value',
    ])
  })

  it('refuses a bad partner rate and an unknown partner', async () => {
    for (const body of [{ type: 'percent', value: 150 }, { type: 'static' }, { type: 'percent', value: 5, period: 'always' }, {}]) {
      const res = await server.put('/v1/partners/partner_e/commission', { key: p.key, body })
      expect(res.status, JSON.stringify(body)).toBe(422)
    }
    expect((await server.get('/v1/partners/partner_e/commission', { key: p.key })).json.data.custom).toBe(false)
    for (const [method, body] of [['GET'], ['PUT', { type: 'percent', value: 5 }], ['DELETE']] as const) {
      expect((await server.request(method, '/v1/partners/nobody/commission', { key: p.key, body })).status).toBe(404)
    }
  })

  it('has no commission rules outside affiliate programs', async () => {
    const raf = await server.program({ type: 'referral' })
    expect((await server.get('/v1/program/commission', { key: raf.key })).status).toBe(400)
    const res = await server.put('/v1/program', { key: raf.key, body: { program_settings: { commission: { value: 10 } } } })
    expect(res.status).toBe(422)
    expect(Object.keys(res.json.errors)).toEqual(['program_settings.commission'])
  })
})
