// Manual bonuses, and rewards leaving their review period on the server's own clock.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { startServer, type TestServer } from '../../../test/support/server.js'
import { eventsOf, makePartner } from '../../../test/support/partners.js'
import { startJobs } from '../../jobs/index.js'

/** The release job's passes, counted as each ends, so the test can wait for the passes it needs. */
const passes = await vi.hoisted(async () => (await import('../../../test/support/count.js')).count())
vi.mock('./review.js', async (importOriginal) => {
  const real = await importOriginal<typeof import('./review.js')>()
  return {
    ...real,
    releaseDueRewards: (...args: Parameters<typeof real.releaseDueRewards>) => real.releaseDueRewards(...args).finally(passes.add),
  }
})

let server: TestServer
beforeAll(async () => {
  server = await startServer()
})
afterAll(() => server.close())

describe('a manual bonus', () => {
  it('is payable at once, counted in the partner\'s and the program\'s numbers, and announced', async () => {
    const p = await server.program()
    const partner = await makePartner(server, p.key, { id: 'bonus_partner', key: 'bonus_ref' })
    const res = await server.post('/v1/partners/bonus_ref/reward', { key: p.key, body: { amount: '25.50', description: 'Launch week' } })
    expect(res.status, res.text).toBe(201)
    expect(res.json.data).toMatchObject({
      kind: 'manual', status: 'ok', partner: partner.id, transaction: null, customer: null, level: 1,
      amount: 25.5, amount_units: 'USD', is_currency: true, description: 'Launch week',
    })
    await server.post(`/v1/partners/${partner.id}/reward`, { key: p.key, body: { amount: 3, amount_units: 'eur' } })
    const view = (await server.get(`/v1/partners/${partner.id}`, { key: p.key })).json.data
    expect(view.commissions.not_paid).toEqual(expect.arrayContaining([{ currency: 'USD', amount: 25.5 }, { currency: 'EUR', amount: 3 }]))
    const stats = (await server.get('/v1/program', { key: p.key })).json.data.stats
    expect(stats.rewards_breakdown.unclaimed).toMatchObject({ usd: '$25.50' })
    const ledger = await server.store.db.selectFrom('ledger_entries').select(['kind', 'bucket', 'amount']).where('program_id', '=', p.id).orderBy('id').execute()
    expect(ledger.map((l) => [l.kind, l.bucket, BigInt(l.amount)])).toEqual([['manual', 'payable', 25_500_000n], ['manual', 'payable', 3_000_000n]])
    const created = (await eventsOf(server, p.id)).filter((e) => e.type === 'reward.created')
    expect(created[0]?.data).toEqual(res.json.data)
  })
})

describe('the review release job', () => {
  it('makes rewards payable once their review period is over, each once', async () => {
    const p = await server.program()
    await server.put('/v1/program', { key: p.key, body: { program_settings: { commission: { review_days: 3 } } } })
    await makePartner(server, p.key, { key: 'review_ref' })
    for (const n of [1, 2]) {
      const sale = await server.post('/v1/transactions', {
        key: p.key, body: { key: `review_${n}`, amount: 100, customer: { key: `review_cus_${n}`, partner: { key: 'review_ref' } }, options: { create_customer: true } },
      })
      expect(sale.json.data.rewards[0].status).toBe('review_period')
    }
    // The first sale's review period ended a minute ago; the second's is still running.
    const first = await server.store.db.selectFrom('transactions').select('id').where('program_id', '=', p.id).where('key', '=', 'review_1').executeTakeFirstOrThrow()
    await server.store.db.updateTable('rewards').set({ review_until: Date.now() - 60_000 }).where('transaction_id', '=', first.id).execute()

    // Two job runners, as two server processes would run them: both start with a pass at once (the
    // race for the same reward), then go round every 20 ms. Any ended pass has released the first
    // reward (or found it released); six passes in all take both through several more rounds, each
    // of which must release nothing again. stop() waits for a pass still running.
    const jobs = [startJobs(server.store.db, server.app.log, { reviewReleaseMs: 20 }), startJobs(server.store.db, server.app.log, { reviewReleaseMs: 20 })]
    await passes.reach(6)
    await Promise.all(jobs.map((j) => j.stop()))

    const statusOf = async (key: string) => (await server.get(`/v1/transactions/${key}`, { key: p.key })).json.data.rewards[0].status
    expect(await statusOf('review_1')).toBe('ok')
    expect(await statusOf('review_2')).toBe('review_period')
    const view = (await server.get('/v1/partners/review_ref', { key: p.key })).json.data
    expect(view.commissions).toEqual({ paid: 0, pending: [{ currency: 'USD', amount: 30 }], not_paid: [{ currency: 'USD', amount: 30 }] })
    const approved = (await eventsOf(server, p.id)).filter((e) => e.type === 'reward.approved')
    expect(approved.map((e) => e.data.transaction)).toEqual(['review_1'])
  })
})
