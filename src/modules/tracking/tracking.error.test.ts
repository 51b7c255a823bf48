// Tracking calls that cannot do what they ask: clear 4xx answers in the error shape, nothing counted.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startServer, type TestServer } from '../../../test/support/server.js'
import { makePartner } from '../../../test/support/partners.js'
import { BROWSER, click, partnerClicks, programClicks } from '../../../test/support/visits.js'

let server: TestServer
let p: { id: number; publicId: string; key: string }
beforeAll(async () => {
  server = await startServer()
  p = await server.program({ website: 'https://errors-shop.example.com' })
  await makePartner(server, p.key, { key: 'mo_ref' })
})
afterAll(() => server.close())

describe('/t/ calls with bad input', () => {
  it('names what is missing or wrong, and counts nothing', async () => {
    const missing = await server.post('/t/click', { body: { key: 'mo_ref' }, headers: { 'user-agent': BROWSER } })
    expect(missing.status).toBe(422)
    expect(missing.json.errors).toHaveProperty('program')
    const unknown = await server.post('/t/click', { body: { program: 'no-such-program', key: 'mo_ref' }, headers: { 'user-agent': BROWSER } })
    expect(unknown.status).toBe(404)
    expect(unknown.json).toMatchObject({ message: 'Program not found', status: 0 })
    const garbage = await server.post('/t/click', { body: '{"program":', headers: { 'content-type': 'text/plain', 'user-agent': BROWSER } })
    expect(garbage.status).toBe(400)
    expect(garbage.json.status).toBe(0)
    const noCustomer = await server.post('/t/signup', { body: { program: p.publicId, partner_key: 'mo_ref' } })
    expect(noCustomer.status).toBe(422)
    expect(noCustomer.json.errors).toHaveProperty('customer')
    expect((await server.get('/t/programs/no-such-program')).status).toBe(404)
    expect(await programClicks(server, p.key)).toBe(0)
  })

  it('reports an unknown key as not counted', async () => {
    const res = await server.post('/t/click', { body: { program: p.publicId, key: 'nobody' }, headers: { 'user-agent': BROWSER } })
    expect(res.status).toBe(200)
    expect(res.json.data).toEqual({ click_id: null, counted: false, reason: 'unknown_key', key_active: false })
  })
})

describe('/r/{key} that cannot count', () => {
  it('redirects for a partner that is not active, without counting', async () => {
    const pending = await makePartner(server, p.key, { key: 'ned_ref' })
    await server.post(`/v1/partners/${pending.id}/reject`, { key: p.key })
    const res = await click(server, '/r/ned_ref')
    expect(res.status).toBe(302)
    expect(res.headers.location).toBe('https://errors-shop.example.com/?aff=ned_ref')
    expect(await partnerClicks(server, p.key, pending.id)).toBe(0)
  })

  it('answers 404 when the program has no website to send visitors to', async () => {
    const bare = await server.program({ website: null as unknown as string })
    await makePartner(server, bare.key, { key: 'ola_ref' })
    const res = await click(server, `/r/ola_ref?program=${bare.publicId}`)
    expect(res.status).toBe(404)
    expect(res.headers['content-type']).toMatch(/^text\/html/)
    expect(res.text).toContain('no website to send visitors to')
  })

  it('answers 404 for an unknown program named by ?program=', async () => {
    const res = await click(server, '/r/mo_ref?program=nope')
    expect(res.status).toBe(404)
    expect(res.headers['content-type']).toMatch(/^text\/html/)
    expect(res.text).toContain('Program not found')
  })
})
