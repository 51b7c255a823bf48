// Payout requests end to end through the API: a partner's whole payable balance requested, approved
// and paid (the ledger, the partner's commissions and the program's payout breakdown move, events
// announce it), chosen rewards, rejection, resubmission, thresholds, clawbacks, list and search.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startServer, type TestServer } from '../../../test/support/server.js'
import { eventsOf } from '../../../test/support/partners.js'
import { PAYPAL, act, commissionsOf, earn, earningPartner, requestPayout } from '../../../test/support/payouts.js'
import { runAutomaticPayouts, slotOf } from './automation.js'

let server: TestServer
beforeAll(async () => {
  server = await startServer()
})
afterAll(() => server.close())

const breakdown = async (key: string) => (await server.get('/v1/program', { key })).json.data.stats.payout_status_breakdown

describe('a payout request', () => {
  it('covers the whole payable balance, and paying it moves commissions from not paid to paid', async () => {
    const p = await server.program()
    const partner = await earningPartner(server, p.key, [100, 50.5])
    expect(await commissionsOf(server, p.key, partner.id)).toEqual({ paid: 0, pending: [], not_paid: [{ currency: 'USD', amount: 45.15 }] })

    const requested = await requestPayout(server, p.key, { partner: { key: partner.key } })
    const rewardIds = partner.sales.flatMap((s) => s.rewardIds)
    expect(requested).toEqual({
      id: 1, status: 'requested', partner: { id: partner.id, email: partner.email, name: expect.any(String) },
      amount: 45.15, amount_units: 'USD', gateway: 'paypal', payout_settings: { username: 'payee@example.com' },
      rewards: rewardIds, reason: null, created_at: expect.stringMatching(/Z$/), approved_at: null, paid_at: null,
    })
    expect((await breakdown(p.key)).requested).toEqual({ count: 1, amounts: { usd: '$45.15' } })
    expect((await breakdown(p.key)).total_requested_amounts).toEqual({ usd: '$45.15' })

    const approved = await act(server, p.key, 1, 'approve')
    expect(approved).toMatchObject({ status: 'approved', approved_at: expect.stringMatching(/Z$/), paid_at: null })
    expect(await breakdown(p.key)).toMatchObject({ requested: { count: 0, amounts: {} }, approved: { count: 1, amounts: { usd: '$45.15' } }, total_waiting_amounts: { usd: '$45.15' } })

    const paid = await act(server, p.key, 1, 'mark_as_paid')
    expect(paid).toMatchObject({ status: 'finished', paid_at: expect.stringMatching(/Z$/) })
    expect(await commissionsOf(server, p.key, partner.id)).toEqual({ paid: 45.15, pending: [], not_paid: [] })
    const stats = (await server.get('/v1/program', { key: p.key })).json.data.stats
    expect(stats.payout_status_breakdown).toMatchObject({ approved: { count: 0 }, paid: { count: 1, amounts: { usd: '$45.15' } } })
    expect(stats.rewards_breakdown).toMatchObject({ paid: { usd: '$45.15' } })

    const ledger = await server.store.db.selectFrom('ledger_entries').select(['kind', 'bucket', 'amount', 'payout_id'])
      .where('program_id', '=', p.id).where('kind', '=', 'payout').execute()
    expect(ledger.map((e) => [e.bucket, BigInt(e.amount)])).toEqual([['payable', -30_000_000n], ['paid', 30_000_000n], ['payable', -15_150_000n], ['paid', 15_150_000n]])
    expect(new Set(ledger.map((e) => e.payout_id)).size).toBe(1)

    const events = (await eventsOf(server, p.id)).filter((e) => e.type.startsWith('payout.') || e.type === 'reward.paid')
    expect(events.map((e) => e.type)).toEqual(['payout.requested', 'payout.approved', 'reward.paid', 'reward.paid', 'payout.paid'])
    expect(events[4]?.data).toEqual(paid)
    expect(events[2]?.data).toMatchObject({ id: rewardIds[0], partner: partner.id, amount: 30, amount_units: 'USD' })
    expect((await server.get('/v1/payout_requests/1', { key: p.key })).json.data).toEqual(paid)
  })

  it('pays nothing twice: after a payout only new commission is payable', async () => {
    const p = await server.program()
    const partner = await earningPartner(server, p.key, [100])
    await requestPayout(server, p.key, { partner_id: partner.id })
    await act(server, p.key, 1, 'approve')
    await act(server, p.key, 1, 'mark_as_paid')
    await earn(server, p.key, partner.key, 10)
    const second = await requestPayout(server, p.key, { partner_email: partner.email })
    expect(second).toMatchObject({ id: 2, amount: 3, status: 'requested' })
  })

  it('nets a clawback: a refund after payout lowers the next payout', async () => {
    const p = await server.program()
    const partner = await earningPartner(server, p.key, [100])
    await requestPayout(server, p.key, { partner: { id: partner.id } })
    await act(server, p.key, 1, 'approve')
    await act(server, p.key, 1, 'mark_as_paid')
    const refund = await server.post(`/v1/transactions/${partner.sales[0]?.key}/refund`, { key: p.key, body: { amount: 40 } })
    expect(refund.status, refund.text).toBe(200)
    expect(await commissionsOf(server, p.key, partner.id)).toMatchObject({ paid: 30, not_paid: [{ currency: 'USD', amount: -12 }] })
    // Only the clawback: nothing to pay.
    const nothing = await server.post('/v1/payout_requests', { key: p.key, body: { partner: { id: partner.id }, gateway: 'paypal', payout_settings: { username: 'a@b.co' } } })
    expect(nothing.status).toBe(422)
    expect(nothing.json.errors.amount_units[0]).toMatch(/-12\.00 USD/)
    await earn(server, p.key, partner.key, 200)
    const netted = await requestPayout(server, p.key, { partner: { id: partner.id } })
    expect(netted).toMatchObject({ amount: 48, rewards: [partner.sales[0]?.rewardIds[0], expect.any(Number)] })
    await act(server, p.key, netted.id, 'approve')
    await act(server, p.key, netted.id, 'mark_as_paid')
    expect(await commissionsOf(server, p.key, partner.id)).toEqual({ paid: 78, pending: [], not_paid: [] })
  })

  it('pays chosen rewards only, and keeps the others payable', async () => {
    const p = await server.program()
    const partner = await earningPartner(server, p.key, [100, 200])
    const first = partner.sales[0]?.rewardIds[0] as number
    const chosen = await requestPayout(server, p.key, { partner: { key: partner.key }, reward_ids: [first] })
    expect(chosen).toMatchObject({ amount: 30, rewards: [first] })
    await act(server, p.key, chosen.id, 'approve')
    await act(server, p.key, chosen.id, 'mark_as_paid')
    expect(await commissionsOf(server, p.key, partner.id)).toMatchObject({ paid: 30, not_paid: [{ currency: 'USD', amount: 60 }] })
  })

  it('is one per currency: a partner with USD and EUR balances gets two payouts', async () => {
    const p = await server.program()
    const partner = await earningPartner(server, p.key, [100])
    await earn(server, p.key, partner.key, 10, 'eur')
    const usd = await requestPayout(server, p.key, { partner: { key: partner.key } })
    const eur = await requestPayout(server, p.key, { partner: { key: partner.key }, amount_units: 'eur' })
    expect([usd.amount, usd.amount_units, eur.amount, eur.amount_units]).toEqual([30, 'USD', 3, 'EUR'])
  })

  it('once rejected, its rewards leave the balance for good and are announced', async () => {
    const p = await server.program()
    const partner = await earningPartner(server, p.key, [100])
    const payout = await requestPayout(server, p.key, { partner: { key: partner.key } })
    const rejected = await act(server, p.key, payout.id, 'reject', { reason: 'Fraudulent traffic' })
    expect(rejected).toMatchObject({ status: 'rejected', reason: 'Fraudulent traffic' })
    expect(await commissionsOf(server, p.key, partner.id)).toMatchObject({ paid: 0, not_paid: [] })
    expect((await breakdown(p.key)).rejected).toEqual({ count: 1, amounts: { usd: '$30.00' } })
    const again = await server.post('/v1/payout_requests', { key: p.key, body: { partner: { key: partner.key }, gateway: 'paypal', payout_settings: { username: 'a@b.co' } } })
    expect(again.status).toBe(422)
    const types = (await eventsOf(server, p.id)).map((e) => e.type)
    expect(types.slice(-2)).toEqual(['reward.rejected', 'payout.rejected'])
  })

  it('goes back to the partner and returns resubmitted, with new details, then is approved', async () => {
    const p = await server.program()
    const partner = await earningPartner(server, p.key, [100])
    const payout = await requestPayout(server, p.key, { partner: { key: partner.key } })
    expect(await act(server, p.key, payout.id, 'request_resubmit', { reason: 'Wrong PayPal email' })).toMatchObject({ status: 'resubmit_requested', reason: 'Wrong PayPal email' })
    expect((await breakdown(p.key)).requested.count).toBe(0)
    const resubmitted = await act(server, p.key, payout.id, 'resubmit', { gateway: 'wise', payout_settings: { name: 'Ann Lee', email: 'ann@example.com' } })
    expect(resubmitted).toMatchObject({ status: 'resubmitted', gateway: 'wise', payout_settings: { name: 'Ann Lee', email: 'ann@example.com' } })
    expect((await breakdown(p.key)).resubmitted).toEqual({ count: 1, amounts: { usd: '$30.00' } })
    expect(await act(server, p.key, payout.id, 'approve')).toMatchObject({ status: 'approved' })
  })
})

describe('a resubmitted request', () => {
  it('can again be rejected or sent back, as a requested one can', async () => {
    const p = await server.program()
    const partner = await earningPartner(server, p.key, [100])
    const payout = await requestPayout(server, p.key, { partner: { key: partner.key } })
    await act(server, p.key, payout.id, 'request_resubmit', { reason: 'Missing tax id' })
    await act(server, p.key, payout.id, 'resubmit')
    expect(await act(server, p.key, payout.id, 'request_resubmit', { reason: 'Still missing' })).toMatchObject({ status: 'resubmit_requested', reason: 'Still missing' })
    // Resubmitted without new details: the ones it had stay.
    expect(await act(server, p.key, payout.id, 'resubmit')).toMatchObject({ status: 'resubmitted', gateway: 'paypal', payout_settings: { username: 'payee@example.com' } })
    expect(await act(server, p.key, payout.id, 'reject', { reason: 'Gave up' })).toMatchObject({ status: 'rejected', reason: 'Gave up' })
    const b = await breakdown(p.key)
    expect([b.requested.count, b.resubmitted.count, b.rejected.count]).toEqual([0, 0, 1])
    const types = (await eventsOf(server, p.id)).map((e) => e.type).filter((t) => t.startsWith('payout.'))
    expect(types).toEqual(['payout.requested', 'payout.resubmit_requested', 'payout.resubmitted', 'payout.resubmit_requested', 'payout.resubmitted', 'payout.rejected'])
  })
})

describe('program payout thresholds', () => {
  it('are set with PUT /v1/program and refuse a request short of them, naming the shortfall', async () => {
    const p = await server.program()
    const set = await server.put('/v1/program', { key: p.key, body: { program_settings: { payout_threshold: '50.00', payout_referred_customers_threshold: 3 } } })
    expect(set.status, set.text).toBe(200)
    expect((await server.get('/v1/program', { key: p.key })).json.data.program_settings.payout_threshold).toBe(50)
    const partner = await earningPartner(server, p.key, [100])
    const short = await server.post('/v1/payout_requests', { key: p.key, body: { partner: { key: partner.key }, gateway: 'paypal', payout_settings: { username: 'a@b.co' } } })
    expect(short.status).toBe(422)
    expect(short.json.errors.amount_units[0]).toMatch(/below the payout threshold of 50\.00: 20\.00 USD short/)
    await earn(server, p.key, partner.key, 100)
    const few = await server.post('/v1/payout_requests', { key: p.key, body: { partner: { key: partner.key }, gateway: 'paypal', payout_settings: { username: 'a@b.co' } } })
    expect(few.status).toBe(422)
    expect(few.json.errors.partner[0]).toMatch(/2 paying referred customers.*3.*1 short/)
    await earn(server, p.key, partner.key, 100)
    expect(await requestPayout(server, p.key, { partner: { key: partner.key } })).toMatchObject({ amount: 90 })
  })
})

describe('listing and searching payout requests', () => {
  it('pages newest first (or oldest first) and filters by partner, currency and status, AND-ed', async () => {
    const p = await server.program()
    const ann = await earningPartner(server, p.key, [100])
    const bob = await earningPartner(server, p.key, [200])
    await earn(server, p.key, ann.key, 10, 'EUR')
    await requestPayout(server, p.key, { partner: { key: ann.key } })
    await requestPayout(server, p.key, { partner: { key: bob.key } })
    await requestPayout(server, p.key, { partner: { key: ann.key }, amount_units: 'EUR' })
    await act(server, p.key, 2, 'approve')

    const page = await server.get('/v1/payout_requests?limit=2', { key: p.key })
    expect(page.json.data.map((x: { id: number }) => x.id)).toEqual([3, 2])
    expect(page.json.links.next).toMatch(/limit=2&page=2$/)
    const asc = await server.get('/v1/payout_requests', { key: p.key, body: { sort: 'asc' } })
    expect(asc.json.data.map((x: { id: number }) => x.id)).toEqual([1, 2, 3])

    const ids = async (query: string) => (await server.get(`/v1/payout_requests:search?${query}`, { key: p.key })).json.data.map((x: { id: number }) => x.id)
    expect(await ids(`partner_key=${ann.key}`)).toEqual([3, 1])
    expect(await ids(`partner_id=${ann.id}&amount_units=eur`)).toEqual([3])
    expect(await ids(`partner_email=${encodeURIComponent(bob.email)}`)).toEqual([2])
    expect(await ids('status=approved')).toEqual([2])
    expect(await ids(`status=approved&partner_key=${ann.key}`)).toEqual([])
    expect(await ids(`partner_key=${ann.key}&partner_id=${bob.id}`)).toEqual([])
    expect(await ids('partner_key=nobody')).toEqual([])
  })
})

describe('a payout is a whole number of minor units', () => {
  it('pays 29.99 of a 29.997 commission, records exactly that as paid, and keeps 0.007 for the next payout', async () => {
    const p = await server.program()
    const partner = await earningPartner(server, p.key, [99.99])
    const first = await requestPayout(server, p.key, { partner: { key: partner.key } })
    expect(first.amount).toBe(29.99)
    await act(server, p.key, first.id, 'approve')
    const paypal = await server.get('/v1/payout_requests:export?status=approved&format=paypal', { key: p.key })
    expect(paypal.text).toBe(`payee@example.com,29.99,USD,payout-${first.id},Payout ${first.id},PAYPAL\r\n`)
    await act(server, p.key, first.id, 'mark_as_paid')
    expect(await commissionsOf(server, p.key, partner.id)).toEqual({ paid: 29.99, pending: [], not_paid: [{ currency: 'USD', amount: 0.007 }] })
    const statement = (await server.get(`/v1/payout_requests/${first.id}/statement`, { key: p.key })).json.data
    expect(statement.lines.map((l: { amount: number }) => l.amount)).toEqual([29.99])

    // 0.007 left and 29.997 more: 30.004 payable, 30.00 paid, 0.004 left.
    await earn(server, p.key, partner.key, 99.99)
    const second = await requestPayout(server, p.key, { partner: { key: partner.key } })
    expect(second.amount).toBe(30)
    const lines = (await server.get(`/v1/payout_requests/${second.id}/statement?format=csv`, { key: p.key })).text.trim().split('\r\n').slice(1)
    expect(lines.map((l) => l.split(',').at(-2))).toEqual(['0.007', '29.993'])
    await act(server, p.key, second.id, 'approve')
    await act(server, p.key, second.id, 'mark_as_paid')
    expect(await commissionsOf(server, p.key, partner.id)).toEqual({ paid: 59.99, pending: [], not_paid: [{ currency: 'USD', amount: 0.004 }] })
  })

  it('pays yen in whole yen', async () => {
    const p = await server.program({ currency: 'JPY' })
    const partner = await earningPartner(server, p.key, [])
    await earn(server, p.key, partner.key, 1001, 'JPY')
    const payout = await requestPayout(server, p.key, { partner: { key: partner.key }, amount_units: 'JPY' })
    expect(payout).toMatchObject({ amount: 300, amount_units: 'JPY' })
    await act(server, p.key, payout.id, 'approve')
    const csv = await server.get('/v1/payout_requests:export?status=approved&format=paypal', { key: p.key })
    expect(csv.text).toContain(',300,JPY,')
  })

  it('refuses a balance of less than one minor unit as nothing payable', async () => {
    const p = await server.program()
    const partner = await earningPartner(server, p.key, [0.01])
    const res = await server.post('/v1/payout_requests', { key: p.key, body: { ...PAYPAL, partner: { key: partner.key } } })
    expect(res.status).toBe(422)
    expect(res.json.errors.amount_units[0]).toMatch(/Nothing is payable/)
  })
})

describe('statements and mass-payout files', () => {
  it('show each reward and clawback a payout covers, as JSON and as CSV', async () => {
    const p = await server.program()
    const partner = await earningPartner(server, p.key, [100])
    await server.post(`/v1/partners/${partner.id}/reward`, { key: p.key, body: { amount: 5, description: '=Launch, "week"' } })
    await requestPayout(server, p.key, { partner: { key: partner.key } })
    await act(server, p.key, 1, 'approve')
    await act(server, p.key, 1, 'mark_as_paid')
    await server.post(`/v1/transactions/${partner.sales[0]?.key}/refund`, { key: p.key, body: { amount: 10 } })
    await earn(server, p.key, partner.key, 20)
    await requestPayout(server, p.key, { partner: { key: partner.key } })

    const statement = (await server.get('/v1/payout_requests/2/statement', { key: p.key })).json.data
    expect(statement).toMatchObject({ total: 3, amount_units: 'USD', payout_request: { id: 2, amount: 3 } })
    expect(statement.lines).toEqual([
      expect.objectContaining({ type: 'reversal', amount: -3, transaction: partner.sales[0]?.key }),
      expect.objectContaining({ type: 'reward', amount: 6, customer: expect.any(String) }),
    ])
    const first = (await server.get('/v1/payout_requests/1/statement', { key: p.key })).json.data.lines
    expect(first.map((l: { type: string; amount: number }) => [l.type, l.amount])).toEqual([['reward', 30], ['adjustment', 5]])

    const csv = await server.get('/v1/payout_requests/1/statement?format=csv', { key: p.key })
    expect(csv.status).toBe(200)
    expect(csv.headers['content-type']).toMatch(/^text\/csv/)
    const rows = csv.text.trim().split('\r\n')
    expect(rows[0]).toBe('reward_id,type,transaction,customer,description,earned_at,amount,currency')
    expect(rows[1]).toMatch(/^\d+,reward,po_order_\d+,po_cus_\d+,,.*Z,30\.00,USD$/)
    // Partner-typed text cannot become a spreadsheet formula, and quotes survive.
    expect(rows[2]).toContain(`"'=Launch, ""week"""`)
  })

  it('export the approved requests as PayPal, Wise or plain CSV', async () => {
    const p = await server.program()
    const ann = await earningPartner(server, p.key, [100.01])
    const bob = await earningPartner(server, p.key, [200])
    const cat = await earningPartner(server, p.key, [300])
    await requestPayout(server, p.key, { partner: { key: ann.key } })
    await requestPayout(server, p.key, { partner: { key: bob.key }, gateway: 'wise', payout_settings: { name: 'Bob Stone', email: 'bob@example.com' } })
    await requestPayout(server, p.key, { partner: { key: cat.key }, gateway: 'venmo', payout_settings: { recipient_type: 'USER_HANDLE', user_handle: '@cat' } })
    for (const id of [1, 2, 3]) await act(server, p.key, id, 'approve')

    const paypal = await server.get('/v1/payout_requests:export?status=approved&format=paypal', { key: p.key })
    expect(paypal.status).toBe(200)
    // 30 % of 100.01 is 30.003: a provider is sent whole cents.
    expect(paypal.text).toBe("payee@example.com,30.00,USD,payout-1,Payout 1,PAYPAL\r\ncat,90.00,USD,payout-3,Payout 3,VENMO\r\n")
    const wise = await server.get('/v1/payout_requests:export', { key: p.key, body: { format: 'wise' } })
    expect(wise.text.split('\r\n').slice(0, 2)).toEqual([
      'name,recipientEmail,paymentReference,receiverType,amountCurrency,amount,sourceCurrency,targetCurrency',
      'Bob Stone,bob@example.com,Payout 2,PRIVATE,target,60.00,USD,USD',
    ])
    const plain = (await server.get('/v1/payout_requests:export', { key: p.key })).text.trim().split('\r\n')
    expect(plain).toHaveLength(4)
    expect(plain[1]).toMatch(new RegExp(`^1,approved,${ann.id},${ann.email},.*,30\\.00,USD,paypal,payee@example.com,`))
    expect((await server.get('/v1/payout_requests:export?status=finished', { key: p.key })).text.trim().split('\r\n')).toHaveLength(1)
  })
})

describe('a partner\'s saved payout method', () => {
  it('is set on partner update, read back, and used by a request that names no method', async () => {
    const p = await server.program()
    const partner = await earningPartner(server, p.key, [100])
    expect((await server.get(`/v1/partners/${partner.id}/payout_settings`, { key: p.key })).json).toEqual({ data: null, status: 1 })
    const update = await server.put(`/v1/partners/${partner.id}`, {
      key: p.key, body: { update: { payout_gateway: 'crypto', payout_settings: { wallet_address: '0xabc', type: 'USDT', email: 'ignored@example.com' } } },
    })
    expect(update.status, update.text).toBe(200)
    const saved = { gateway: 'crypto', payout_settings: { wallet_address: '0xabc', type: 'USDT' } }
    expect((await server.get(`/v1/partners/${partner.key}/payout_settings`, { key: p.key })).json.data).toEqual(saved)
    // The flat form (PUT /v1/partners with the id in the body) works too.
    const flat = await server.put('/v1/partners', { key: p.key, body: { id: partner.id, payout_gateway: 'paypal', payout_settings: { username: 'saved@example.com' } } })
    expect(flat.status, flat.text).toBe(200)
    const res = await server.post('/v1/payout_requests', { key: p.key, body: { partner: { id: partner.id } } })
    expect(res.status, res.text).toBe(201)
    expect(res.json.data).toMatchObject({ gateway: 'paypal', payout_settings: { username: 'saved@example.com' } })
  })
})

describe('automatic payouts', () => {
  it('request and approve each schedule slot once, within the minimum and maximum, even from two processes at once', async () => {
    const p = await server.program()
    const set = await server.put('/v1/program', {
      key: p.key, body: { program_settings: { payout_automation_enabled: true, payout_automation_schedule: 'daily', payout_automation_min: 10, payout_automation_max: 50 } },
    })
    expect(set.status, set.text).toBe(200)
    const method = { payout_gateway: 'paypal', payout_settings: { username: 'auto@example.com' } }
    const big = await earningPartner(server, p.key, [100, 100])
    const small = await earningPartner(server, p.key, [10])
    const none = await earningPartner(server, p.key, [100])
    for (const partner of [big, small]) expect((await server.put(`/v1/partners/${partner.id}`, { key: p.key, body: method })).status).toBe(200)

    // Several processes share a store on PostgreSQL only (SQLite has one writing process).
    const other = process.env.PARTNERKIT_TEST_STORE === 'postgres' ? await startServer({}, { testStore: server.testStore }) : server
    try {
      const day = Date.UTC(2030, 0, 7, 12)
      const made = await Promise.all([runAutomaticPayouts(server.store.db, day), runAutomaticPayouts(other.store.db, day), runAutomaticPayouts(server.store.db, day + 3_600_000)])
      expect(made.reduce((a, b) => a + b, 0)).toBe(1)
    } finally {
      if (other !== server) await other.close()
    }
    const list = (await server.get('/v1/payout_requests', { key: p.key })).json.data
    // 60 owed, at most 50 per payout: the oldest reward that fits (30) is paid; 3 is under the minimum; no method, no payout.
    expect(list).toEqual([expect.objectContaining({ id: 1, status: 'approved', amount: 30, partner: expect.objectContaining({ id: big.id }), gateway: 'paypal' })])
    expect(list[0].rewards).toEqual([big.sales[0]?.rewardIds[0]])
    expect(none.id).not.toBe(big.id)

    // The next day: the approved request is still open, so nothing new; once paid, the rest follows.
    expect(await runAutomaticPayouts(server.store.db, Date.UTC(2030, 0, 8, 1))).toBe(0)
    await act(server, p.key, 1, 'mark_as_paid')
    expect(await runAutomaticPayouts(server.store.db, Date.UTC(2030, 0, 9, 1))).toBe(1)
    expect((await server.get('/v1/payout_requests/2', { key: p.key })).json.data).toMatchObject({ status: 'approved', amount: 30 })
  })

  it('name their slots by day, ISO week (Monday) and month, in UTC', () => {
    const sunday = Date.UTC(2026, 10, 22, 23, 59)
    expect([slotOf('daily', sunday), slotOf('weekly', sunday), slotOf('monthly', sunday)]).toEqual(['d2026-11-22', 'w2026-11-16', 'm2026-11'])
    expect(slotOf('weekly', Date.UTC(2026, 10, 23))).toBe('w2026-11-23')
  })
})
