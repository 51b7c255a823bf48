import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startServer, type TestServer } from '../../../test/support/server.js'
import { expectErrorShape } from '../../../test/support/sales.js'
import { partnerWithPassword } from '../../../test/support/portal.js'

let server: TestServer
let program: { id: number; publicId: string; key: string }

beforeAll(async () => {
  server = await startServer()
  program = await server.program()
})
afterAll(() => server.close())

const mint = (body: unknown, key = program.key) => server.post('/v1/partners:sign-in-url', { key, body })
const tokens = async () => (await server.store.db.selectFrom('sign_in_tokens').select('id').execute()).length

describe('POST /v1/partners:sign-in-url refuses', () => {
  it('expires_in outside 30–900 seconds, or not a whole number: 422, no link made', async () => {
    const { partner } = await partnerWithPassword(server, program.key)
    for (const expires_in of [29, 901, 0, -5, 120.5, 'soon']) {
      const res = await mint({ id: partner.id, expires_in })
      expectErrorShape(res, 422)
      expect(res.json.errors).toHaveProperty('expires_in')
    }
    expect(await tokens()).toBe(0)
  })

  it('an unknown partner: 404; no partner named: 422', async () => {
    expectErrorShape(await mint({ id: 'nobody' }), 404)
    expectErrorShape(await mint({ email: 'nobody@example.com' }), 404)
    expectErrorShape(await mint({}), 422)
    expect(await tokens()).toBe(0)
  })

  it('without a key: 401; for another program\'s partner: 404', async () => {
    const { partner } = await partnerWithPassword(server, program.key)
    expectErrorShape(await server.post('/v1/partners:sign-in-url', { body: { id: partner.id } }), 401)
    const other = await server.program()
    expectErrorShape(await mint({ id: partner.id }, other.key), 404)
    expect(await tokens()).toBe(0)
  })

  it('a link for a program that is not an affiliate program: 400', async () => {
    const raf = await server.program({ type: 'referral' })
    expectErrorShape(await mint({ email: 'a@example.com' }, raf.key), 400)
  })
})
