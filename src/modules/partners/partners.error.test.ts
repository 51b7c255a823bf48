import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startServer, type TestServer } from '../../../test/support/server.js'
import { countRows, makePartner } from '../../../test/support/partners.js'

let server: TestServer
let p: { id: number; key: string }
beforeAll(async () => {
  server = await startServer()
  p = await server.program()
  await makePartner(server, p.key, { id: 'taken-id', key: 'taken-key', email: 'taken@example.com' })
})
afterAll(() => server.close())

async function nothingWritten<T>(work: () => Promise<T>): Promise<T> {
  const before = await Promise.all([countRows(server, 'partners', p.id), countRows(server, 'referral_links', p.id), countRows(server, 'outbox', p.id)])
  const result = await work()
  const after = await Promise.all([countRows(server, 'partners', p.id), countRows(server, 'referral_links', p.id), countRows(server, 'outbox', p.id)])
  expect(after).toEqual(before)
  return result
}

const WEAK = 'The password must be at least 8 characters long and contain a lower-case letter, an upper-case letter and a digit.'

describe('create refuses bad input with 422, writing nothing', () => {
  const cases: Array<[string, Record<string, unknown>, string, string]> = [
    ['no email', { name: 'X' }, 'email', 'The email field is required.'],
    ['a malformed email', { email: 'not-an-email' }, 'email', 'The email format is invalid.'],
    ['a taken email, in any case', { email: 'TAKEN@example.com' }, 'email', 'The email has already been taken.'],
    ['a taken id', { email: 'new1@example.com', id: 'taken-id' }, 'id', 'The id has already been taken.'],
    ['a taken key', { email: 'new2@example.com', key: 'taken-key' }, 'key', 'The key has already been taken.'],
    ['a key with a space', { email: 'new3@example.com', key: 'a b' }, 'key', 'The key format is invalid.'],
    ['a key with a slash', { email: 'new4@example.com', key: 'a/b' }, 'key', 'The key format is invalid.'],
    ['a key with a non-ASCII letter', { email: 'new5@example.com', key: 'schlüssel' }, 'key', 'The key format is invalid.'],
    ['a key over 64 characters', { email: 'new6@example.com', key: 'k'.repeat(65) }, 'key', 'The key format is invalid.'],
    ['an id with a slash', { email: 'new7@example.com', id: 'a/b' }, 'id', 'The id format is invalid.'],
    ['a short password', { email: 'new8@example.com', password: 'Ab1' }, 'password', WEAK],
    ['a password without upper case', { email: 'new9@example.com', password: 'abcdefg1' }, 'password', WEAK],
    ['a password without a digit', { email: 'new10@example.com', password: 'Abcdefgh' }, 'password', WEAK],
    ['tags that are not a list', { email: 'new11@example.com', tags: { a: 1 } }, 'tags', 'The tags must be an array.'],
    ['an empty tag', { email: 'new12@example.com', tags: [''] }, 'tags.0', 'The tags.0 field is required.'],
    ['a custom field that is an object', { email: 'new13@example.com', custom_fields: { a: { b: 1 } } }, 'custom_fields.a', 'The custom fields.a must be text, a number or true or false.'],
    ['a name over 255 characters', { email: 'new14@example.com', name: 'n'.repeat(256) }, 'name', 'The name may not be greater than 255 characters.'],
    ['an unknown referring partner', { email: 'new15@example.com', referring_partner: { key: 'nobody' } }, 'referring_partner', 'The referring partner was not found.'],
    ['a referring partner named by nothing', { email: 'new16@example.com', referring_partner: {} }, 'referring_partner', 'The referring_partner must be named by id, key or email.'],
  ]
  for (const [what, body, field, message] of cases) {
    it(`refuses ${what}`, async () => {
      const res = await nothingWritten(() => server.post('/v1/partners', { key: p.key, body }))
      expect(res.status, res.text).toBe(422)
      expect(res.json.errors[field], res.text).toContain(message)
    })
  }

  it('reports the id, email and key clashes together', async () => {
    const res = await server.post('/v1/partners', { key: p.key, body: { email: 'taken@example.com', id: 'taken-id', key: 'taken-key' } })
    expect(Object.keys(res.json.errors).sort()).toEqual(['email', 'id', 'key'])
  })
})

describe('look-ups answer 404 "Partner not found" for a missing partner', () => {
  it('on every path form', async () => {
    for (const [method, path] of [
      ['GET', '/v1/partners/nobody'], ['PUT', '/v1/partners/nobody'], ['DELETE', '/v1/partners/nobody'],
      ['POST', '/v1/partners/nobody/archive'], ['POST', '/v1/partners/nobody/revoke-archive'],
      ['POST', '/v1/partners/nobody/approve'], ['POST', '/v1/partners/nobody/reject'], ['GET', '/v1/partners/nobody/referral_links'],
    ] as const) {
      const res = await server.request(method, path, { key: p.key, body: { name: 'x' } })
      expect(res.status, `${method} ${path}`).toBe(404)
      expect(res.json).toEqual({ message: 'Partner not found', code: 'not_found', status: 0 })
    }
  })

  it('on the body forms, and 422 when the body names no partner', async () => {
    expect((await server.put('/v1/partners', { key: p.key, body: { key: 'nobody', update: { name: 'x' } } })).status).toBe(404)
    expect((await server.delete('/v1/partners', { key: p.key, body: { email: 'nobody@example.com' } })).status).toBe(404)
    expect((await server.get('/v1/partner?id=nobody', { key: p.key })).status).toBe(404)
    const unnamed = await server.delete('/v1/partners', { key: p.key, body: [] })
    expect(unnamed.status).toBe(422)
    expect(unnamed.json.errors).toHaveProperty('partner')
    expect((await server.put('/v1/partner', { key: p.key, body: { update: { name: 'x' } } })).status).toBe(422)
  })
})

describe('update refuses bad input with 422 and changes nothing', () => {
  it('refuses another partner\'s email or key, a weak password, a bad key', async () => {
    const partner = await makePartner(server, p.key)
    const before = (await server.get(`/v1/partners/${partner.id}`, { key: p.key })).json
    for (const [update, field] of [
      [{ email: 'taken@example.com' }, 'email'], [{ key: 'taken-key' }, 'key'], [{ password: 'weak' }, 'password'],
      [{ key: 'bad key' }, 'key'], [{ email: 'nope' }, 'email'], [{ tags: { a: 1 } }, 'tags'],
    ] as const) {
      const res = await server.put(`/v1/partners/${partner.id}`, { key: p.key, body: { update } })
      expect(res.status, JSON.stringify(update)).toBe(422)
      // Input-shape errors name the path as sent (update.key); rule errors name the field (key).
      expect(Object.keys(res.json.errors), res.text).toContainEqual(expect.stringMatching(new RegExp(`^(update\\.)?${field}$`)))
    }
    expect((await server.get(`/v1/partners/${partner.id}`, { key: p.key })).json).toEqual(before)
  })

  it('lets a partner keep its own email in another case', async () => {
    const partner = await makePartner(server, p.key, { email: 'case@example.com' })
    const res = await server.put(`/v1/partners/${partner.id}`, { key: p.key, body: { email: 'CASE@example.com' } })
    expect(res.status).toBe(200)
    expect(res.json.data.email).toBe('CASE@example.com')
  })
})

describe('status actions out of order answer 400 naming the state', () => {
  it('refuses double archive, restoring the unarchived, double approval and rejection, and acting on the archived', async () => {
    const partner = await makePartner(server, p.key)
    const act = (action: string) => server.post(`/v1/partners/${partner.id}/${action}`, { key: p.key })
    expect((await act('approve')).json).toMatchObject({ message: 'The partner is already approved.', status: 0 })
    expect((await act('revoke-archive')).json).toMatchObject({ message: 'The partner is not archived (status: active).', code: 'not_archived' })
    expect((await act('archive')).status).toBe(200)
    const twice = await act('archive')
    expect(twice.status).toBe(400)
    expect(twice.json.code).toBe('already_archived')
    expect((await act('approve')).status).toBe(400)
    expect((await act('reject')).status).toBe(400)
    expect((await act('revoke-archive')).status).toBe(200)
    expect((await act('reject')).status).toBe(200)
    expect((await act('reject')).json.code).toBe('already_rejected')
  })
})

describe('partners belong to affiliate programs', () => {
  it('answers 400 on a refer-a-friend or newsletter key', async () => {
    for (const type of ['referral', 'newsletter'] as const) {
      const other = await server.program({ type })
      for (const [method, path] of [['GET', '/v1/partners'], ['POST', '/v1/partners'], ['GET', '/v1/partners/x'], ['GET', '/v1/partner_referral_links:domains']] as const) {
        const res = await server.request(method, path, { key: other.key, body: { email: 'a@example.com' } })
        expect(res.status, `${type} ${method} ${path}`).toBe(400)
        expect(res.json.code).toBe('wrong_program_type')
      }
    }
  })
})
