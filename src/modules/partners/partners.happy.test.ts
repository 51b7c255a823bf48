import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startServer, type TestServer } from '../../../test/support/server.js'
import { seedJson, shapeDifferences } from '../../../test/support/seeds.js'
import { eventsOf, makePartner } from '../../../test/support/partners.js'

let server: TestServer
beforeAll(async () => {
  server = await startServer()
})
afterAll(() => server.close())

describe('seeds 000 and 002 from real API calls', () => {
  it('builds the seed partner and links and answers them key by key and type by type', async () => {
    const p = await server.program({ website: 'https://yourcompany.com' })
    const created = await server.post('/v1/partners', {
      key: p.key,
      body: { email: 'john@example.com', name: 'John', surname: 'Doe', id: 'partner_123', key: 'ref_123', tags: ['premium'] },
    })
    expect(created.status).toBe(201)
    const link = await server.post('/v1/partner_referral_links', { key: p.key, body: { key: 'ref_456', partner: { id: 'partner_123' } } })
    expect(link.status).toBe(201)

    // The stats counters as the tracking and transaction issues will feed them.
    const row = await server.store.db.selectFrom('partners').select('id').where('public_id', '=', 'partner_123').executeTakeFirstOrThrow()
    await server.store.db.updateTable('partners').set({ clicks: 150, signups: 12, sales_count: 8, paid_accounts: 5, referrals_count: 12 })
      .where('id', '=', row.id).execute()
    await server.store.db.insertInto('partner_amounts').values([
      { program_id: p.id, partner_id: row.id, metric: 'revenue', currency: 'USD', value: 1_250_000_000 },
      { program_id: p.id, partner_id: row.id, metric: 'commissions.paid', currency: 'USD', value: 375_000_000 },
      { program_id: p.id, partner_id: row.id, metric: 'commissions.pending', currency: 'USD', value: 125_000_000 },
      { program_id: p.id, partner_id: row.id, metric: 'commissions.not_paid', currency: 'USD', value: 50_000_000 },
    ]).execute()

    const got = await server.get('/v1/partners/partner_123', { key: p.key })
    const seed = seedJson('partner') as { data: Record<string, unknown> }
    expect(shapeDifferences(got.json, seed)).toEqual([])
    const { email: _e, created_at: _c, updated_at: _u, referral_links: _l, ...values } = got.json.data
    const { email: _se, created_at: _sc, updated_at: _su, referral_links: _sl, ...seedValues } = seed.data
    expect(values).toEqual(seedValues)
    expect(got.json.data.referral_links).toEqual(['https://yourcompany.com?aff=ref_123', 'https://yourcompany.com?aff=ref_456'])
    expect(got.json.data.created_at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/)

    const links = await server.get('/v1/partners/partner_123/referral_links', { key: p.key })
    const seedLinks = seedJson('referral-links') as { data: unknown[] }
    expect(shapeDifferences({ data: links.json.data, status: links.json.status }, seedLinks)).toEqual([])
    expect(links.json.data).toEqual([
      { id: 'ref_123', key: 'ref_123', url: 'https://yourcompany.com?aff=ref_123', default: true, is_additional: false, direct_tracking: false, direct_tracking_redirect: false, direct_tracking_redirect_url: null, tracking_url: `${server.url}/r/ref_123?program=${p.publicId}` },
      { id: 'ref_456', key: 'ref_456', url: 'https://yourcompany.com?aff=ref_456', default: false, is_additional: false, direct_tracking: false, direct_tracking_redirect: false, direct_tracking_redirect_url: null, tracking_url: `${server.url}/r/ref_456?program=${p.publicId}` },
    ])
  })
})

describe('create', () => {
  it('generates id and key when absent, approves by default, and announces partner.created with the GET shape', async () => {
    const p = await server.program()
    const res = await server.post('/v1/partners', { key: p.key, body: { email: 'Ann@Example.com', id: null, key: null } })
    expect(res.status).toBe(201)
    const partner = res.json.data
    expect(partner.id).toMatch(/^[a-z0-9]{12}$/)
    expect(partner.referral_link).toMatch(/^https:\/\/shop\.example\.com\?aff=[a-z0-9]{12}$/)
    expect(partner).toMatchObject({ email: 'Ann@Example.com', status: 'active', approved: true, tos: false, name: null, tags: [] })
    const events = await eventsOf(server, p.id)
    expect(events.map((e) => e.type)).toEqual(['partner.created'])
    expect(events[0]?.data).toEqual((await server.get(`/v1/partners/${partner.id}`, { key: p.key })).json.data)
    expect(JSON.stringify(events)).not.toMatch(/password/)
  })

  it('keeps tags, custom fields and tos, and links a referring partner by id, key or email', async () => {
    const p = await server.program()
    const boss = await makePartner(server, p.key, { id: 'boss', key: 'boss-key' })
    for (const referring of [{ id: 'boss' }, { key: 'boss-key' }, { email: boss.email.toUpperCase() }]) {
      const res = await server.post('/v1/partners', {
        key: p.key,
        body: { email: `r${Math.random()}@example.com`, tags: ['a', 'b', 'a'], custom_fields: { company: 'ACME', seats: 3 }, tos: true, referring_partner: referring },
      })
      expect(res.status, JSON.stringify(referring)).toBe(201)
      expect(res.json.data.tags).toEqual([{ value: 'a' }, { value: 'b' }])
      expect(res.json.data.custom_fields).toEqual([{ key: 'company', value: 'ACME' }, { key: 'seats', value: 3 }])
      expect(res.json.data.custom_field_values).toEqual(['ACME', 3])
      expect(res.json.data.tos).toBe(true)
    }
  })

  it('accepts the legacy singular POST /v1/partner', async () => {
    const p = await server.program()
    const res = await server.post('/v1/partner', { key: p.key, body: { email: 'legacy@example.com', key: 'legacy' } })
    expect(res.status).toBe(201)
    expect(res.json.data.referral_link).toBe('https://shop.example.com?aff=legacy')
  })

  it('waits for approval when the program does not auto-approve', async () => {
    const p = await server.program()
    await server.put('/v1/program', { key: p.key, body: { program_settings: { partner_auto_approve: false } } })
    const partner = await makePartner(server, p.key)
    expect(partner).toMatchObject({ status: 'pending', approved: false })
  })

  it('gives exactly one of many racing creates the email', async () => {
    const p = await server.program()
    const answers = await Promise.all(Array.from({ length: 8 }, () => server.post('/v1/partners', { key: p.key, body: { email: 'race@example.com' } })))
    expect(answers.filter((a) => a.status === 201)).toHaveLength(1)
    for (const a of answers.filter((x) => x.status !== 201)) {
      expect(a.status).toBe(422)
      expect(a.json.errors.email).toEqual(['The email has already been taken.'])
    }
  })
})

describe('get', () => {
  it('finds a partner by id, by any referral key, and through the legacy /v1/partner', async () => {
    const p = await server.program()
    const partner = await makePartner(server, p.key, { id: 'pid-1', key: 'main-key' })
    await server.post('/v1/partner_referral_links', { key: p.key, body: { key: 'second-key', partner: { id: 'pid-1' } } })
    for (const ref of ['pid-1', 'main-key', 'second-key']) {
      const res = await server.get(`/v1/partners/${ref}`, { key: p.key })
      expect(res.status, ref).toBe(200)
      expect(res.json.data.id).toBe('pid-1')
    }
    expect((await server.get('/v1/partner?key=second-key', { key: p.key })).json.data.id).toBe('pid-1')
    expect((await server.get('/v1/partner', { key: p.key, body: { email: partner.email } })).json.data.id).toBe('pid-1')
    expect((await server.get('/v1/partner', { key: p.key, body: { id: 'pid-1' } })).json.data.email).toBe(partner.email)
  })
})

describe('list and search', () => {
  it('lists newest first, pages, and sorts ascending on request (limit in a GET body, as PHP sends it)', async () => {
    const p = await server.program()
    const made = []
    for (let i = 0; i < 5; i++) made.push(await makePartner(server, p.key))
    const first = await server.get('/v1/partners', { key: p.key, body: { limit: 2 } })
    expect(first.json.data.map((x: { id: string }) => x.id)).toEqual([made[4].id, made[3].id])
    expect(first.json.links.next).toBe(`${server.url}/v1/partners?limit=2&page=2`)
    expect(first.json.data[0]).toEqual({
      id: made[4].id, key: expect.any(String), email: made[4].email, name: made[4].name, surname: null, approved: true,
      status: 'active', custom_fields: [], referral_link: made[4].referral_link, created_at: made[4].created_at, updated_at: made[4].updated_at,
    })
    // The plain list takes no search filters, whatever the body carries.
    const unfiltered = await server.get('/v1/partners', { key: p.key, body: { limit: 250, name: 5, email: 'nobody' } })
    expect(unfiltered.status).toBe(200)
    expect(unfiltered.json.data).toHaveLength(5)
    const asc = await server.get('/v1/partners?sort=asc&limit=250', { key: p.key })
    expect(asc.json.data.map((x: { id: string }) => x.id)).toEqual(made.map((m) => m.id))
  })

  it('searches by id, any referral key, email and name, partially and ignoring case', async () => {
    const p = await server.program()
    const jane = await makePartner(server, p.key, { id: 'jane-01', key: 'jane-main', email: 'jane.smith@acme.io', name: 'Jane', surname: 'Smith' })
    await makePartner(server, p.key, { id: 'bob-01', key: 'bob-main', email: 'bob@other.io', name: 'Bob', surname: '100%' })
    await server.post('/v1/partner_referral_links', { key: p.key, body: { key: 'spring-sale', partner: { id: 'jane-01' } } })
    const search = async (q: string) => (await server.get(`/v1/partners:search?${q}`, { key: p.key })).json.data.map((x: { id: string }) => x.id)
    expect(await search('id=JANE')).toEqual(['jane-01'])
    expect(await search('key=SPRING')).toEqual(['jane-01'])
    expect(await search('email=acme')).toEqual(['jane-01'])
    expect(await search('name=smi')).toEqual(['jane-01'])
    expect(await search('name=jane%20smith')).toEqual(['jane-01'])
    expect(await search('name=100%25')).toEqual(['bob-01'])
    expect(await search('name=%25')).toEqual(['bob-01'])
    expect(await search('email=.io&name=bob')).toEqual(['bob-01'])
    expect(await search('email=nobody')).toEqual([])
    const limited = await server.get('/v1/partners:search?email=.io&limit=1', { key: p.key })
    expect(limited.json.data).toHaveLength(1)
    expect(limited.json.links.next).toBe(`${server.url}/v1/partners:search?email=.io&limit=1&page=2`)
    expect(jane.id).toBe('jane-01')
  })
})

describe('update', () => {
  it('accepts {update: {...}} and flat bodies on the path form', async () => {
    const p = await server.program()
    const partner = await makePartner(server, p.key, { tags: ['x'] })
    const wrapped = await server.put(`/v1/partners/${partner.id}`, { key: p.key, body: { update: { name: 'Wrapped', surname: 'Form', tags: ['y', 'z'] } } })
    expect(wrapped.status).toBe(200)
    expect(wrapped.json.data).toMatchObject({ name: 'Wrapped', surname: 'Form', tags: [{ value: 'y' }, { value: 'z' }] })
    const flat = await server.put(`/v1/partners/${partner.id}`, { key: p.key, body: { name: 'Flat', tags: null } })
    expect(flat.json.data).toMatchObject({ name: 'Flat', surname: 'Form', tags: [{ value: 'y' }, { value: 'z' }] })
    const cleared = await server.put(`/v1/partners/${partner.id}`, { key: p.key, body: { update: { tags: [] } } })
    expect(cleared.json.data.tags).toEqual([])
  })

  it('names the partner in the body by key, email or id on PUT /v1/partners and the legacy PUT /v1/partner', async () => {
    const p = await server.program()
    const partner = await makePartner(server, p.key, { id: 'body-form', key: 'body-key' })
    const byKey = await server.put('/v1/partners', { key: p.key, body: { key: 'body-key', update: { name: 'By key' } } })
    expect(byKey.json.data).toMatchObject({ id: 'body-form', name: 'By key' })
    const byEmail = await server.put('/v1/partners', { key: p.key, body: { email: partner.email, update: { surname: 'By email' } } })
    expect(byEmail.json.data.surname).toBe('By email')
    const legacy = await server.put('/v1/partner', { key: p.key, body: { id: 'body-form', update: { name: 'Legacy' } } })
    expect(legacy.json.data.name).toBe('Legacy')
    const flat = await server.put('/v1/partners', { key: p.key, body: { key: 'body-key', name: 'Flat by key' } })
    expect(flat.json.data).toMatchObject({ name: 'Flat by key', referral_link: 'https://shop.example.com?aff=body-key' })
  })

  it('moves the default link when the key changes, and changes email and password', async () => {
    const p = await server.program()
    const partner = await makePartner(server, p.key, { key: 'old-key' })
    const res = await server.put(`/v1/partners/old-key`, { key: p.key, body: { update: { key: 'new-key', email: 'moved@example.com', password: 'NewPassw0rd' } } })
    expect(res.status).toBe(200)
    expect(res.json.data).toMatchObject({ id: partner.id, email: 'moved@example.com', referral_link: 'https://shop.example.com?aff=new-key' })
    expect((await server.get('/v1/partners/old-key', { key: p.key })).status).toBe(404)
    expect((await server.get('/v1/partner_referral_links/new-key', { key: p.key })).json.data.default).toBe(true)
    const stored = await server.store.db.selectFrom('partners').select('password_hash').where('public_id', '=', partner.id).executeTakeFirstOrThrow()
    expect(stored.password_hash).toMatch(/^scrypt\$/)
    expect(stored.password_hash).not.toContain('NewPassw0rd')
  })

  it('announces partner.updated', async () => {
    const p = await server.program()
    const partner = await makePartner(server, p.key)
    await server.put(`/v1/partners/${partner.id}`, { key: p.key, body: { name: 'Evented' } })
    const events = await eventsOf(server, p.id)
    expect(events.map((e) => e.type)).toEqual(['partner.created', 'partner.updated'])
    expect(events[1]?.data.name).toBe('Evented')
  })
})

describe('status', () => {
  it('archives and restores, approves and rejects, each with its event', async () => {
    const p = await server.program()
    await server.put('/v1/program', { key: p.key, body: { program_settings: { partner_auto_approve: false } } })
    const partner = await makePartner(server, p.key)
    const act = (action: string) => server.post(`/v1/partners/${partner.id}/${action}`, { key: p.key })
    const state = async () => {
      const d = (await server.get(`/v1/partners/${partner.id}`, { key: p.key })).json.data
      return [d.status, d.approved]
    }
    expect((await act('approve')).json).toEqual({ status: 1 })
    expect(await state()).toEqual(['active', true])
    expect((await act('archive')).json).toEqual({ status: 1 })
    expect(await state()).toEqual(['archived', true])
    expect((await act('revoke-archive')).json).toEqual({ status: 1 })
    expect(await state()).toEqual(['active', true])
    expect((await act('reject')).status).toBe(200)
    expect(await state()).toEqual(['rejected', false])
    expect((await act('archive')).status).toBe(200)
    expect((await act('revoke-archive')).status).toBe(200)
    expect(await state()).toEqual(['rejected', false])
    expect((await eventsOf(server, p.id)).map((e) => e.type).filter((t) => t.startsWith('partner.'))).toEqual([
      'partner.created', 'partner.approved', 'partner.archived', 'partner.updated', 'partner.rejected', 'partner.archived', 'partner.updated',
    ])
  })

  it('keeps program partner counts true through creates, approvals and deletes', async () => {
    const p = await server.program()
    await server.put('/v1/program', { key: p.key, body: { program_settings: { partner_auto_approve: false } } })
    const a = await makePartner(server, p.key)
    const b = await makePartner(server, p.key)
    await makePartner(server, p.key)
    await server.post(`/v1/partners/${a.id}/approve`, { key: p.key })
    await server.post(`/v1/partners/${b.id}/reject`, { key: p.key })
    const stats = async () => (await server.get('/v1/program', { key: p.key })).json.data.stats
    expect((await stats()).total_partners).toBe('3')
    expect((await stats()).partner_activity).toMatchObject({ approved: '1', waiting_for_approval: '1', rejected: '1' })
    expect((await stats()).total_partners_growth).toBe(100)
    await server.delete(`/v1/partners/${a.id}`, { key: p.key })
    expect((await stats()).total_partners).toBe('2')
    expect((await stats()).partner_activity).toMatchObject({ approved: '0', waiting_for_approval: '1', rejected: '1' })
  })
})

describe('delete', () => {
  it('deletes by path or by body key/email, with its links, and announces partner.deleted', async () => {
    const p = await server.program()
    const one = await makePartner(server, p.key, { key: 'del-one' })
    const two = await makePartner(server, p.key, { key: 'del-two' })
    const three = await makePartner(server, p.key)
    expect((await server.delete(`/v1/partners/${one.id}`, { key: p.key })).json).toEqual({ status: 1 })
    expect((await server.delete('/v1/partners', { key: p.key, body: { key: 'del-two' } })).json).toEqual({ status: 1 })
    expect((await server.delete('/v1/partner', { key: p.key, body: { email: three.email } })).json).toEqual({ status: 1 })
    for (const gone of [one.id, two.id, three.id]) expect((await server.get(`/v1/partners/${gone}`, { key: p.key })).status).toBe(404)
    expect((await server.get('/v1/partner_referral_links/del-one', { key: p.key })).status).toBe(404)
    const deleted = (await eventsOf(server, p.id)).filter((e) => e.type === 'partner.deleted')
    expect(deleted.map((e) => e.data.id)).toEqual([one.id, two.id, three.id])
    expect(deleted[0]?.data.referral_link).toBe('https://shop.example.com?aff=del-one')
  })
})
