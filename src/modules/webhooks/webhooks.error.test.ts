// Bad input to the webhook endpoints: a 4xx in the Partnero error shape, and nothing changes.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startServer, type TestServer } from '../../../test/support/server.js'

let server: TestServer
let p: { id: number; key: string }
const url = 'https://hooks.example.com/partnerkit'
beforeAll(async () => {
  server = await startServer()
  p = await server.program()
})
afterAll(() => server.close())

async function webhookCount(programId = p.id) {
  return (await server.store.db.selectFrom('webhook_subscriptions').select('id').where('program_id', '=', programId).execute()).length
}

function expectInvalid(res: { status: number; json: { status: number; code: string; errors: Record<string, string[]> } }, field: string) {
  expect(res.status).toBe(422)
  expect(res.json).toMatchObject({ status: 0, code: 'validation_failed' })
  expect(Object.keys(res.json.errors)).toContain(field)
}

describe('creating a webhook', () => {
  it('refuses missing or empty name, url and events', async () => {
    for (const [body, field] of [
      [{ url, events: ['partner.created'] }, 'name'],
      [{ name: 'x', events: ['partner.created'] }, 'url'],
      [{ name: 'x', url }, 'events'],
      [{ name: 'x', url, events: [] }, 'events'],
      [{ name: '', url, events: ['partner.created'] }, 'name'],
      [{ name: 'x', url, events: ['partner.created'], is_active: 'maybe' }, 'is_active'],
      [{ name: 'x', url, events: ['partner.created'], key: 'has space' }, 'key'],
    ] as const) expectInvalid(await server.post('/v1/webhooks', { key: p.key, body }), field)
    expect(await webhookCount()).toBe(0)
  })

  it('refuses events the program type does not have', async () => {
    const affiliate = await server.post('/v1/webhooks', { key: p.key, body: { name: 'x', url, events: ['partner.created', 'subscriber.created'] } })
    expectInvalid(affiliate, 'events.1')
    expect(affiliate.json.errors['events.1'][0]).toBe('The event subscriber.created is not available for affiliate programs.')
    const raf = await server.program({ type: 'referral' })
    expectInvalid(await server.post('/v1/webhooks', { key: raf.key, body: { name: 'x', url, events: ['partner.created'] } }), 'events.0')
    expectInvalid(await server.post('/v1/webhooks', { key: p.key, body: { name: 'x', url, events: ['no.such'] } }), 'events.0')
    expect(await webhookCount()).toBe(0)
    expect(await webhookCount(raf.id)).toBe(0)
  })

  it('refuses URLs that are not http(s)', async () => {
    for (const bad of ['not a url', 'ftp://example.com/x', 'file:///etc/passwd', 'javascript:alert(1)', 'https://user:pw@example.com/']) {
      expectInvalid(await server.post('/v1/webhooks', { key: p.key, body: { name: 'x', url: bad, events: ['partner.created'] } }), 'url')
    }
    expect(await webhookCount()).toBe(0)
  })

  it('refuses a key already taken in the program', async () => {
    const first = await server.post('/v1/webhooks', { key: p.key, body: { name: 'x', url, events: ['partner.created'], key: 'taken' } })
    expect(first.status).toBe(201)
    const again = await server.post('/v1/webhooks', { key: p.key, body: { name: 'y', url, events: ['partner.created'], key: 'taken' } })
    expectInvalid(again, 'key')
    expect((await server.get('/v1/webhooks/taken', { key: p.key })).json.data.name).toBe('x')
    await server.delete('/v1/webhooks/taken', { key: p.key })
  })
})

describe('changing a webhook', () => {
  it('refuses bad fields and leaves it as it was', async () => {
    const hook = (await server.post('/v1/webhooks', { key: p.key, body: { name: 'keep', url, events: ['partner.created'] } })).json.data
    expectInvalid(await server.put(`/v1/webhooks/${hook.key}`, { key: p.key, body: { events: ['subscriber.created'] } }), 'events.0')
    expectInvalid(await server.put(`/v1/webhooks/${hook.key}`, { key: p.key, body: { update: { url: 'gopher://x' } } }), 'url')
    expectInvalid(await server.put(`/v1/webhooks/${hook.key}`, { key: p.key, body: { url: 'http://127.0.0.1/' } }), 'url')
    expectInvalid(await server.put(`/v1/webhooks/${hook.key}`, { key: p.key, body: { events: [] } }), 'events')
    expect((await server.get(`/v1/webhooks/${hook.key}`, { key: p.key })).json.data).toEqual(hook)
  })

  it('a test event needs an active webhook and one of its events', async () => {
    const hook = (await server.post('/v1/webhooks', { key: p.key, body: { name: 't', url, events: ['partner.created'] } })).json.data
    expectInvalid(await server.post(`/v1/webhooks/${hook.key}/test`, { key: p.key, body: { event: 'lead.submitted' } }), 'event')
    await server.put(`/v1/webhooks/${hook.key}`, { key: p.key, body: { is_active: false } })
    const off = await server.post(`/v1/webhooks/${hook.key}/test`, { key: p.key })
    expect(off.status).toBe(400)
    expect(off.json).toMatchObject({ status: 0, code: 'webhook_inactive' })
    expect((await server.get(`/v1/webhooks/${hook.key}/deliveries`, { key: p.key })).json.data).toEqual([])
  })
})

describe('a webhook or delivery that does not exist', () => {
  it('is a 404 on every operation', async () => {
    const hook = (await server.post('/v1/webhooks', { key: p.key, body: { name: 'n', url, events: ['partner.created'] } })).json.data
    for (const [method, path] of [
      ['GET', '/v1/webhooks/nope'], ['PUT', '/v1/webhooks/nope'], ['DELETE', '/v1/webhooks/nope'],
      ['GET', '/v1/webhooks/nope/deliveries'], ['POST', '/v1/webhooks/nope/test'],
      ['POST', '/v1/webhooks/nope/deliveries/msg_x/redeliver'], ['POST', `/v1/webhooks/${hook.key}/deliveries/msg_x/redeliver`],
    ] as const) {
      const res = await server.request(method, path, { key: p.key, body: { name: 'changed' } })
      expect(res.status, `${method} ${path}`).toBe(404)
      expect(res.json).toMatchObject({ status: 0, code: 'not_found' })
    }
    expect((await server.get(`/v1/webhooks/${hook.key}`, { key: p.key })).json.data.name).toBe('n')
  })
})
