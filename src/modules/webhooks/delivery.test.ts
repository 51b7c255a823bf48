// Delivery against a receiver scripted to fail, on a fake clock: the retry schedule, Retry-After,
// 410, giving up, a dispatcher that dies mid-send, and several dispatchers sharing one store.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { TestServer } from '../../../test/support/server.js'
import { makePartner } from '../../../test/support/partners.js'
import { startDeliveryBench, stopDeliveryBench, verifiesPartnero, type Receiver } from '../../../test/support/webhook-receiver.js'
import { webhookDispatcher, type DispatcherOptions } from './dispatcher.js'
import { MAX_ATTEMPTS, RETRY_DELAYS_MS } from './schedule.js'

let server: TestServer
let receiver: Receiver
beforeAll(async () => void ({ server, receiver } = await startDeliveryBench()))
afterAll(() => stopDeliveryBench({ server, receiver }))

/** A clock the test moves; the jitter is fixed at its middle (random 0.5 = no jitter). */
function fakeClock(start = Date.now()) {
  let now = start
  return { now: () => now, advance: (ms: number) => void (now += ms), set: (ms: number) => void (now = ms) }
}

const dispatcherOn = (clock: { now: () => number }, more: DispatcherOptions = {}) =>
  webhookDispatcher(server.store.db, { allowPrivateUrls: true, now: clock.now, random: () => 0.5, timeoutMs: 300, ...more })

async function programWithHook(events = ['partner.created']) {
  const p = await server.program()
  const res = await server.post('/v1/webhooks', { key: p.key, body: { name: 'Hook', url: receiver.url, events } })
  expect(res.status, res.text).toBe(201)
  return { p, hook: res.json.data }
}

async function deliveryOf(p: { key: string }, hookKey: string) {
  const log = (await server.get(`/v1/webhooks/${hookKey}/deliveries`, { key: p.key })).json.data
  expect(log).toHaveLength(1)
  return log[0]
}

describe('a failing receiver', () => {
  it('is retried on the backoff schedule, with Retry-After honoured and the same webhook-id each time', async () => {
    const { p, hook } = await programWithHook()
    await makePartner(server, p.key)
    const clock = fakeClock()
    const run = dispatcherOn(clock)
    const before = receiver.received.length
    receiver.script({ status: 500 }, 'hang', { status: 429, headers: { 'retry-after': '120' } }, { status: 302, headers: { location: receiver.url } })

    const schedule: number[] = []
    for (let attempt = 1; attempt <= 4; attempt++) {
      await run.runOnce()
      const d = await deliveryOf(p, hook.key)
      expect(d).toMatchObject({ status: 'pending', attempts: attempt })
      schedule.push(Date.parse(d.next_attempt_at) - clock.now())
      // One millisecond early, nothing is due; at the time, the retry goes.
      clock.advance(schedule[attempt - 1]! - 1)
      expect((await run.runOnce()).attempted).toBe(0)
      clock.advance(1)
    }
    expect(schedule).toEqual([RETRY_DELAYS_MS[0], RETRY_DELAYS_MS[1], 120_000, RETRY_DELAYS_MS[3]])
    const failures = await deliveryOf(p, hook.key)
    expect(failures.last_status_code).toBe(302)

    await run.runOnce()
    const done = await deliveryOf(p, hook.key)
    expect(done).toMatchObject({ status: 'delivered', attempts: 5, last_status_code: 200, last_error: null })
    receiver.releaseHanging()
    const got = receiver.received.slice(before)
    expect(got).toHaveLength(5)
    expect(new Set(got.map((r) => r.headers['webhook-id']))).toEqual(new Set([done.id]))
    expect(new Set(got.map((r) => r.body)).size).toBe(1)
    // Each attempt is signed at its own time.
    expect(new Set(got.map((r) => r.headers['webhook-timestamp'])).size).toBe(5)
    for (const r of got) expect(verifiesPartnero(r, hook.signature)).toBe(true)
  })

  it('that answers 410 is switched off, with the reason recorded, and gets nothing more', async () => {
    const { p, hook } = await programWithHook()
    const clock = fakeClock()
    await makePartner(server, p.key)
    receiver.script({ status: 410 })
    await dispatcherOn(clock).runOnce()
    expect(await deliveryOf(p, hook.key)).toMatchObject({ status: 'failed', attempts: 1, last_status_code: 410 })
    const view = (await server.get(`/v1/webhooks/${hook.key}`, { key: p.key })).json.data
    expect(view).toMatchObject({ is_active: false, disabled_reason: 'The endpoint answered 410 Gone.' })

    const before = receiver.received.length
    await makePartner(server, p.key)
    clock.advance(86_400_000)
    await dispatcherOn(clock).runOnce()
    expect(receiver.received.length).toBe(before)
    // Switched on again by the merchant: the reason goes, and new events flow.
    const on = await server.put(`/v1/webhooks/${hook.key}`, { key: p.key, body: { is_active: true } })
    expect(on.json.data).toMatchObject({ is_active: true, disabled_reason: null })
    await makePartner(server, p.key)
    await dispatcherOn(clock).runOnce()
    expect(receiver.received.length).toBe(before + 1)
  })

  it('gives up after about three days of failures and switches the webhook off, saying why', async () => {
    const { p, hook } = await programWithHook()
    await makePartner(server, p.key)
    const clock = fakeClock()
    const start = clock.now()
    const run = dispatcherOn(clock)
    receiver.script(...Array.from({ length: MAX_ATTEMPTS }, () => ({ status: 503 })))
    for (let i = 0; i < MAX_ATTEMPTS; i++) {
      expect((await run.runOnce()).attempted).toBe(1)
      const d = await deliveryOf(p, hook.key)
      if (d.next_attempt_at) clock.set(Date.parse(d.next_attempt_at))
    }
    const d = await deliveryOf(p, hook.key)
    expect(d).toMatchObject({ status: 'failed', attempts: MAX_ATTEMPTS, last_status_code: 503 })
    const days = (clock.now() - start) / 86_400_000
    expect(days).toBeGreaterThan(2.5)
    expect(days).toBeLessThan(3.5)
    const view = (await server.get(`/v1/webhooks/${hook.key}`, { key: p.key })).json.data
    expect(view.is_active).toBe(false)
    expect(view.disabled_reason).toBe(`Delivery failed ${MAX_ATTEMPTS} times in a row; last: HTTP 503: no`)
    clock.advance(7 * 86_400_000)
    expect((await run.runOnce()).attempted).toBe(0)
  })
})

describe('a dispatcher', () => {
  it('that dies mid-send loses nothing: the claim runs out and another one delivers, same webhook-id', async () => {
    const { p, hook } = await programWithHook()
    await makePartner(server, p.key)
    const clock = fakeClock()
    const before = receiver.received.length
    receiver.script('hang')
    // The first dispatcher's send never returns: as far as the store knows, its process died.
    const dying = dispatcherOn(clock, { timeoutMs: 15_000 }).runOnce()
    await receiver.waitFor(before + 1)
    const held = await deliveryOf(p, hook.key)
    expect(held).toMatchObject({ status: 'pending', attempts: 1 })

    const survivor = dispatcherOn(clock)
    expect((await survivor.runOnce()).attempted).toBe(0) // still claimed
    clock.advance(15_000 + 60_000 + 1)
    expect((await survivor.runOnce()).attempted).toBe(1)
    expect(await deliveryOf(p, hook.key)).toMatchObject({ status: 'delivered', attempts: 2 })
    const ids = receiver.received.slice(before).map((r) => r.headers['webhook-id'])
    expect(ids).toEqual([held.id, held.id])

    // The dead one's late answer does not overwrite what the survivor recorded.
    receiver.releaseHanging()
    await dying
    expect(await deliveryOf(p, hook.key)).toMatchObject({ status: 'delivered', attempts: 2 })
  })

  it('shares the work with others on the same store: every delivery sent exactly once', async () => {
    const { p, hook } = await programWithHook(['partner.created'])
    const count = 40
    for (let i = 0; i < count; i++) await makePartner(server, p.key, { id: `shared_${i}` })
    const before = receiver.received.length
    const clock = fakeClock()
    const runs = Array.from({ length: 3 }, () => dispatcherOn(clock, { concurrency: 4 }))
    const reports = await Promise.all(runs.map((r) => r.runOnce()))
    expect(reports.reduce((sum, r) => sum + r.attempted, 0)).toBe(count)
    expect(reports.reduce((sum, r) => sum + r.fannedOut, 0)).toBeGreaterThanOrEqual(count)
    const got = receiver.received.slice(before)
    expect(got).toHaveLength(count)
    expect(new Set(got.map((r) => JSON.parse(r.body).data.id)).size).toBe(count)
    const log = await server.get(`/v1/webhooks/${hook.key}/deliveries?limit=100`, { key: p.key })
    expect(log.json.data.map((d: { attempts: number }) => d.attempts)).toEqual(Array(count).fill(1))
  })
})

describe('fan-out', () => {
  it('delivers an event that commits behind one already fanned out, on the next run', async () => {
    const { p } = await programWithHook(['partner.created'])
    const before = receiver.received.length
    await makePartner(server, p.key, { id: 'late_one' })
    await makePartner(server, p.key, { id: 'early_one' })
    const db = server.store.db
    const [late, early] = await db.selectFrom('outbox').selectAll().where('program_id', '=', p.id).where('type', '=', 'partner.created')
      .orderBy('id', 'desc').limit(2).execute().then((rows) => rows.reverse())
    // The first event is not visible yet, as if its transaction were still committing: the run passes its id.
    await db.deleteFrom('outbox').where('id', '=', late!.id).execute()
    const clock = fakeClock()
    const run = dispatcherOn(clock)
    expect(await run.runOnce()).toMatchObject({ fannedOut: 1, attempted: 1 })
    await db.insertInto('outbox').values(late!).execute()
    expect(await run.runOnce()).toMatchObject({ fannedOut: 1, attempted: 1 })
    const ids = receiver.received.slice(before).map((r) => JSON.parse(r.body).data.id)
    expect(ids).toEqual([`early_one`, `late_one`])
    expect(Number(late!.id)).toBeLessThan(Number(early!.id))
  })
})
