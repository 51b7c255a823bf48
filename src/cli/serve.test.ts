// `partnerkit serve` (what `npm start` runs): a demo program and its key on a store's first start
// only, the API answering with that key, and a clean exit on SIGTERM.
import { describe, expect, it } from 'vitest'
import { freshStore } from '../../test/support/store.js'
import { serveCli } from '../../test/support/cli.js'
import { call } from '../../test/support/client.js'

describe('partnerkit serve', () => {
  it('creates a demo program once, serves it, and shuts down cleanly', async () => {
    const store = await freshStore()
    try {
      const first = await serveCli(store.env)
      const key = /pk_live_[A-Za-z0-9]{32}/.exec(first.stdout())?.[0]
      expect(key).toBeDefined()
      expect(first.stdout()).toContain('shown only this once')
      const program = await call(first.url, 'GET', '/v1/program', { key })
      expect(program.status).toBe(200)
      expect(program.json.data.program).toMatchObject({ name: 'Demo Affiliate Program', type: 'Affiliate' })
      expect((await call(first.url, 'GET', '/healthz')).status).toBe(200)
      expect(await first.stop('SIGTERM')).toBe(0)

      const second = await serveCli(store.env)
      expect(second.stdout()).not.toMatch(/pk_live_/)
      expect((await call(second.url, 'GET', '/v1/test', { key })).status).toBe(200)
      expect(await second.stop('SIGTERM')).toBe(0)
    } finally {
      await store.drop()
    }
  })
})
