import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startServer, type TestServer } from '../../../test/support/server.js'
import { partnerWithPassword, signIn, visitor } from '../../../test/support/portal.js'
import { makeCustomer, makeSale } from '../../../test/support/sales.js'

let server: TestServer
let program: { id: number; publicId: string; key: string }

beforeAll(async () => {
  server = await startServer()
  program = await server.program({ name: 'Acme Partners' })
})
afterAll(() => server.close())

describe('the partner portal, signed in with a password', () => {
  it('sends a visitor without a session to the sign-in page, and a partner with one to its dashboard', async () => {
    const v = visitor(server)
    const first = await v.get(`/portal/${program.publicId}`)
    expect(first.status).toBe(303)
    expect(first.headers.location).toBe(`/portal/${program.publicId}/sign-in?next=%2F`)
    const page = await v.follow(first)
    expect(page.status).toBe(200)
    expect(page.headers['content-type']).toBe('text/html; charset=utf-8')
    expect(page.headers['content-security-policy']).toContain("script-src 'self'")
    expect(page.text).toContain('Sign in to Acme Partners')

    const { email, password } = await partnerWithPassword(server, program.key, { name: 'Dana' })
    const dashboard = await signIn(v, program.publicId, email, password)
    expect(dashboard.status).toBe(200)
    expect(dashboard.text).toContain('Welcome, Dana')
    expect(dashboard.text).toContain('Commission per day')
  })

  it('shows a sale made through the API as a commission on the dashboard and the commissions page, with why', async () => {
    const v = visitor(server)
    const { email, password, partner } = await partnerWithPassword(server, program.key)
    await makeCustomer(server, program.key, { key: `cust-${partner.id}`, email: `c-${partner.id}@example.com`, partner: { id: partner.id } })
    await makeSale(server, program.key, { key: `sale-${partner.id}`, amount: 200, action: 'sale', customer: { key: `cust-${partner.id}` } })
    const dashboard = await signIn(v, program.publicId, email, password)
    const commissions = await v.get(`/portal/${program.publicId}/commissions`)
    expect(commissions.status).toBe(200)
    expect(commissions.text).toContain(`sale-${partner.id}`)
    expect(commissions.text).toMatch(/of a \$200\.00 sale, by the program(&#39;|')s rate/)
    expect(dashboard.text).toContain('$200.00')
  })

  it('refuses a wrong password with the same words as an unknown address, and keeps the visitor signed out', async () => {
    const v = visitor(server)
    const { email } = await partnerWithPassword(server, program.key)
    await v.get(`/portal/${program.publicId}/sign-in`)
    const wrong = await v.post(`/portal/${program.publicId}/sign-in`, { email, password: 'Wrong1234' })
    const unknown = await v.post(`/portal/${program.publicId}/sign-in`, { email: 'nobody@example.com', password: 'Wrong1234' })
    expect(wrong.status).toBe(401)
    expect(unknown.status).toBe(401)
    expect(wrong.text).toContain('The email or password is not right.')
    expect(unknown.text).toContain('The email or password is not right.')
    expect((await v.get(`/portal/${program.publicId}`)).status).toBe(303)
  })
})

describe('every page of a signed-in partner', () => {
  it('answers 200 with a page (links, referrals, commissions, payouts, profile)', async () => {
    const v = visitor(server)
    const { email, password } = await partnerWithPassword(server, program.key)
    await signIn(v, program.publicId, email, password)
    for (const page of ['/links', '/referrals', '/commissions', '/payouts', '/profile', '/links?page=https://shop.example.com/pricing']) {
      const res = await v.get(`/portal/${program.publicId}${page}`)
      expect(res.status, `${page}: ${res.text.slice(0, 300)}`).toBe(200)
      expect(res.text).toMatch(/^<!doctype html><html lang="en">/)
    }
    const built = await v.get(`/portal/${program.publicId}/links?page=https://shop.example.com/pricing`)
    expect(built.text).toMatch(/https:\/\/shop\.example\.com\/pricing\?aff=[A-Za-z0-9]+/)
    expect(built.text).toContain('<svg')
  })
})

describe('portal paths on a host that is no program\'s portal', () => {
  it('answer as unknown API routes do: a 404 in the Partnero error shape', async () => {
    for (const path of ['/', '/links', '/sign-in', '/brand.css']) {
      const res = await server.get(path)
      expect(res.status, path).toBe(404)
      expect(res.json).toMatchObject({ status: 0, code: 'not_found' })
    }
  })
})
