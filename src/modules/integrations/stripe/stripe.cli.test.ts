// `partnerkit integrations stripe` sets the secret a running server then checks events with.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startServer, type TestServer } from '../../../../test/support/server.js'
import { runCli } from '../../../../test/support/cli.js'
import { sendStripe, stripeEvent, stripeHeader } from '../../../../test/support/stripe.js'

let server: TestServer
beforeAll(async () => {
  server = await startServer()
})
afterAll(() => server.close())

describe('partnerkit integrations stripe', () => {
  it('sets the webhook secret that the webhook then checks signatures with', async () => {
    const p = await server.program()
    const secret = 'whsec_from_the_cli_0123456789'
    const body = stripeEvent('customer.created', { id: 'cus_x', object: 'customer' })
    expect((await sendStripe(server, p.publicId, body, stripeHeader(body, secret))).status).toBe(400)

    const res = await runCli(['integrations', 'stripe', '--program', p.publicId.toLowerCase(), '--webhook-secret', secret, '--reverse-on-dispute', 'false'], server.testStore.env)
    expect(res.stderr).toBe('')
    expect(res.code).toBe(0)
    expect(res.stdout).toContain(`/integrations/stripe/${p.publicId}/webhook`)

    const accepted = await sendStripe(server, p.publicId, body, stripeHeader(body, secret))
    expect(accepted.status, accepted.text).toBe(200)
    expect((await server.get('/v1/integrations/stripe', { key: p.key })).json.data).toMatchObject({ configured: true, reverse_on_dispute: false })
  })

  it('refuses a malformed secret and an unknown program, changing nothing', async () => {
    const p = await server.program()
    const bad = await runCli(['integrations', 'stripe', '--program', p.publicId, '--webhook-secret', 'sk_live_oops'], server.testStore.env)
    expect(bad.code).toBe(1)
    expect(bad.stderr).toMatch(/whsec_/)
    const missing = await runCli(['integrations', 'stripe', '--program', 'NOPE0000', '--webhook-secret', 'whsec_0123456789abc'], server.testStore.env)
    expect(missing.code).toBe(1)
    expect(missing.stderr).toMatch(/no program/)
    const usage = await runCli(['integrations', 'paypal'], server.testStore.env)
    expect(usage.code).toBe(2)
    expect((await server.get('/v1/integrations/stripe', { key: p.key })).json.data.configured).toBe(false)
  })
})
