// The admin's webhook pages over HTTP: subscriptions made, changed, switched off and on and deleted
// through the API's own service and checks; a subscription's delivery log after a real delivery,
// a redelivery with the same webhook-id and signature, and a test event; each change audited; the
// dashboard's count of webhooks whose newest delivery failed.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { TestServer } from '../../../test/support/server.js'
import { makePartner } from '../../../test/support/partners.js'
import { startDeliveryBench, stopDeliveryBench, verifiesPartnero, type Receiver } from '../../../test/support/webhook-receiver.js'
import { auditOf, signedInMember } from '../../../test/support/admin-sign-in.js'
import { webhookDispatcher } from '../../modules/webhooks/dispatcher.js'
import { failingWebhookCount } from '../../modules/webhooks/service.js'
import { closedPort } from '../../../test/support/mailbox.js'

let server: TestServer
let receiver: Receiver
beforeAll(async () => void ({ server, receiver } = await startDeliveryBench()))
afterAll(() => stopDeliveryBench({ server, receiver }))

const dispatcher = () => webhookDispatcher(server.store.db, { allowPrivateUrls: true })

async function api(key: string, hook: string) {
  return (await server.get(`/v1/webhooks/${hook}`, { key })).json.data
}

describe('webhook subscriptions', () => {
  it('are listed, created, edited, switched off and on and deleted, each audited', async () => {
    const p = await server.program()
    const { v, userId } = await signedInMember(server, p.id, 'admin')
    const empty = await v.get('/admin/webhooks')
    expect(empty.status, empty.text).toBe(200)
    expect(empty.text).toContain('No webhooks yet.')
    expect(empty.text).toContain('value="payout.approved"')

    const made = await v.post('/admin/webhooks', { name: 'CRM sync', url: receiver.url, key: 'crm_sync', events: ['partner.created', 'payout.paid'], is_active: 'on' })
    expect(made.status, made.text).toBe(303)
    expect(made.headers.location).toBe('/admin/webhooks/crm_sync?notice=webhook-created')
    const page = await v.follow(made)
    expect(page.text).toContain('The webhook is created.')
    expect(await api(p.key, 'crm_sync')).toMatchObject({ name: 'CRM sync', url: receiver.url, events: ['partner.created', 'payout.paid'], is_active: true })
    expect((await v.get('/admin/webhooks')).text).toContain('href="/admin/webhooks/crm_sync"')

    const edited = await v.post('/admin/webhooks/crm_sync', { name: 'CRM', url: receiver.url, events: ['partner.updated'], is_active: 'on' })
    expect(edited.status, edited.text).toBe(303)
    expect(await api(p.key, 'crm_sync')).toMatchObject({ name: 'CRM', events: ['partner.updated'], is_active: true })

    expect((await v.post('/admin/webhooks/crm_sync/deactivate')).status).toBe(303)
    expect((await api(p.key, 'crm_sync')).is_active).toBe(false)
    const off = await v.get('/admin/webhooks/crm_sync')
    expect(off.text).toContain('action="/admin/webhooks/crm_sync/activate"')
    expect((await v.post('/admin/webhooks/crm_sync/activate')).status).toBe(303)
    expect((await api(p.key, 'crm_sync')).is_active).toBe(true)

    const unconfirmed = await v.post('/admin/webhooks/crm_sync/delete')
    expect(unconfirmed.status).toBe(422)
    expect(unconfirmed.text).toContain('Tick the box to confirm the deletion.')
    expect((await api(p.key, 'crm_sync')).name).toBe('CRM')
    const gone = await v.post('/admin/webhooks/crm_sync/delete', { confirm: 'on' })
    expect(gone.status).toBe(303)
    expect(gone.headers.location).toBe('/admin/webhooks?notice=webhook-deleted')
    expect((await server.get('/v1/webhooks/crm_sync', { key: p.key })).status).toBe(404)

    const audit = (await auditOf(server, p.id)).filter((a) => a.objectType === 'webhook').map((a) => [a.action, a.objectId, a.userId]).reverse()
    expect(audit).toEqual([
      ['webhook.created', 'crm_sync', userId], ['webhook.updated', 'crm_sync', userId], ['webhook.deactivated', 'crm_sync', userId],
      ['webhook.activated', 'crm_sync', userId], ['webhook.deleted', 'crm_sync', userId],
    ])
  })

  it('refuse what the API refuses, on the form, and keep what was typed', async () => {
    const p = await server.program()
    const { v } = await signedInMember(server, p.id, 'owner')
    await v.get('/admin/webhooks')
    const noEvents = await v.post('/admin/webhooks', { name: 'Hook', url: receiver.url })
    expect(noEvents.status).toBe(422)
    expect(noEvents.text).toContain('id="events-error"')
    expect(noEvents.text).toContain(`value="${receiver.url}"`)
    const badUrl = await v.post('/admin/webhooks', { name: 'Hook', url: 'ftp://files.example', events: 'partner.created' })
    expect(badUrl.status).toBe(422)
    expect(badUrl.text).toContain('id="f-url-error"')
    // An event of another program type: the service's own check.
    const referral = await server.program({ type: 'referral' })
    const r = await signedInMember(server, referral.id, 'admin')
    const wrongType = await r.v.post('/admin/webhooks', { name: 'Hook', url: receiver.url, events: 'payout.paid' })
    expect(wrongType.status).toBe(422)
    expect(wrongType.text).toContain('The event payout.paid is not available for referral programs.')
    await v.post('/admin/webhooks', { name: 'First', url: receiver.url, key: 'taken', events: 'partner.created' })
    const taken = await v.post('/admin/webhooks', { name: 'Second', url: receiver.url, key: 'taken', events: 'partner.created' })
    expect(taken.status).toBe(422)
    expect(taken.text).toContain('The key has already been taken.')
    const emptyName = await v.post('/admin/webhooks/taken', { name: '', url: receiver.url, events: 'partner.created', is_active: 'on' })
    expect(emptyName.status).toBe(422)
    expect((await api(p.key, 'taken')).name).toBe('First')
    expect((await server.get('/v1/webhooks', { key: p.key })).json.data).toHaveLength(1)
  })
})

describe('a subscription\'s deliveries', () => {
  it('are logged with their answer, sent again with the same id and signature, and a test event is queued', async () => {
    const p = await server.program()
    const { v } = await signedInMember(server, p.id, 'admin')
    await v.get('/admin/webhooks')
    await v.post('/admin/webhooks', { name: 'Log', url: receiver.url, key: 'log', events: ['partner.created', 'partner.updated'], is_active: 'on' })
    await makePartner(server, p.key, { id: 'logged' })
    receiver.script({ status: 503 })
    await dispatcher().runOnce()
    const [delivery] = (await server.get('/v1/webhooks/log/deliveries', { key: p.key })).json.data
    const log = await v.get('/admin/webhooks/log')
    expect(log.status, log.text).toBe(200)
    expect(log.text).toContain(delivery.id)
    expect(log.text).toContain('partner.created')
    expect(log.text).toContain('503')

    const before = receiver.received.length
    const again = await v.post(`/admin/webhooks/log/deliveries/${delivery.id}/redeliver`)
    expect(again.status, again.text).toBe(303)
    expect((await v.follow(again)).text).toContain('The delivery is queued to be sent again.')
    const test = await v.post('/admin/webhooks/log/test', { event: 'partner.updated' })
    expect(test.status, test.text).toBe(303)
    const notTaken = await v.post('/admin/webhooks/log/test', { event: 'payout.paid' })
    expect(notTaken.status).toBe(422)
    expect(notTaken.text).toContain('The event must be one of the webhook')

    await dispatcher().runOnce()
    const got = receiver.received.slice(before)
    expect(got).toHaveLength(2)
    const hook = await api(p.key, 'log')
    for (const r of got) expect(verifiesPartnero(r, hook.signature)).toBe(true)
    expect(got.map((r) => r.headers['webhook-id'])).toContain(delivery.id)
    const testBody = JSON.parse(got.find((r) => r.headers['webhook-id'] !== delivery.id)!.body)
    expect(testBody).toMatchObject({ event: 'partner.updated', webhook_key: 'log', data: { test: true } })
    const after = (await server.get('/v1/webhooks/log/deliveries', { key: p.key })).json.data
    expect(after).toHaveLength(2)
    expect(after.every((d: { status: string }) => d.status === 'delivered')).toBe(true)

    const audit = (await auditOf(server, p.id)).map((a) => [a.action, a.detail])
    expect(audit).toEqual(expect.arrayContaining([
      ['webhook.redelivered', { delivery: delivery.id }],
      ['webhook.tested', expect.objectContaining({ event: 'partner.updated' })],
    ]))

    // Switched off, a webhook is neither redelivered nor tested: the service says why.
    await v.post('/admin/webhooks/log/deactivate')
    await v.get('/admin/webhooks/log')
    const refused = await v.post(`/admin/webhooks/log/deliveries/${delivery.id}/redeliver`)
    expect(refused.status).toBe(400)
    expect(refused.text).toContain('The webhook is not active; activate it first.')
  })
})

describe('the dashboard', () => {
  it('counts the webhooks whose newest tried delivery failed, links to them, and forgets one once a newer delivery succeeds', async () => {
    const p = await server.program()
    const { v } = await signedInMember(server, p.id, 'viewer')
    const failing = () => v.get('/admin').then((page) => /<a href="\/admin\/webhooks">Webhooks failing: (\d+)<\/a>/.exec(page.text)?.[1])
    expect(await failing()).toBe('0')
    const unreachable = `http://127.0.0.1:${await closedPort()}/hooks`
    for (const [key, url] of [['down', unreachable], ['up', receiver.url], ['off', unreachable], ['idle', unreachable]] as const) {
      const made = await server.post('/v1/webhooks', { key: p.key, body: { key, name: key, url, events: key === 'idle' ? ['payout.paid'] : ['partner.created'] } })
      expect(made.status, made.text).toBe(201)
    }
    await makePartner(server, p.key, { id: 'first' })
    await dispatcher().runOnce()
    const statuses = async (key: string) => (await server.get(`/v1/webhooks/${key}/deliveries`, { key: p.key })).json.data.map((d: { status: string }) => d.status)
    expect(await statuses('up')).toEqual(['delivered'])
    // Refused at the door: tried, and waiting to be tried again.
    expect(await statuses('down')).toEqual(['pending'])
    expect((await server.get('/v1/webhooks/down/deliveries', { key: p.key })).json.data[0].last_error ?? '').not.toBe('')
    // down and off; idle was never tried, so it has not failed.
    expect(await failingWebhookCount(server.store.db, p.id)).toBe(2)
    // Switched off by the merchant, a webhook is no longer waited on.
    expect((await server.put('/v1/webhooks/off', { key: p.key, body: { is_active: false } })).status).toBe(200)
    expect(await failingWebhookCount(server.store.db, p.id)).toBe(1)
    expect(await failing()).toBe('1')

    // Mended: the next delivery gets through, and the older failure no longer counts.
    expect((await server.put('/v1/webhooks/down', { key: p.key, body: { url: receiver.url } })).status).toBe(200)
    await makePartner(server, p.key, { id: 'second' })
    await dispatcher().runOnce()
    expect(await statuses('down')).toHaveLength(2)
    expect((await statuses('down'))[0]).toBe('delivered')
    expect(await failing()).toBe('0')
    expect(await failingWebhookCount(server.store.db, (await server.program()).id)).toBe(0)
  })
})
