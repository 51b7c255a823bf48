// `partnerkit serve` (what `npm start` runs): a demo program, its key and its owner's admin link on
// a store's first start only, the API answering with that key, the admin with that link, and a
// clean exit on SIGTERM.
import { describe, expect, it } from 'vitest'
import { freshStore } from '../../test/support/store.js'
import { serveCli } from '../../test/support/cli.js'
import { call } from '../../test/support/client.js'

describe('partnerkit serve', () => {
  it('creates a demo program once, serves it, and shuts down cleanly', async () => {
    const store = await freshStore()
    try {
      const first = await serveCli({ ...store.env, ADMIN_EMAIL: 'boss@acme.example' })
      const key = /pk_live_[A-Za-z0-9]{32}/.exec(first.stdout())?.[0]
      expect(key).toBeDefined()
      expect(first.stdout()).toContain('shown only this once')
      expect(first.stdout()).toContain('Its admin, signed in as boss@acme.example')
      const link = new RegExp(`${first.url}(/admin/sign-in/[A-Za-z0-9]{43})\n`).exec(first.stdout())?.[1]
      expect(link, first.stdout()).toBeDefined()
      const signedIn = await call(first.url, 'GET', link as string, { headers: { accept: 'text/html' } })
      expect(signedIn.status).toBe(303)
      const cookie = (signedIn.headers['set-cookie']?.[0] as string).split(';')[0] as string
      const admin = await call(first.url, 'GET', '/admin', { headers: { accept: 'text/html', cookie } })
      expect(admin.text).toContain('Signed in as <strong>boss@acme.example</strong>')
      expect(admin.text).toContain('your role here: <strong>owner</strong>')
      const program = await call(first.url, 'GET', '/v1/program', { key })
      expect(program.status).toBe(200)
      expect(program.json.data.program).toMatchObject({ name: 'Demo Affiliate Program', type: 'Affiliate' })
      expect((await call(first.url, 'GET', '/healthz')).status).toBe(200)
      expect(await first.stop('SIGTERM')).toBe(0)

      const second = await serveCli(store.env)
      expect(second.stdout()).not.toMatch(/pk_live_/)
      expect(second.stdout()).not.toContain('/admin/sign-in/')
      expect((await call(second.url, 'GET', '/v1/test', { key })).status).toBe(200)
      expect(await second.stop('SIGTERM')).toBe(0)
    } finally {
      await store.drop()
    }
  })
})
