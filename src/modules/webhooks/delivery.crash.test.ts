// A real `partnerkit serve` killed (SIGKILL) while its dispatcher waits on a receiver: nothing is
// lost. The next process delivers everything, the interrupted delivery with the same webhook-id.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { TestServer } from '../../../test/support/server.js'
import { makePartner } from '../../../test/support/partners.js'
import { serveCli } from '../../../test/support/cli.js'
import { startDeliveryBench, stopDeliveryBench, verifiesPartnero, type Receiver } from '../../../test/support/webhook-receiver.js'

// Used for set-up and reading only: it runs no jobs. The `serve` processes share its store.
let server: TestServer
let receiver: Receiver
beforeAll(async () => void ({ server, receiver } = await startDeliveryBench()))
afterAll(() => stopDeliveryBench({ server, receiver }))

describe('a server killed mid-send', () => {
  it('loses no delivery: the next server sends them all, each with its own stable webhook-id', async () => {
    const p = await server.program()
    const hook = (await server.post('/v1/webhooks', { key: p.key, body: { name: 'crash', url: receiver.url, events: ['partner.created'] } })).json.data
    for (let i = 0; i < 5; i++) await makePartner(server, p.key, { id: `crash_${i}` })
    receiver.script('hang', 'hang', 'hang', 'hang', 'hang')
    const env = { ...server.testStore.env, PARTNERKIT_ALLOW_PRIVATE_WEBHOOK_URLS: '1' }

    const doomed = await serveCli(env)
    // All five are in flight (one run sends up to ten at once), every one left hanging.
    await receiver.waitFor(5, 15_000)
    await doomed.stop('SIGKILL')
    const inFlight = await server.store.db.selectFrom('webhook_deliveries').select(['webhook_id', 'attempts', 'claimed_until', 'status'])
      .where('program_id', '=', p.id).where('attempts', '>', 0).execute()
    expect(inFlight).toHaveLength(5)
    expect(inFlight.every((d) => d.status === 'pending' && d.claimed_until !== null)).toBe(true)
    // What the claim's 75 s would do on their own: the dead process's claims run out.
    await server.store.db.updateTable('webhook_deliveries').set({ claimed_until: Date.now() - 1 }).where('program_id', '=', p.id).where('claimed_until', 'is not', null).execute()

    receiver.releaseHanging()
    const next = await serveCli(env)
    try {
      // The five sent again have arrived; a clean stop lets the run that sent them settle them.
      await receiver.waitFor(10, 20_000)
    } finally {
      expect(await next.stop('SIGTERM')).toBe(0)
    }
    const delivered = await server.store.db.selectFrom('webhook_deliveries').select('id').where('program_id', '=', p.id).where('status', '=', 'delivered').execute()
    expect(delivered).toHaveLength(5)
    const bodies = receiver.received.map((r) => JSON.parse(r.body))
    expect(new Set(bodies.map((b) => b.data.id))).toEqual(new Set(['crash_0', 'crash_1', 'crash_2', 'crash_3', 'crash_4']))
    // Each arrived twice (cut off, then delivered), with the same webhook-id both times.
    for (const d of inFlight) expect(receiver.received.filter((r) => r.headers['webhook-id'] === d.webhook_id)).toHaveLength(2)
    expect(receiver.received).toHaveLength(10)
    for (const r of receiver.received) expect(verifiesPartnero(r, hook.signature)).toBe(true)
  }, 60_000)
})
