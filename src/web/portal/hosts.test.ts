// A program's own portal host (portal_settings.portal_domain): the host chooses the program and
// the pages answer at the root, with links that stay on that host.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startServer, type TestServer } from '../../../test/support/server.js'
import { partnerWithPassword, visitor } from '../../../test/support/portal.js'

let server: TestServer
let program: { id: number; publicId: string; key: string }
const HOST = 'partners.acme.test'
const onHost = { host: HOST }

beforeAll(async () => {
  server = await startServer()
  program = await server.program({ name: 'Acme' })
  const set = await server.put('/v1/program', { key: program.key, body: { portal_settings: { portal_domain: 'Partners.Acme.TEST', brand_color: '#aa3300' } } })
  expect(set.status, set.text).toBe(200)
})
afterAll(() => server.close())

describe('a portal on its own host', () => {
  it('serves the program\'s pages at the root, with links and forms that stay on the host', async () => {
    const v = visitor(server)
    const page = await v.get('/sign-in', onHost)
    expect(page.status).toBe(200)
    expect(page.text).toContain('Sign in to Acme')
    expect(page.text).toContain('action="/sign-in"')
    expect(page.text).not.toContain(`/portal/${program.publicId}`)
    const brand = await v.get('/brand.css', onHost)
    expect(brand.text).toContain('--brand: #aa3300')

    const { email, password } = await partnerWithPassword(server, program.key, { name: 'Hosted' })
    const signedIn = await v.post('/sign-in', { email, password }, { ...onHost, origin: `http://${HOST}` })
    expect(signedIn.status).toBe(303)
    expect(signedIn.headers.location).toBe('/')
    const dashboard = await v.get('/', onHost)
    expect(dashboard.text).toContain('Welcome, Hosted')
    expect(dashboard.text).toContain('href="/links"')
  })

  it('refuses a post whose origin is the API host, not the portal host', async () => {
    const v = visitor(server)
    const { email, password } = await partnerWithPassword(server, program.key)
    const res = await v.post('/sign-in', { email, password }, onHost)
    expect(res.status).toBe(403)
  })

  it('leaves every other host as it was: the prefixed portal still works, bare paths are unknown routes', async () => {
    expect((await visitor(server).get(`/portal/${program.publicId}/sign-in`)).status).toBe(200)
    const other = await visitor(server).get('/sign-in', { host: 'elsewhere.test' })
    expect(other.status).toBe(404)
    expect(other.json).toMatchObject({ status: 0 })
  })
})
