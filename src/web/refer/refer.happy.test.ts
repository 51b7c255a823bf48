// A referring customer's own page (issue 22) through HTTP: signing in by a merchant-minted link or
// a mailed code, the page's link, friends, rewards and balance, and inviting friends by email.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startServer, type TestServer } from '../../../test/support/server.js'
import { visitor } from '../../../test/support/portal.js'
import { eventsOf } from '../../../test/support/partners.js'
import { mailsForEvents } from '../../mail/from-events.js'

let server: TestServer
let p: { id: number; publicId: string; key: string }
beforeAll(async () => {
  server = await startServer()
  p = await server.program({ type: 'referral', name: 'Cafe Referral' })
  await server.post('/v1/customers', { key: p.key, body: { id: 'ann', key: 'ann_ref', email: 'ann@example.com', name: 'Ann' } })
  await server.post('/v1/customers', { key: p.key, body: { id: 'bob', email: 'bob.friend@example.com', name: 'Bob', surname: 'Brown', referring_customer: { id: 'ann' } } })
  await server.post('/v1/transactions', { key: p.key, body: { key: 'bob-1', amount: 40, customer: { id: 'bob' } } })
})
afterAll(() => server.close())

async function signedIn() {
  const v = visitor(server)
  const minted = await server.post('/v1/customers:sign-in-url', { key: p.key, body: { id: 'ann' } })
  expect(minted.status, minted.text).toBe(200)
  const url = new URL(minted.json.data.url)
  expect(url.pathname).toMatch(new RegExp(`^/refer/${p.publicId}/sign-in/`))
  const landed = await v.get(url.pathname)
  expect(landed.status).toBe(303)
  expect(landed.headers.location).toBe(`/refer/${p.publicId}/`)
  return v
}

describe('a referring customer\'s page', () => {
  it('signs in by a merchant\'s one-use link and shows the link, the friends, the rewards and the balance', async () => {
    const v = await signedIn()
    const page = await v.get(`/refer/${p.publicId}`)
    expect(page.status).toBe(200)
    expect(page.text).toContain('https://shop.example.com?ref=ann_ref')
    expect(page.text).toContain('QR code of https://shop.example.com?ref=ann_ref')
    expect(page.text).toContain('Bob B. · b')
    expect(page.text).not.toContain('bob.friend@example.com')
    expect(page.text).toContain('Bought')
    expect(page.text).toContain('$10.00')
    expect(page.text).not.toMatch(/earner_|customers\.invalid/)
  })

  it('signs in by a code mailed to the customer\'s own address, and tells nobody which addresses are customers', async () => {
    const v = visitor(server)
    const form = await v.get(`/refer/${p.publicId}/sign-in`)
    expect(form.status).toBe(200)
    const asked = await v.post(`/refer/${p.publicId}/sign-in`, { email: 'ann@example.com' })
    const unknown = await v.post(`/refer/${p.publicId}/sign-in`, { email: 'nobody@example.com' })
    expect(asked.status).toBe(303)
    expect(unknown.headers.location?.replace('nobody', 'ann')).toBe(asked.headers.location)
    const mail = await server.store.db.selectFrom('mails').selectAll().where('to_address', '=', 'ann@example.com').orderBy('id', 'desc').executeTakeFirstOrThrow()
    const code = /\b(\d{6})\b/.exec(mail.text)?.[1] as string
    await v.get(`/refer/${p.publicId}/sign-in/code?email=ann%40example.com`)
    const wrong = await v.post(`/refer/${p.publicId}/sign-in/code`, { email: 'ann@example.com', code: code === '000000' ? '111111' : '000000' })
    expect(wrong.status).toBe(401)
    const right = await v.post(`/refer/${p.publicId}/sign-in/code`, { email: 'ann@example.com', code })
    expect(right.status).toBe(303)
    expect((await v.get(`/refer/${p.publicId}`)).status).toBe(200)
  })

  it('invites friends by email: one customer.invited event (and mail) per address, with the customer\'s link', async () => {
    const v = await signedIn()
    await v.get(`/refer/${p.publicId}`)
    const bad = await v.post(`/refer/${p.publicId}/invite`, { emails: 'not-an-address' })
    expect(bad.status).toBe(422)
    const sent = await v.post(`/refer/${p.publicId}/invite`, { emails: 'cleo@example.com, dan@example.com' })
    expect(sent.status).toBe(303)
    const invited = (await eventsOf(server, p.id)).filter((e) => e.type === 'customer.invited')
    expect(invited.map((e) => e.data.to)).toEqual(['cleo@example.com', 'dan@example.com'])
    expect(invited[0]?.data).toMatchObject({ inviter: 'Ann', referral_link: 'https://shop.example.com?ref=ann_ref' })
    // The mail job makes one mail of each: to the friend, from the program, with the customer's link.
    const rows = await server.store.db.selectFrom('outbox').selectAll().where('program_id', '=', p.id).where('type', '=', 'customer.invited').orderBy('id').execute()
    const mails = await mailsForEvents(server.store.db, rows, server.url)
    expect(mails.map((m) => [m.kind, m.to])).toEqual([['friend-invitation', 'cleo@example.com'], ['friend-invitation', 'dan@example.com']])
    expect(mails[0]?.message.subject).toBe('Ann invites you to Cafe Referral')
    expect(mails[0]?.message.text).toContain('https://shop.example.com?ref=ann_ref')
  })

  it('is a refer-a-friend program\'s page only: signed out it asks to sign in, and other program types have none', async () => {
    const guest = await visitor(server).get(`/refer/${p.publicId}`)
    expect(guest.status).toBe(303)
    expect(guest.headers.location).toBe(`/refer/${p.publicId}/sign-in?next=%2F`)
    const affiliate = await server.program()
    expect((await visitor(server).get(`/refer/${affiliate.publicId}/sign-in`)).status).toBe(404)
    expect((await visitor(server).get(`/portal/${p.publicId}/sign-in`)).status).toBe(404)
    const link = await server.post('/v1/customers:sign-in-url', { key: affiliate.key, body: { id: 'x' } })
    expect(link.status).toBe(400)
  })
})
