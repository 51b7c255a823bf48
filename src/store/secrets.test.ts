// Secrets the server reads back are stored sealed, and a process with the wrong key cannot start
// on a store sealed with another: it says so instead of failing every delivery later.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startServer, type TestServer } from '../../test/support/server.js'
import { freshStore, type TestStore } from '../../test/support/store.js'
import { openMigratedStore } from './store.js'

let server: TestServer
beforeAll(async () => {
  server = await startServer()
})
afterAll(() => server.close())

describe('stored secrets', () => {
  it('never appear in the store: webhook signing secrets and Stripe endpoint secrets are sealed', async () => {
    const p = await server.program()
    const made = await server.post('/v1/webhooks', { key: p.key, body: { name: 'Sealed', url: 'https://hooks.example.com/in', events: ['partner.created'] } })
    expect(made.status, made.text).toBe(201)
    const signature = made.json.data.signature as string
    expect(signature.length).toBeGreaterThan(8)
    // The API still shows the secret to its owner.
    expect((await server.get(`/v1/webhooks/${made.json.data.key}`, { key: p.key })).json.data.signature).toBe(signature)
    const stripeSecret = 'whsec_sealed_0123456789abcdefghijklmnop'
    expect((await server.put('/v1/integrations/stripe', { key: p.key, body: { webhook_secret: stripeSecret } })).status).toBe(200)

    const dump = JSON.stringify([
      await server.store.db.selectFrom('webhook_subscriptions').selectAll().execute(),
      await server.store.db.selectFrom('stripe_settings').selectAll().execute(),
    ], (_k, v) => (typeof v === 'bigint' ? String(v) : v))
    expect(dump).not.toContain(signature)
    expect(dump).not.toContain(stripeSecret)
    expect(dump).toContain('enc1:')
  })
})

describe('the sealing key', () => {
  let testStore: TestStore
  beforeAll(async () => {
    testStore = await freshStore()
  })
  afterAll(() => testStore.drop())

  it('must stay the same for a store once it sealed with PARTNERKIT_SECRET_KEY', async () => {
    const key = 'k'.repeat(40)
    const first = await openMigratedStore({ ...testStore.options, secretKey: key })
    await first.close()
    const same = await openMigratedStore({ ...testStore.options, secretKey: key })
    await same.close()
    await expect(openMigratedStore({ ...testStore.options, secretKey: 'x'.repeat(40) })).rejects.toThrow(/another PARTNERKIT_SECRET_KEY/)
    await expect(openMigratedStore(testStore.options)).rejects.toThrow(/another PARTNERKIT_SECRET_KEY/)
  })
})
