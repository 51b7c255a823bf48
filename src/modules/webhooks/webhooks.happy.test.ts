// Webhook subscriptions through the API (spec §3.12), and an event travelling from a change to a
// real receiver: the body of spec §4.2, both signatures verified by the receiver's own code.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { TestServer } from '../../../test/support/server.js'
import { makePartner } from '../../../test/support/partners.js'
import { startDeliveryBench, stopDeliveryBench, verifiesPartnero, verifiesStandard, type Receiver } from '../../../test/support/webhook-receiver.js'
import { webhookDispatcher } from './dispatcher.js'
import { standardSecret } from './signing.js'

let server: TestServer
let receiver: Receiver
beforeAll(async () => void ({ server, receiver } = await startDeliveryBench()))
afterAll(() => stopDeliveryBench({ server, receiver }))

const dispatcher = () => webhookDispatcher(server.store.db, { allowPrivateUrls: true })

async function subscribe(key: string, body: Record<string, unknown>) {
  const res = await server.post('/v1/webhooks', { key, body: { name: 'Hook', url: receiver.url, events: ['partner.created'], ...body } })
  expect(res.status, res.text).toBe(201)
  return res.json.data
}

describe('webhook subscriptions', () => {
  it('are created with a generated key and signing secret, read, updated and deleted', async () => {
    const p = await server.program()
    const created = await subscribe(p.key, { name: 'CRM sync', events: ['partner.created', 'transaction.created'] })
    expect(created).toMatchObject({ name: 'CRM sync', url: receiver.url, is_active: true, events: ['partner.created', 'transaction.created'], disabled_reason: null })
    expect(created.key).toMatch(/^[A-Za-z0-9]{12}$/)
    expect(created.signature).toMatch(/^[A-Za-z0-9]{16}$/)

    const read = await server.get(`/v1/webhooks/${created.key}`, { key: p.key })
    expect(read.json).toEqual({ data: created, status: 1 })

    const wrapped = await server.put(`/v1/webhooks/${created.key}`, { key: p.key, body: { update: { name: 'Renamed', is_active: false } } })
    expect(wrapped.status, wrapped.text).toBe(200)
    expect(wrapped.json.data).toMatchObject({ name: 'Renamed', is_active: false, signature: created.signature, events: created.events })
    const flat = await server.put(`/v1/webhooks/${created.key}`, { key: p.key, body: { events: ['lead.submitted'], is_active: true } })
    expect(flat.json.data).toMatchObject({ name: 'Renamed', is_active: true, events: ['lead.submitted'] })

    expect((await server.delete(`/v1/webhooks/${created.key}`, { key: p.key })).json).toEqual({ status: 1 })
    expect((await server.get(`/v1/webhooks/${created.key}`, { key: p.key })).status).toBe(404)
  })

  it('take the caller\'s key, start inactive when asked, and list 10 a page by default (10–100)', async () => {
    const p = await server.program()
    const chosen = await subscribe(p.key, { key: 'my_hook-1', is_active: false })
    expect(chosen).toMatchObject({ key: 'my_hook-1', is_active: false })
    for (let i = 0; i < 11; i++) await subscribe(p.key, { name: `Hook ${i}` })
    const first = await server.get('/v1/webhooks', { key: p.key })
    expect(first.json.data).toHaveLength(10)
    expect(first.json.meta).toMatchObject({ per_page: 10, current_page: 1 })
    expect(first.json.links.next).toMatch(/\/v1\/webhooks\?page=2$/)
    const second = await server.get(first.json.links.next, { key: p.key })
    expect(second.json.data.map((w: { key: string }) => w.key)).toContain('my_hook-1')
    expect((await server.get('/v1/webhooks', { key: p.key, body: { limit: 3 } })).json.meta.per_page).toBe(10)
    expect((await server.get('/v1/webhooks?limit=500', { key: p.key })).json.data).toHaveLength(12)
  })
})

describe('an event', () => {
  it('reaches the receiver as {event, url, webhook_key, created_at, data}, signed both ways', async () => {
    const p = await server.program()
    const hook = await subscribe(p.key, { events: ['partner.created', 'partner.deleted'] })
    const before = receiver.received.length
    const partner = await makePartner(server, p.key, { id: 'hooked', key: 'hooked_ref' })
    const report = await dispatcher().runOnce()
    expect(report.attempted).toBe(1)

    const got = receiver.received.slice(before)
    expect(got).toHaveLength(1)
    const r = got[0]!
    const body = JSON.parse(r.body)
    expect(Object.keys(body)).toEqual(['event', 'url', 'webhook_key', 'created_at', 'data'])
    expect(body).toMatchObject({ event: 'partner.created', url: receiver.url, webhook_key: hook.key })
    expect(body.created_at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/)
    expect(body.data).toEqual(partner)
    expect(r.headers['content-type']).toBe('application/json')
    expect(verifiesPartnero(r, hook.signature)).toBe(true)
    expect(verifiesStandard(r, standardSecret(hook.signature), Math.floor(Date.now() / 1000))).toBe(true)
    expect(verifiesPartnero(r, 'another secret')).toBe(false)

    const log = await server.get(`/v1/webhooks/${hook.key}/deliveries`, { key: p.key })
    expect(log.json.data).toEqual([expect.objectContaining({
      id: r.headers['webhook-id'], event: 'partner.created', status: 'delivered', attempts: 1, last_status_code: 200, next_attempt_at: null,
    })])
  })

  it('goes only to active subscriptions of its program that take it and existed when it happened', async () => {
    const p = await server.program()
    const other = await server.program()
    await makePartner(server, p.key) // before any subscription
    await subscribe(p.key, { events: ['partner.created'] })
    await subscribe(p.key, { events: ['partner.created'], is_active: false })
    await subscribe(p.key, { events: ['customer.created'] })
    await subscribe(other.key, { events: ['partner.created'] })
    const before = receiver.received.length
    await makePartner(server, p.key, { id: 'only_once' })
    await dispatcher().runOnce()
    const got = receiver.received.slice(before).map((r) => JSON.parse(r.body))
    expect(got.map((b) => [b.event, b.data.id])).toEqual([['partner.created', 'only_once']])
  })

  it('can be sent again with the same webhook-id, and a test event can be queued', async () => {
    const p = await server.program()
    const hook = await subscribe(p.key, { events: ['partner.created', 'partner.updated'] })
    await makePartner(server, p.key)
    await dispatcher().runOnce()
    const [delivery] = (await server.get(`/v1/webhooks/${hook.key}/deliveries`, { key: p.key })).json.data
    const before = receiver.received.length

    const again = await server.post(`/v1/webhooks/${hook.key}/deliveries/${delivery.id}/redeliver`, { key: p.key })
    expect(again.status, again.text).toBe(200)
    expect(again.json.data).toMatchObject({ id: delivery.id, status: 'pending', attempts: 0 })
    const test = await server.post(`/v1/webhooks/${hook.key}/test`, { key: p.key, body: { event: 'partner.updated' } })
    expect(test.status, test.text).toBe(201)
    expect(test.json.data).toMatchObject({ event: 'partner.updated', status: 'pending' })

    await dispatcher().runOnce()
    const got = receiver.received.slice(before)
    expect(got.map((r) => r.headers['webhook-id']).sort()).toEqual([delivery.id, test.json.data.id].sort())
    const testBody = JSON.parse(got.find((r) => r.headers['webhook-id'] === test.json.data.id)!.body)
    expect(testBody).toMatchObject({ event: 'partner.updated', webhook_key: hook.key, data: { test: true } })
    for (const r of got) expect(verifiesPartnero(r, hook.signature)).toBe(true)
  })
})
