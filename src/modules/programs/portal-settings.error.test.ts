import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startServer, type TestServer } from '../../../test/support/server.js'
import { programByPortalDomain } from './service.js'

let server: TestServer
beforeAll(async () => {
  server = await startServer()
})
afterAll(() => server.close())

async function snapshot(key: string) {
  return (await server.get('/v1/program', { key })).json.data
}

const field = (n: number) => ({ key: `q${n}`, label: `Question ${n}` })
const label = (i: number, what: string) => `portal_settings.signup_fields.${i}.${what}`

// [what, portal_settings sent, field named, message]
const CASES: Array<[string, Record<string, unknown>, string, string]> = [
  ['a domain with a scheme', { portal_domain: 'https://partners.example.com' }, 'portal_settings.portal_domain', 'The portal settings.portal domain format is invalid.'],
  ['a domain with a port', { portal_domain: 'partners.example.com:8443' }, 'portal_settings.portal_domain', 'The portal settings.portal domain format is invalid.'],
  ['a domain with a path', { portal_domain: 'partners.example.com/portal' }, 'portal_settings.portal_domain', 'The portal settings.portal domain format is invalid.'],
  ['a domain with a trailing dot', { portal_domain: 'partners.example.com.' }, 'portal_settings.portal_domain', 'The portal settings.portal domain format is invalid.'],
  ['a single-label domain', { portal_domain: 'partners' }, 'portal_settings.portal_domain', 'The portal settings.portal domain format is invalid.'],
  ['a domain label starting with a hyphen', { portal_domain: '-partners.example.com' }, 'portal_settings.portal_domain', 'The portal settings.portal domain format is invalid.'],
  ['a domain label over 63 characters', { portal_domain: `${'a'.repeat(64)}.example.com` }, 'portal_settings.portal_domain', 'The portal settings.portal domain format is invalid.'],
  ['a domain with a space', { portal_domain: 'part ners.example.com' }, 'portal_settings.portal_domain', 'The portal settings.portal domain format is invalid.'],
  ['a domain that is not ASCII', { portal_domain: 'pärtners.example.com' }, 'portal_settings.portal_domain', 'The portal settings.portal domain format is invalid.'],
  ['a domain over 253 characters', { portal_domain: `${`${'a'.repeat(60)}.`.repeat(4)}example.com` }, 'portal_settings.portal_domain', 'The portal settings.portal domain may not be greater than 253 characters.'],
  ['a domain that is a number', { portal_domain: 42 }, 'portal_settings.portal_domain', 'The portal settings.portal domain format is invalid.'],
  ['a colour name', { brand_color: 'blue' }, 'portal_settings.brand_color', 'The portal settings.brand color format is invalid.'],
  ['a short hex colour', { brand_color: '#fff' }, 'portal_settings.brand_color', 'The portal settings.brand color format is invalid.'],
  ['a colour without #', { brand_color: '1d4ed8' }, 'portal_settings.brand_color', 'The portal settings.brand color format is invalid.'],
  ['a colour with alpha', { brand_color: '#1d4ed8ff' }, 'portal_settings.brand_color', 'The portal settings.brand color format is invalid.'],
  ['a colour that is not hex', { brand_color: '#12345g' }, 'portal_settings.brand_color', 'The portal settings.brand color format is invalid.'],
  ['custom link keys that are not a boolean', { custom_link_keys_enabled: 'perhaps' }, 'portal_settings.custom_link_keys_enabled', 'The portal settings.custom link keys enabled field must be true or false.'],
  ['customer emails that are not a boolean', { show_customer_emails: 'yes' }, 'portal_settings.show_customer_emails', 'The portal settings.show customer emails field must be true or false.'],
  ['payout requests that are not a boolean', { payout_requests_enabled: { on: true } }, 'portal_settings.payout_requests_enabled', 'The portal settings.payout requests enabled field must be true or false.'],
  ['terms that are not a URL', { terms_url: 'see our site' }, 'portal_settings.terms_url', 'The portal settings.terms url format is invalid.'],
  ['terms on a relative URL', { terms_url: '/terms' }, 'portal_settings.terms_url', 'The portal settings.terms url format is invalid.'],
  ['terms on ftp', { terms_url: 'ftp://example.com/terms.pdf' }, 'portal_settings.terms_url', 'The portal settings.terms url format is invalid.'],
  ['terms on javascript:', { terms_url: 'javascript:alert(1)' }, 'portal_settings.terms_url', 'The portal settings.terms url format is invalid.'],
  ['terms over 2000 characters', { terms_url: `https://example.com/${'t'.repeat(1981)}` }, 'portal_settings.terms_url', 'The portal settings.terms url may not be greater than 2000 characters.'],
  ['signup fields that are not objects', { signup_fields: ['website'] }, 'portal_settings.signup_fields.0', 'The portal settings.signup fields.0 must be an object.'],
  ['more than 10 signup fields', { signup_fields: Array.from({ length: 11 }, (_, i) => field(i)) }, 'portal_settings.signup_fields', 'The portal settings.signup fields may not have more than 10 items.'],
  ['a signup field without a key', { signup_fields: [{ label: 'Website' }] }, label(0, 'key'), 'The portal settings.signup fields.0.key field is required.'],
  ['a signup key in upper case', { signup_fields: [{ key: 'Website', label: 'Website' }] }, label(0, 'key'), 'The portal settings.signup fields.0.key format is invalid.'],
  ['a signup key starting with a digit', { signup_fields: [{ key: '1st', label: 'First' }] }, label(0, 'key'), 'The portal settings.signup fields.0.key format is invalid.'],
  ['a signup key with a hyphen', { signup_fields: [{ key: 'web-site', label: 'Website' }] }, label(0, 'key'), 'The portal settings.signup fields.0.key format is invalid.'],
  ['a signup key over 40 characters', { signup_fields: [{ key: `k${'e'.repeat(40)}`, label: 'Long' }] }, label(0, 'key'), 'The portal settings.signup fields.0.key format is invalid.'],
  ['two signup fields with one key', { signup_fields: [field(1), field(2), { key: 'q1', label: 'Again' }] }, label(2, 'key'), 'The portal settings.signup fields.2.key field has a duplicate value.'],
  ['a signup field without a label', { signup_fields: [{ key: 'website' }] }, label(0, 'label'), 'The portal settings.signup fields.0.label field is required.'],
  ['an empty signup label', { signup_fields: [{ key: 'website', label: '' }] }, label(0, 'label'), 'The portal settings.signup fields.0.label field is required.'],
  ['a blank signup label', { signup_fields: [{ key: 'website', label: '   ' }] }, label(0, 'label'), 'The portal settings.signup fields.0.label format is invalid.'],
  ['a signup label over 100 characters', { signup_fields: [{ key: 'website', label: 'x'.repeat(101) }] }, label(0, 'label'), 'The portal settings.signup fields.0.label may not be greater than 100 characters.'],
  ['a signup required flag that is not a boolean', { signup_fields: [{ key: 'website', label: 'Website', required: 'maybe' }] }, label(0, 'required'), 'The portal settings.signup fields.0.required field must be true or false.'],
  ['a signup field with an unknown member', { signup_fields: [{ key: 'website', label: 'Website', type: 'url' }] }, label(0, 'type'), 'The portal settings.signup fields.0.type field is not recognised.'],
]

describe('PUT /v1/program refuses bad portal settings with 422 and changes nothing', () => {
  for (const [what, portal, name, message] of CASES) {
    it(`refuses ${what}`, async () => {
      const p = await server.program()
      const before = await snapshot(p.key)
      // A good setting beside the bad one is not saved either.
      const res = await server.put('/v1/program', { key: p.key, body: { name: 'Renamed', portal_settings: { registration_disabled: true, ...portal } } })
      expect(res.status).toBe(422)
      expect(res.headers['content-type']).toBe('application/json')
      expect(res.json).toMatchObject({ message: 'The given data was invalid.', code: 'validation_failed', status: 0 })
      expect(res.json.errors[name]).toContain(message)
      expect(await snapshot(p.key)).toEqual(before)
      expect((await server.get('/v1/events', { key: p.key })).json.data).toEqual([])
    })
  }

  it('reports every bad portal setting at once', async () => {
    const p = await server.program()
    const res = await server.put('/v1/program', { key: p.key, body: { portal_settings: { brand_color: 'red', terms_url: 'nope', portal_domain: 'x' } } })
    expect(res.status).toBe(422)
    expect(Object.keys(res.json.errors).sort()).toEqual(['portal_settings.brand_color', 'portal_settings.portal_domain', 'portal_settings.terms_url'])
  })

  it('refuses the portal settings on refer-a-friend and newsletter programs', async () => {
    for (const type of ['referral', 'newsletter'] as const) {
      const p = await server.program({ type })
      const before = await snapshot(p.key)
      const res = await server.put('/v1/program', { key: p.key, body: { portal_settings: { brand_color: '#000000', portal_domain: `${type}.example.com` } } })
      expect(res.status).toBe(422)
      expect(res.json.errors['portal_settings.brand_color']).toEqual([`The portal settings.brand color setting is not available for ${type} programs.`])
      expect(res.json.errors).toHaveProperty(['portal_settings.portal_domain'])
      expect(await snapshot(p.key)).toEqual(before)
      expect(await programByPortalDomain(server.store.db, `${type}.example.com`)).toBeUndefined()
    }
  })
})

describe('a portal domain belongs to one program', () => {
  it('refuses a domain another program uses, in any case, and changes nothing', async () => {
    const owner = await server.program()
    const other = await server.program()
    expect((await server.put('/v1/program', { key: owner.key, body: { portal_settings: { portal_domain: 'taken.example.com' } } })).status).toBe(200)
    for (const domain of ['taken.example.com', 'TAKEN.Example.com']) {
      const before = await snapshot(other.key)
      const res = await server.put('/v1/program', { key: other.key, body: { portal_settings: { portal_domain: domain, brand_color: '#000000' } } })
      expect(res.status, domain).toBe(422)
      expect(res.json).toMatchObject({ message: 'The given data was invalid.', code: 'validation_failed', status: 0 })
      expect(res.json.errors['portal_settings.portal_domain']).toEqual(['The portal settings.portal domain is already used by another program.'])
      expect(await snapshot(other.key)).toEqual(before)
    }
    expect((await server.get('/v1/events', { key: other.key })).json.data).toEqual([])
    expect((await programByPortalDomain(server.store.db, 'taken.example.com'))?.id).toBe(owner.id)
  })

  it('gives a domain to one of two programs claiming it at the same time', async () => {
    const a = await server.program()
    const b = await server.program()
    const body = { portal_settings: { portal_domain: 'race.example.com' } }
    const answers = await Promise.all([server.put('/v1/program', { key: a.key, body }), server.put('/v1/program', { key: b.key, body })])
    expect(answers.map((r) => r.status).sort()).toEqual([200, 422])
    const winner = answers[0]?.status === 200 ? a : b
    expect((await programByPortalDomain(server.store.db, 'race.example.com'))?.id).toBe(winner.id)
  })
})
