// Payout requests that cannot be made or actions that do not apply: each is a 4xx in the error
// shape that names the problem (the current status, the shortfall, the field), and changes nothing.
// Racing requests and racing payments have exactly one effect.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startServer, type TestServer } from '../../../test/support/server.js'
import { makePartner } from '../../../test/support/partners.js'
import { expectErrorShape, movesNothing } from '../../../test/support/sales.js'
import { PAYPAL, act, earn, earningPartner, requestPayout } from '../../../test/support/payouts.js'

let server: TestServer
beforeAll(async () => {
  server = await startServer()
})
afterAll(() => server.close())

describe('a payout request that cannot be made', () => {
  it('is refused for a missing, unknown or inactive partner, bad input, or no payout details', async () => {
    const p = await server.program()
    const partner = await earningPartner(server, p.key, [100])
    const other = await earningPartner(server, p.key, [100])
    const review = await server.program()
    await server.put('/v1/program', { key: review.key, body: { program_settings: { commission: { review_days: 30 } } } })
    const waiting = await earningPartner(server, review.key, [100])
    const pending = await makePartner(server, p.key, { key: 'po_pending' })
    await server.post(`/v1/partners/${pending.id}/reject`, { key: p.key })
    const cases: Array<[Record<string, unknown>, number, string | RegExp, string?]> = [
      [{ ...PAYPAL }, 422, 'partner'],
      [{ ...PAYPAL, partner: { key: 'nobody' } }, 400, /Invalid partner key/],
      [{ ...PAYPAL, partner: { key: 'po_pending' } }, 400, /rejected/],
      [{ ...PAYPAL, partner: { key: partner.key }, amount_units: 'dollars' }, 422, 'amount_units'],
      [{ ...PAYPAL, partner: { key: partner.key }, amount_units: 'EUR' }, 422, 'amount_units'],
      [{ partner: { key: partner.key }, gateway: 'bank' }, 422, 'gateway'],
      [{ partner: { key: partner.key } }, 422, 'payout_settings'],
      [{ partner: { key: partner.key }, gateway: 'paypal' }, 422, 'payout_settings'],
      [{ partner: { key: partner.key }, payout_settings: { username: 'a@b.co' } }, 422, 'gateway'],
      [{ partner: { key: partner.key }, gateway: 'paypal', payout_settings: { username: 'not an email @' } }, 422, 'payout_settings.username'],
      [{ partner: { key: partner.key }, gateway: 'paypal', payout_settings: {} }, 422, 'payout_settings.username'],
      [{ partner: { key: partner.key }, gateway: 'wise', payout_settings: { name: 'Ann', iban: 'DE89370400440532013000' } }, 422, 'payout_settings.iban'],
      [{ partner: { key: partner.key }, gateway: 'crypto', payout_settings: { wallet_address: '0xabc' } }, 422, 'payout_settings.type'],
      [{ partner: { key: partner.key }, gateway: 'venmo', payout_settings: { recipient_type: 'PHONE' } }, 422, 'payout_settings.phone'],
      [{ partner: { key: partner.key }, gateway: 'venmo', payout_settings: { recipient_type: 'FAX' } }, 422, 'payout_settings.recipient_type'],
      [{ ...PAYPAL, partner: { key: partner.key }, reward_ids: [other.sales[0]?.rewardIds[0]] }, 422, 'reward_ids'],
      [{ ...PAYPAL, partner: { key: partner.key }, reward_ids: [0] }, 422, 'reward_ids.0'],
      [{ ...PAYPAL, partner: { key: partner.key }, reward_ids: 'all' }, 422, 'reward_ids.0'],
    ]
    for (const [body, status, expected] of cases) {
      const res = await movesNothing(server, p, [partner.id, other.id], () => server.post('/v1/payout_requests', { key: p.key, body }))
      expectErrorShape(res, status)
      if (typeof expected === 'string') expect(res.json.errors, JSON.stringify(body)).toHaveProperty([expected])
      else expect(res.json.message, JSON.stringify(body)).toMatch(expected)
    }
    // Still in review: nothing payable yet.
    const early = await server.post('/v1/payout_requests', { key: review.key, body: { ...PAYPAL, partner: { key: waiting.key } } })
    expectErrorShape(early, 422)
    expect(early.json.errors.amount_units[0]).toMatch(/Nothing is payable/)
    for (const type of ['referral', 'newsletter'] as const) {
      const raf = await server.program({ type })
      for (const [method, url] of [['GET', '/v1/payout_requests'], ['POST', '/v1/payout_requests'], ['GET', '/v1/payout_requests/1'], ['POST', '/v1/payout_requests/1/approve']]) {
        const res = await server.request(method as string, url as string, { key: raf.key, body: { ...PAYPAL, partner: { key: 'x' } } })
        expectErrorShape(res, 400)
        expect(res.json.code).toBe('wrong_program_type')
      }
    }
  })

  it('is refused while the partner has an open request in that currency', async () => {
    const p = await server.program()
    const partner = await earningPartner(server, p.key, [100])
    await requestPayout(server, p.key, { partner: { key: partner.key } })
    await earn(server, p.key, partner.key, 100)
    for (const action of [undefined, 'approve']) {
      if (action) await act(server, p.key, 1, action)
      const res = await movesNothing(server, p, [partner.id], () => server.post('/v1/payout_requests', { key: p.key, body: { ...PAYPAL, partner: { key: partner.key } } }))
      expectErrorShape(res, 400)
      expect(res.json).toMatchObject({ code: 'payout_open', message: expect.stringContaining(action ? 'approved' : 'requested') })
    }
  })

  it('accepts exactly one of 20 concurrent requests for the same partner', async () => {
    const p = await server.program()
    const partner = await earningPartner(server, p.key, [100])
    const answers = await Promise.all(Array.from({ length: 20 }, () =>
      server.post('/v1/payout_requests', { key: p.key, body: { ...PAYPAL, partner: { key: partner.key } } })))
    expect(answers.filter((a) => a.status === 201)).toHaveLength(1)
    for (const a of answers.filter((x) => x.status !== 201)) {
      expectErrorShape(a, 400)
      expect(a.json.code).toBe('payout_open')
    }
    const rows = await server.store.db.selectFrom('payout_requests').select('id').where('program_id', '=', p.id).execute()
    expect(rows).toHaveLength(1)
    expect((await server.get('/v1/program', { key: p.key })).json.data.stats.payout_status_breakdown.requested.count).toBe(1)
  })
})

describe('an action out of order', () => {
  it('is a 400 naming the current status, and changes nothing', async () => {
    const p = await server.program()
    const partner = await earningPartner(server, p.key, [100, 100, 100])
    const steps: Array<[string, string[]]> = [
      // [status reached, actions that must be refused there]
      ['requested', ['mark_as_paid', 'resubmit']],
      ['approved', ['approve', 'reject', 'request_resubmit', 'resubmit']],
      ['finished', ['approve', 'mark_as_paid', 'reject', 'request_resubmit', 'resubmit']],
    ]
    await requestPayout(server, p.key, { partner: { key: partner.key } })
    for (const [status, refused] of steps) {
      if (status === 'approved') await act(server, p.key, 1, 'approve')
      if (status === 'finished') await act(server, p.key, 1, 'mark_as_paid')
      for (const action of refused) {
        const res = await movesNothing(server, p, [partner.id], () => server.post(`/v1/payout_requests/1/${action}`, { key: p.key, body: { reason: 'x' } }))
        expectErrorShape(res, 400)
        expect(res.json, `${action} on ${status}`).toMatchObject({ code: 'payout_status', message: expect.stringContaining(`this one is ${status}`) })
      }
    }
    await earn(server, p.key, partner.key, 100)
    await requestPayout(server, p.key, { partner: { key: partner.key } })
    await act(server, p.key, 2, 'request_resubmit', { reason: 'x' })
    for (const action of ['approve', 'mark_as_paid', 'reject', 'request_resubmit']) {
      const res = await movesNothing(server, p, [partner.id], () => server.post(`/v1/payout_requests/2/${action}`, { key: p.key, body: { reason: 'x' } }))
      expectErrorShape(res, 400)
      expect(res.json.message, action).toContain('this one is resubmit_requested')
    }
    await act(server, p.key, 2, 'resubmit')
    for (const action of ['mark_as_paid', 'resubmit']) {
      const res = await server.post(`/v1/payout_requests/2/${action}`, { key: p.key })
      expectErrorShape(res, 400)
      expect(res.json.message, action).toContain('this one is resubmitted')
    }
    await act(server, p.key, 2, 'reject')
    for (const action of ['approve', 'mark_as_paid', 'reject', 'request_resubmit', 'resubmit']) {
      const res = await server.post(`/v1/payout_requests/2/${action}`, { key: p.key, body: { reason: 'x' } })
      expectErrorShape(res, 400)
      expect(res.json.message).toContain('this one is rejected')
    }
  })

  it('asks request_resubmit for a reason and checks resubmitted details; an unknown id is a 404', async () => {
    const p = await server.program()
    const partner = await earningPartner(server, p.key, [100])
    await requestPayout(server, p.key, { partner: { key: partner.key } })
    for (const [action, body, field] of [
      ['request_resubmit', {}, 'reason'], ['request_resubmit', { reason: '' }, 'reason'], ['reject', { reason: 'x'.repeat(1001) }, 'reason'],
    ] as const) {
      const res = await movesNothing(server, p, [partner.id], () => server.post(`/v1/payout_requests/1/${action}`, { key: p.key, body }))
      expectErrorShape(res, 422)
      expect(res.json.errors).toHaveProperty([field])
    }
    await act(server, p.key, 1, 'request_resubmit', { reason: 'Fix your email' })
    const bad = await server.post('/v1/payout_requests/1/resubmit', { key: p.key, body: { gateway: 'crypto', payout_settings: { bank_name: 'X' } } })
    expectErrorShape(bad, 422)
    expect(bad.json.errors).toHaveProperty(['payout_settings.bank_name'])
    expect((await server.get('/v1/payout_requests/1', { key: p.key })).json.data.status).toBe('resubmit_requested')
    for (const id of ['2', '0', 'abc', '1.5', '99999999999999999999']) {
      for (const [method, tail] of [['GET', ''], ['POST', '/approve'], ['POST', '/mark_as_paid']]) {
        const res = await server.request(method as string, `/v1/payout_requests/${id}${tail}`, { key: p.key })
        expectErrorShape(res, 404)
        expect(res.json.message).toBe('Payout request not found')
      }
    }
  })

  it('pays once when two mark_as_paid race', async () => {
    const p = await server.program()
    const partner = await earningPartner(server, p.key, [100])
    await requestPayout(server, p.key, { partner: { key: partner.key } })
    await act(server, p.key, 1, 'approve')
    const answers = await Promise.all(Array.from({ length: 6 }, () => server.post('/v1/payout_requests/1/mark_as_paid', { key: p.key })))
    expect(answers.map((a) => a.status).sort()).toEqual([200, 400, 400, 400, 400, 400])
    const paid = await server.store.db.selectFrom('ledger_entries').select('amount')
      .where('program_id', '=', p.id).where('bucket', '=', 'paid').execute()
    expect(paid.map((e) => BigInt(e.amount))).toEqual([30_000_000n])
    const events = await server.store.db.selectFrom('outbox').select('type').where('program_id', '=', p.id).where('type', '=', 'payout.paid').execute()
    expect(events).toHaveLength(1)
  })
})

describe('payout settings of the program', () => {
  it('refuse a negative or inexact threshold, a max below the min, and a bad schedule', async () => {
    const p = await server.program()
    const before = (await server.get('/v1/program', { key: p.key })).json
    for (const settings of [
      { payout_threshold: -1 }, { payout_threshold: '1.0000001' }, { payout_threshold: true }, { payout_referred_customers_threshold: -1 },
      { payout_referred_customers_threshold: 1.5 }, { payout_automation_min: 50, payout_automation_max: 10 }, { payout_automation_schedule: 'hourly' },
    ]) {
      const res = await server.put('/v1/program', { key: p.key, body: { program_settings: settings } })
      expectErrorShape(res, 422)
    }
    expect((await server.get('/v1/program', { key: p.key })).json).toEqual(before)
  })
})

describe('a partner\'s saved payout method that cannot be saved', () => {
  it('is refused for bank details, a gateway without details, or details without a gateway', async () => {
    const p = await server.program()
    const partner = await earningPartner(server, p.key, [100])
    for (const [changes, field] of [
      [{ payout_gateway: 'wise', payout_settings: { name: 'Ann', email: 'ann@example.com', account_number: '12345678' } }, 'payout_settings.account_number'],
      [{ payout_gateway: 'wise', payout_settings: { name: 'Ann', email: 'ann@example.com', iban: 'DE89370400440532013000' } }, 'payout_settings.iban'],
      [{ payout_gateway: 'paypal' }, 'payout_settings'],
      [{ payout_settings: { username: 'a@b.co' } }, 'payout_gateway'],
      [{ payout_gateway: 'bank', payout_settings: { name: 'x' } }, 'update.payout_gateway'],
    ] as const) {
      const res = await server.put(`/v1/partners/${partner.id}`, { key: p.key, body: { update: changes } })
      expectErrorShape(res, 422)
      expect(res.json.errors, JSON.stringify(changes)).toHaveProperty([field])
      if (field.includes('account_number') || field.includes('iban')) expect(res.json.errors[field][0]).toMatch(/Bank details cannot be supplied over the API/)
    }
    expect((await server.get(`/v1/partners/${partner.id}/payout_settings`, { key: p.key })).json.data).toBeNull()
    expectErrorShape(await server.get('/v1/partners/nobody/payout_settings', { key: p.key }), 404)
  })
})
