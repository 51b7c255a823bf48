import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startServer, type TestServer } from '../../../test/support/server.js'
import { partnerWithPassword, visitor } from '../../../test/support/portal.js'

let server: TestServer
let program: { id: number; publicId: string; key: string }

beforeAll(async () => {
  server = await startServer()
  program = await server.program()
})
afterAll(() => server.close())

const mint = (body: Record<string, unknown>) => server.post('/v1/partners:sign-in-url', { key: program.key, body })

describe('POST /v1/partners:sign-in-url', () => {
  it('answers a one-use link that signs the partner in, for a partner named by id, key or email', async () => {
    const { partner, email } = await partnerWithPassword(server, program.key, { key: 'url_key_partner' })
    for (const naming of [{ id: partner.id }, { key: 'url_key_partner' }, { email }]) {
      const before = Date.now()
      const res = await mint(naming)
      expect(res.status, res.text).toBe(200)
      expect(res.json.status).toBe(1)
      const { url, expires_at } = res.json.data
      expect(url).toMatch(new RegExp(`^${server.url}/portal/${program.publicId}/sign-in/[A-Za-z0-9]{43}$`))
      const lifetime = Date.parse(expires_at) - before
      expect(lifetime).toBeGreaterThan(119_000)
      expect(lifetime).toBeLessThanOrEqual(121_000)

      const v = visitor(server)
      const first = await v.get(new URL(url).pathname)
      expect(first.status).toBe(303)
      expect(first.headers['set-cookie']?.[0]).toMatch(/HttpOnly; SameSite=Lax/)
      expect((await v.follow(first)).text).toContain('Welcome, Pat Partner')

      const again = await visitor(server).get(new URL(url).pathname)
      expect(again.status).toBe(410)
      expect(again.text).toContain('used already')
    }
  })

  it('cancels the older link when a newer one is minted, and lets a link run out', async () => {
    const { partner } = await partnerWithPassword(server, program.key)
    const older = (await mint({ id: partner.id, expires_in: 30 })).json.data.url
    const newer = (await mint({ id: partner.id, expires_in: 900 })).json.data
    expect(Date.parse(newer.expires_at) - Date.now()).toBeGreaterThan(890_000)
    const replaced = await visitor(server).get(new URL(older).pathname)
    expect(replaced.status).toBe(410)
    expect(replaced.text).toContain('newer link replaced')

    // Expiry without waiting: the stored link's end moves into the past.
    await server.store.db.updateTable('sign_in_tokens').set({ expires_at: Date.now() - 1 }).where('ended', 'is', null).execute()
    const expired = await visitor(server).get(new URL(newer.url).pathname)
    expect(expired.status).toBe(410)
    expect(expired.text).toContain('ran out')
  })

  it('stores the link hashed, never as it is in the URL', async () => {
    const { partner } = await partnerWithPassword(server, program.key)
    const url: string = (await mint({ id: partner.id })).json.data.url
    const token = url.slice(url.lastIndexOf('/') + 1)
    const rows = await server.store.db.selectFrom('sign_in_tokens').select('token_hash').execute()
    expect(rows.length).toBeGreaterThan(0)
    expect(rows.some((r) => r.token_hash.includes(token))).toBe(false)
  })
})
