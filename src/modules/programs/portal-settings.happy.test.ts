import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startServer, type TestServer } from '../../../test/support/server.js'
import { programByPortalDomain } from './service.js'

let server: TestServer
beforeAll(async () => {
  server = await startServer()
})
afterAll(() => server.close())

async function portalSettings(key: string) {
  return (await server.get('/v1/program', { key })).json.data.portal_settings
}

describe('the partner portal settings (extensions)', () => {
  it('shows the defaults on a new affiliate program', async () => {
    const p = await server.program()
    expect(await portalSettings(p.key)).toMatchObject({
      portal_domain: null,
      brand_color: '#1d4ed8',
      custom_link_keys_enabled: true,
      show_customer_emails: false,
      payout_requests_enabled: true,
      terms_url: null,
      signup_fields: [],
    })
  })

  it('gives the defaults to a program stored before the settings existed', async () => {
    const p = await server.program()
    await server.store.db.updateTable('programs')
      .set({ settings: JSON.stringify({ portal: { registration_disabled: true } }) }).where('id', '=', p.id).execute()
    expect(await portalSettings(p.key)).toMatchObject({
      registration_disabled: true, brand_color: '#1d4ed8', payout_requests_enabled: true, signup_fields: [], portal_domain: null,
    })
  })

  it('sets each setting and reads it back, leaving the others as they were', async () => {
    const p = await server.program()
    const sets: Array<[string, unknown, unknown]> = [
      ['portal_domain', 'Partners.Example.COM', 'partners.example.com'],
      ['brand_color', '#A1B2C3', '#a1b2c3'],
      ['custom_link_keys_enabled', false, false],
      ['show_customer_emails', true, true],
      ['payout_requests_enabled', false, false],
      ['terms_url', 'https://shop.example.com/partner-terms?v=2', 'https://shop.example.com/partner-terms?v=2'],
      ['signup_fields', [{ key: 'website', label: 'Your website', required: true }, { key: 'audience_size', label: 'How many followers?' }],
        [{ key: 'website', label: 'Your website', required: true }, { key: 'audience_size', label: 'How many followers?', required: false }]],
    ]
    const expected: Record<string, unknown> = await portalSettings(p.key)
    for (const [name, value, stored] of sets) {
      const res = await server.put('/v1/program', { key: p.key, body: { portal_settings: { [name]: value } } })
      expect(res.status, name).toBe(200)
      expected[name] = stored
      expect(await portalSettings(p.key), name).toEqual(expected)
    }
  })

  it('replaces the signup fields with the list sent; [] clears them', async () => {
    const p = await server.program()
    await server.put('/v1/program', { key: p.key, body: { portal_settings: { signup_fields: [{ key: 'a', label: 'A' }, { key: 'b', label: 'B' }] } } })
    await server.put('/v1/program', { key: p.key, body: { portal_settings: { signup_fields: [{ key: 'c', label: 'C', required: true }] } } })
    expect((await portalSettings(p.key)).signup_fields).toEqual([{ key: 'c', label: 'C', required: true }])
    await server.put('/v1/program', { key: p.key, body: { portal_settings: { signup_fields: [] } } })
    expect((await portalSettings(p.key)).signup_fields).toEqual([])
  })

  it('takes all settings in one request, and announces them with program.updated', async () => {
    const p = await server.program()
    const res = await server.put('/v1/program', {
      key: p.key,
      body: { portal_settings: { portal_domain: 'join.acme.example', brand_color: '#000000', show_customer_emails: true, registration_disabled: true } },
    })
    expect(res.status).toBe(200)
    const events = (await server.get('/v1/events', { key: p.key })).json.data
    expect(events[0]).toMatchObject({
      type: 'program.updated',
      data: { portal_settings: { portal_domain: 'join.acme.example', brand_color: '#000000', show_customer_emails: true, registration_disabled: true } },
    })
  })

  it('lets a program send its own domain again', async () => {
    const p = await server.program()
    await server.put('/v1/program', { key: p.key, body: { portal_settings: { portal_domain: 'again.example.com' } } })
    const res = await server.put('/v1/program', { key: p.key, body: { portal_settings: { portal_domain: 'AGAIN.example.com' } } })
    expect(res.status).toBe(200)
    expect((await portalSettings(p.key)).portal_domain).toBe('again.example.com')
  })

  it('frees the old domain for another program when a program moves to a new one', async () => {
    const a = await server.program()
    const b = await server.program()
    await server.put('/v1/program', { key: a.key, body: { portal_settings: { portal_domain: 'moving.example.com' } } })
    await server.put('/v1/program', { key: a.key, body: { portal_settings: { portal_domain: 'moved.example.com' } } })
    const res = await server.put('/v1/program', { key: b.key, body: { portal_settings: { portal_domain: 'moving.example.com' } } })
    expect(res.status).toBe(200)
    expect((await programByPortalDomain(server.store.db, 'moving.example.com'))?.id).toBe(b.id)
  })

  it('shows none of them on refer-a-friend and newsletter programs', async () => {
    for (const type of ['referral', 'newsletter'] as const) {
      const p = await server.program({ type })
      const s = await portalSettings(p.key)
      for (const name of ['portal_domain', 'brand_color', 'signup_fields', 'terms_url']) expect(s, `${type} ${name}`).not.toHaveProperty(name)
    }
  })
})

describe('programByPortalDomain', () => {
  it('finds the program by its portal domain in any case', async () => {
    const p = await server.program({ name: 'Portal Owner' })
    await server.put('/v1/program', { key: p.key, body: { portal_settings: { portal_domain: 'Find-Me.Example.com' } } })
    for (const host of ['find-me.example.com', 'FIND-ME.EXAMPLE.COM', 'Find-Me.Example.Com']) {
      const found = await programByPortalDomain(server.store.db, host)
      expect(found?.id, host).toBe(p.id)
      expect(found?.name).toBe('Portal Owner')
      expect(found?.settings.portal.portal_domain).toBe('find-me.example.com')
    }
  })

  it('finds nothing for a domain no program uses, or only part of one', async () => {
    const p = await server.program()
    await server.put('/v1/program', { key: p.key, body: { portal_settings: { portal_domain: 'whole.example.com' } } })
    for (const host of ['nobody.example.com', 'example.com', 'whole.example.com.evil.test', 'hole.example.com', '%', '', 'a\u0000b']) {
      expect(await programByPortalDomain(server.store.db, host), host).toBeUndefined()
    }
  })
})
