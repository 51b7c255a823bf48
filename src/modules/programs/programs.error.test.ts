import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startServer, type TestServer } from '../../../test/support/server.js'

let server: TestServer
beforeAll(async () => {
  server = await startServer()
})
afterAll(() => server.close())

async function snapshot(key: string) {
  return (await server.get('/v1/program', { key })).json.data
}

describe('PUT /v1/program refuses bad input with 422 and changes nothing', () => {
  const cases: Array<[string, unknown, string, string]> = [
    ['a website that is not a URL', { website: 'not a url' }, 'website', 'The website format is invalid.'],
    ['a javascript: website', { website: 'javascript:alert(1)' }, 'website', 'The website format is invalid.'],
    ['a name over 255 characters', { name: 'x'.repeat(256) }, 'name', 'The name may not be greater than 255 characters.'],
    ['a name that is not text', { name: { first: 'a' } }, 'name', 'The name must be a string.'],
    ['an unknown currency', { program_settings: { currency: 'XYZ' } }, 'program_settings.currency', 'The program settings.currency format is invalid.'],
    ['a currency of the wrong length', { program_settings: { currency: 'US' } }, 'program_settings.currency', 'The program settings.currency format is invalid.'],
    ['a cookie lifetime of 0', { program_settings: { cookie_lifetime: 0 } }, 'program_settings.cookie_lifetime', 'The program settings.cookie lifetime must be at least 1.'],
    ['a cookie lifetime over 9 999 999', { program_settings: { cookie_lifetime: 10_000_000 } }, 'program_settings.cookie_lifetime', 'The program settings.cookie lifetime may not be greater than 9999999.'],
    ['a cookie lifetime that is not a number', { program_settings: { cookie_lifetime: 'soon' } }, 'program_settings.cookie_lifetime', 'The program settings.cookie lifetime must be an integer.'],
    ['a flag that is not a boolean', { portal_settings: { widget_enabled: 'perhaps' } }, 'portal_settings.widget_enabled', 'The portal settings.widget enabled field must be true or false.'],
    ['an unknown setting', { program_settings: { colour: 'blue' } }, 'program_settings.colour', 'The program settings.colour field is not recognised.'],
    ['a refer-a-friend setting on an affiliate program', { program_settings: { referral_portal_enabled: false } }, 'program_settings.referral_portal_enabled', 'The program settings.referral portal enabled setting is not available for affiliate programs.'],
    ['a portal flag of another program type', { portal_settings: { popup_form_enabled: true } }, 'portal_settings.popup_form_enabled', 'The portal settings.popup form enabled setting is not available for affiliate programs.'],
    ['settings that are not an object', { program_settings: 'cheap' }, 'program_settings', 'The program settings must be an object.'],
  ]
  for (const [what, body, field, message] of cases) {
    it(`refuses ${what}`, async () => {
      const p = await server.program()
      const before = await snapshot(p.key)
      const res = await server.put('/v1/program', { key: p.key, body })
      expect(res.status).toBe(422)
      expect(res.headers['content-type']).toBe('application/json')
      expect(res.json).toMatchObject({ message: 'The given data was invalid.', code: 'validation_failed', status: 0 })
      expect(res.json.errors[field]).toContain(message)
      expect(await snapshot(p.key)).toEqual(before)
      expect((await server.get('/v1/events', { key: p.key })).json.data).toEqual([])
    })
  }

  it('reports every bad field at once', async () => {
    const p = await server.program()
    const res = await server.put('/v1/program', { key: p.key, body: { website: 'nope', program_settings: { cookie_lifetime: -1 } } })
    expect(res.status).toBe(422)
    expect(Object.keys(res.json.errors).sort()).toEqual(['program_settings.cookie_lifetime', 'website'])
  })

  it('refuses refer-a-friend settings through PUT /v1/settings on an affiliate program', async () => {
    const p = await server.program()
    const res = await server.put('/v1/settings', { key: p.key, body: { settings: { rewards_notification_enabled: true } } })
    expect(res.status).toBe(422)
    expect(res.json.errors).toHaveProperty(['program_settings.rewards_notification_enabled'])
  })
})

describe('DELETE /v1/program refuses a wrong or stale code', () => {
  it('keeps the program when the code does not match', async () => {
    const p = await server.program()
    await server.delete('/v1/program', { key: p.key })
    const res = await server.delete('/v1/program', { key: p.key, body: { confirmation_code: 'WRONG123' } })
    expect(res.status).toBe(422)
    expect(res.json.errors.confirmation_code[0]).toMatch(/invalid or has expired/)
    expect((await server.get('/v1/program', { key: p.key })).status).toBe(200)
  })

  it('keeps the program when the code has expired (20 s)', async () => {
    const p = await server.program()
    const { confirmation_code } = (await server.delete('/v1/program', { key: p.key })).json.data
    await server.store.db.updateTable('programs').set({ delete_code_expires_at: Date.now() - 1 }).where('id', '=', p.id).execute()
    const res = await server.delete('/v1/program', { key: p.key, body: { confirmation_code } })
    expect(res.status).toBe(422)
    expect((await server.get('/v1/program', { key: p.key })).status).toBe(200)
  })

  it('refuses a code when none was asked for', async () => {
    const p = await server.program()
    const res = await server.delete('/v1/program', { key: p.key, body: { confirmation_code: 'AAAAAAAA' } })
    expect(res.status).toBe(422)
    expect((await server.get('/v1/program', { key: p.key })).status).toBe(200)
  })

  it('a new code replaces the previous one', async () => {
    const p = await server.program()
    const first = (await server.delete('/v1/program', { key: p.key })).json.data.confirmation_code
    await server.delete('/v1/program', { key: p.key })
    const res = await server.delete('/v1/program', { key: p.key, body: { confirmation_code: first } })
    expect(res.status).toBe(422)
  })
})
