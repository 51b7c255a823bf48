// One partner's portal never shows another's data: partner A, signed in, asks for every page the
// app has (read from its routes, so a new page is covered), with B's ids wherever a page takes an
// id (the payout number of a statement, the cursors in the query), and no answer holds anything
// of B's. B's own pages show that data, so the words looked for are the ones a leak would show.
// A session of one program opens nothing of another.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startServer, type TestServer } from '../../../test/support/server.js'
import { partnerWithPassword, signIn, visitor, type Visitor } from '../../../test/support/portal.js'
import { addressOf, portalRoutes, type PortalRoute } from '../../../test/support/portal-routes.js'
import { makeCustomer, makeSale } from '../../../test/support/sales.js'
import type { Answer } from '../../../test/support/client.js'

let server: TestServer
let p1: { id: number; publicId: string; key: string }
let p2: { id: number; publicId: string; key: string }
let routes: PortalRoute[]

interface Member {
  email: string
  password: string
  partner: { id: string; key: string; email: string }
  v: Visitor
  payout: number
  rewardId: number
}
let a: Member
let b: Member

/** What only B has, and whether B's own pages show it (a customer's full address is masked even for B). */
const B_ONLY: Array<{ text: string; shownToB: boolean }> = [
  { text: 'Zebulon', shownToB: true }, // B's name
  { text: 'Quartermaine', shownToB: true }, // B's surname (its profile)
  { text: 'zq_bravo_key', shownToB: true }, // B's main link key
  { text: 'zq-custom-link', shownToB: true }, // the link B made with its own key
  { text: 'Quillon', shownToB: true }, // B's customer
  { text: 'q***@example.net', shownToB: true }, // that customer's masked address
  { text: 'quillon.vexworth@example.net', shownToB: false },
  { text: 'Vexworth', shownToB: false },
  { text: 'sale_zq_77413', shownToB: true }, // B's sale
  { text: '4,321.87', shownToB: true }, // its amount
  { text: '1,296.56', shownToB: true }, // B's commission on it (30 %), and B's payout
  { text: 'zq.payee@example.net', shownToB: true }, // B's PayPal address
]

/** A partner of P1 with a customer, a sale, a link of its own, a payout method and a payout request, all made as a partner would. */
async function member(fields: { key: string; name: string; surname: string }, world: { customer: Record<string, string>; sale: { key: string; amount: number }; link: string; paypal: string }): Promise<Member> {
  const made = await partnerWithPassword(server, p1.key, fields)
  await makeCustomer(server, p1.key, { ...world.customer, partner: { id: made.partner.id } })
  await makeSale(server, p1.key, { ...world.sale, customer: { key: world.customer.key } })
  const v = visitor(server)
  await signIn(v, p1.publicId, made.email, made.password)
  const base = `/portal/${p1.publicId}`
  await v.get(`${base}/links`)
  expect((await v.post(`${base}/links`, { key: world.link })).status).toBe(303)
  await v.get(`${base}/payouts`)
  expect((await v.post(`${base}/payouts/method`, { gateway: 'paypal', paypal_email: world.paypal })).status).toBe(303)
  await v.get(`${base}/payouts`)
  const asked = await v.post(`${base}/payouts/request`)
  expect(asked.status, asked.text.slice(0, 500)).toBe(303)
  const db = server.store.db
  const row = await db.selectFrom('partners').select('id').where('program_id', '=', p1.id).where('public_id', '=', made.partner.id).executeTakeFirstOrThrow()
  const payout = await db.selectFrom('payout_requests').select('number').where('partner_id', '=', row.id).executeTakeFirstOrThrow()
  const reward = await db.selectFrom('rewards').select('id').where('partner_id', '=', row.id).executeTakeFirstOrThrow()
  return { ...made, v, payout: Number(payout.number), rewardId: Number(reward.id) }
}

beforeAll(async () => {
  server = await startServer()
  routes = portalRoutes(server.app)
  p1 = await server.program({ name: 'Shared Program' })
  p2 = await server.program({ name: 'Other Program' })
  a = await member({ key: 'iso_alpha_key', name: 'Alma', surname: 'Ordinary' }, {
    customer: { key: 'cus_alpha_1', name: 'Carl', surname: 'Common', email: 'carl.common@example.com' },
    sale: { key: 'sale_alpha_1', amount: 100 }, link: 'alpha-custom-link', paypal: 'alma.payee@example.com',
  })
  b = await member({ key: 'zq_bravo_key', name: 'Zebulon', surname: 'Quartermaine' }, {
    customer: { key: 'cus_zq_9931', name: 'Quillon', surname: 'Vexworth', email: 'quillon.vexworth@example.net' },
    sale: { key: 'sale_zq_77413', amount: 4321.87 }, link: 'zq-custom-link', paypal: 'zq.payee@example.net',
  })
})
afterAll(() => server.close())

/** Follows redirects to the page they end on. */
async function landing(v: Visitor, res: Answer): Promise<Answer> {
  for (let hops = 0; res.status === 303 && hops < 4; hops++) res = await v.follow(res)
  return res
}

/** Every GET address of P1's portal, with B's ids in the path and in each query a page reads. */
function addressesWithIdsOf(owner: Member): string[] {
  const gets = routes.filter((r) => r.method === 'GET')
  const queries = [
    '',
    // The commissions cursor just past B's reward; a referrals page; ids pages do not read, in case one starts to.
    `?before=${owner.rewardId + 1}&page=1&partner=${owner.partner.id}&id=${owner.partner.id}&number=${owner.payout}`,
    `?page=${encodeURIComponent('https://shop.example.com/pricing')}`,
  ]
  return gets.flatMap((r) => queries.map((q) => `${addressOf(p1.publicId, r.path, { number: String(owner.payout), token: 'T'.repeat(43) })}${q}`))
}

describe('partner A, signed in, on every page with B\'s ids', () => {
  it('the app has every page the portal has today', () => {
    const gets = routes.filter((r) => r.method === 'GET').map((r) => r.path)
    expect(gets.length).toBeGreaterThanOrEqual(15)
    for (const page of ['', '/links', '/referrals', '/commissions', '/payouts', '/payouts/:number/statement', '/profile']) expect(gets).toContain(page)
  })

  it('B\'s own pages show B\'s data (what the check below looks for is there to find)', async () => {
    let all = ''
    for (const address of addressesWithIdsOf(b)) all += (await landing(b.v, await b.v.get(address))).text
    for (const { text, shownToB } of B_ONLY) if (shownToB) expect(all, `B's pages show ${text}`).toContain(text)
  })

  it('no answer to A holds anything of B\'s', async () => {
    let pages = 0
    for (const address of addressesWithIdsOf(b)) {
      const res = await landing(a.v, await a.v.get(address))
      expect(res.status, `${address}: ${res.text.slice(0, 300)}`).toBeLessThan(500)
      pages += 1
      for (const { text } of B_ONLY) expect(res.text, `${address} (${res.status}) shows B's ${text}`).not.toContain(text)
    }
    expect(pages).toBeGreaterThanOrEqual(45)
    // And A is really signed in on them: its own data is there.
    expect((await a.v.get(`/portal/${p1.publicId}/commissions`)).text).toContain('sale_alpha_1')
  })

  it('B\'s payout statement answers 404 to A; A\'s own answers 200', async () => {
    const base = `/portal/${p1.publicId}`
    const theirs = await a.v.get(`${base}/payouts/${b.payout}/statement`)
    expect(theirs.status).toBe(404)
    expect(theirs.headers['content-disposition']).toBeUndefined()
    for (const { text } of B_ONLY) expect(theirs.text).not.toContain(text)
    const mine = await a.v.get(`${base}/payouts/${a.payout}/statement`)
    expect(mine.status).toBe(200)
    expect(mine.headers['content-type']).toMatch(/^text\/csv/)
    expect(mine.text).toContain('sale_alpha_1')
    for (const { text } of B_ONLY) expect(mine.text).not.toContain(text)
    // The statement of B's payout as B sees it, for contrast.
    expect((await b.v.get(`${base}/payouts/${b.payout}/statement`)).text).toContain('sale_zq_77413')
  })
})

describe('a session of one program', () => {
  it('opens no page of another program: those send to that program\'s sign-in', async () => {
    const other = `/portal/${p2.publicId}`
    await partnerWithPassword(server, p2.key, { name: 'Other Partner' })
    const signedOut = visitor(server)
    // The pages that need a partner: the ones a signed-out browser is sent to sign in from.
    const partnerPages: string[] = []
    for (const r of routes.filter((r) => r.method === 'GET')) {
      const address = addressOf(p2.publicId, r.path, { number: '1', token: 'T'.repeat(43) })
      const res = await signedOut.get(address)
      if (res.status === 303 && res.headers.location?.startsWith(`${other}/sign-in`)) partnerPages.push(address)
    }
    expect(partnerPages.length).toBeGreaterThanOrEqual(7)

    await a.v.get(`/portal/${p1.publicId}/profile`)
    const token = a.v.csrf() as string
    // A's browser as it is (its P1 cookie), and with A's session id under P2's cookie name.
    const renamed = visitor(server)
    renamed.cookies.set(`pk_${p2.publicId}`, a.v.cookies.get(`pk_${p1.publicId}`) as string)
    for (const v of [a.v, renamed]) {
      for (const address of partnerPages) {
        const res = await v.get(address)
        expect(res.status, address).toBe(303)
        expect(res.headers.location, address).toMatch(new RegExp(`^${other}/sign-in\\?next=`))
      }
      const signInPage = await v.get(`${other}/sign-in`)
      expect(signInPage.status).toBe(200)
      expect(signInPage.text).toContain('Sign in to Other Program')
      expect(signInPage.text).not.toContain('Alma')
      // And posting P2's forms with it changes nothing of A's.
      const res = await v.post(`${other}/profile`, { name: 'Hijacked', _csrf: token })
      expect(res.status).toBe(303)
      expect(res.headers.location).toBe(`${other}/sign-in`)
    }
    expect((await a.v.get(`/portal/${p1.publicId}/profile`)).text).toContain('Alma')
    expect((await a.v.get(`/portal/${p1.publicId}`)).status).toBe(200)
  })
})
