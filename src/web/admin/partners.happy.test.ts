// The dashboard and the partners pages for a signed-in admin, over HTTP against a real store: each
// page shows the program's real data; each action changes the partner through the API's service,
// emits the same outbox event as the API's route and writes its audit entry.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startServer, type TestServer } from '../../../test/support/server.js'
import { visitor, type Visitor } from '../../../test/support/portal.js'
import { eventsOf, makePartner } from '../../../test/support/partners.js'
import { makeCustomer, makeSale } from '../../../test/support/sales.js'
import { addMember } from '../../modules/users/service.js'
import { mintSignInUrl } from '../../modules/users/sign-in.js'
import { auditTrail } from '../../modules/users/audit.js'
import { listPartners } from '../../modules/partners/service.js'
import { programById } from '../../modules/programs/service.js'

let server: TestServer
beforeAll(async () => {
  server = await startServer()
})
afterAll(() => server.close())

let n = 0
const address = (who: string) => `${who}.${++n}@example.com`
type Program = { id: number; publicId: string; key: string }

async function admin(p: Program, role = 'admin'): Promise<{ v: Visitor; userId: number }> {
  const user = (await addMember(server.store.db, p.id, { email: address('admin'), role }, null)).user
  const v = visitor(server)
  const { url } = await mintSignInUrl(server.store.db, user.id, p.id, server.url)
  const answer = await v.get(new URL(url).pathname)
  expect(answer.status, answer.text).toBe(303)
  await v.follow(answer)
  return { v, userId: user.id }
}

async function audits(p: Program) {
  return (await auditTrail(server.store.db, p.id)).entries
}

/** The types of the events added to the outbox while `work` ran. */
async function newEvents(p: Program, work: () => Promise<unknown>) {
  const before = (await eventsOf(server, p.id)).length
  await work()
  return (await eventsOf(server, p.id)).slice(before).map((e) => e.type)
}

describe('the dashboard', () => {
  it('shows the program\'s figures, what waits and the revenue chart', async () => {
    const p = await server.program({ name: 'Dash Shop' })
    await makePartner(server, p.key, { id: 'dash-ann', email: 'ann@dash.example' })
    await makePartner(server, p.key, { id: 'dash-bob' })
    await makeCustomer(server, p.key, { key: 'cus-1', email: 'c1@example.com', partner: { id: 'dash-ann' } })
    await makeSale(server, p.key, { key: 'order-1', amount: 120, customer: { key: 'cus-1' } })
    const { v } = await admin(p)
    const page = await v.get('/admin')
    expect(page.status).toBe(200)
    const api = (await server.get('/v1/program', { key: p.key })).json.data.stats
    expect(page.text).toContain(`<dt>Partners</dt><dd>${api.total_partners}</dd>`)
    expect(api.total_partners).toBe('2')
    expect(page.text).toContain(`<dt>Revenue</dt><dd>${Object.values(api.total_revenue).join(', ')}</dd>`)
    expect(page.text).toContain('$120.00')
    // Each figure beside its change on the 30 days before, as the API reports it.
    expect(page.text).toContain(`<dt>Partners</dt><dd>${api.total_partners}</dd><dd class="why">${api.total_partners_growth === 0 ? 'as in the 30 days before' : `+${api.total_partners_growth}% on the 30 days before`}</dd>`)
    expect(api.total_partners_growth).toBeGreaterThan(0)
    expect(page.text).toContain('href="/admin/commissions?state=review"')
    expect(page.text).toContain('href="/admin/partners?status=pending"')
    expect(page.text).toContain(`Partners waiting for approval: ${api.partner_activity.waiting_for_approval}`)
    expect(page.text).toContain('Payout requests: 0')
    expect(page.text).toContain('href="/admin/payouts?status=requested"')
    expect(page.text).toContain('Rewards in review: none')
    expect(page.text).toContain('Revenue per day, last 30 days (USD)')
    expect(page.text).toContain('<svg')
    // The program switcher stays.
    expect(page.text).toContain('your role here: <strong>admin</strong>')
    expect(page.text).toContain('href="/admin/partners"')
  })
})

describe('the partners list', () => {
  it('searches by name, email, id and key, filters by status and pages', async () => {
    const p = await server.program()
    await makePartner(server, p.key, { id: 'list-ann', email: 'ann@list.example', name: 'Annabel', key: 'annkey' })
    await makePartner(server, p.key, { id: 'list-bob', email: 'bob@list.example', name: 'Bobby' })
    for (let i = 0; i < 26; i++) await makePartner(server, p.key, { name: `Filler ${i}` })
    await server.post('/v1/partners/list-bob/archive', { key: p.key })
    const { v } = await admin(p)
    const all = await v.get('/admin/partners')
    expect(all.status).toBe(200)
    expect(all.text).toContain('rel="next"')
    expect(all.text).not.toContain('list-ann')
    expect((await v.get('/admin/partners?page=2')).text).toContain('list-ann')
    // "Next page" carries the last partner shown, so the next page starts after it by index: the
    // same page as counting, and it stays right when a partner joins meanwhile.
    const next = /<a href="([^"]+)" rel="next">/.exec(all.text)![1]!.replace(/&amp;/g, '&')
    expect(next).toMatch(/^\/admin\/partners\?page=2&after=\d+$/)
    await makePartner(server, p.key, { name: 'Late Joiner' })
    const second = await v.get(next)
    expect(second.text).toContain('list-ann')
    const lastOnFirst = [...all.text.matchAll(/href="\/admin\/partners\/([^"/]+)"/g)].map((m) => m[1]).pop()!
    expect(second.text).not.toContain(`href="/admin/partners/${lastOnFirst}"`)
    expect(second.text).toContain('Page 2')
    for (const [by, q] of [['name', 'annab'], ['email', 'ANN@list'], ['id', 'list-a'], ['key', 'annk']]) {
      const found = await v.get(`/admin/partners?q=${encodeURIComponent(q as string)}&by=${by}`)
      expect(found.text, by).toContain('href="/admin/partners/list-ann"')
      expect(found.text, by).not.toContain('list-bob')
    }
    const archived = await v.get('/admin/partners?status=archived')
    expect(archived.text).toContain('list-bob')
    expect(archived.text).not.toContain('list-ann')
    expect(archived.text).toContain('action="/admin/partners/list-bob/restore"')
    const none = await v.get('/admin/partners?status=pending')
    expect(none.text).toContain('No partner matches.')
  })

  it('filters by status in the service too', async () => {
    const p = await server.program()
    await makePartner(server, p.key, { id: 'svc-a' })
    await makePartner(server, p.key, { id: 'svc-b' })
    await server.post('/v1/partners/svc-b/reject', { key: p.key })
    const program = (await programById(server.store.db, p.id))!
    const list = (status?: 'active' | 'rejected' | 'pending') =>
      listPartners(server.store.db, program, { sort: 'asc', offset: 0, fetch: 10, filters: { status } }, server.url)
    expect((await list('rejected')).map((r) => r.id)).toEqual(['svc-b'])
    expect((await list('active')).map((r) => r.id)).toEqual(['svc-a'])
    expect(await list('pending')).toEqual([])
    expect((await list()).map((r) => r.id)).toEqual(['svc-a', 'svc-b'])
  })

  it('rejects, archives, restores and approves one partner, with the API\'s events and an audit entry each', async () => {
    const p = await server.program()
    await makePartner(server, p.key, { id: 'one' })
    const { v, userId } = await admin(p)
    await v.get('/admin/partners')
    const steps: Array<[string, string, string, string]> = [
      ['reject', 'partner.rejected', 'partner.rejected', 'rejected'],
      ['archive', 'partner.archived', 'partner.archived', 'archived'],
      ['restore', 'partner.updated', 'partner.restored', 'rejected'],
      ['approve', 'partner.approved', 'partner.approved', 'active'],
    ]
    for (const [action, event, audited, status] of steps) {
      let answer!: Awaited<ReturnType<Visitor['post']>>
      expect(await newEvents(p, async () => { answer = await v.post(`/admin/partners/one/${action}`, { back: 'list' }) })).toEqual([event])
      expect(answer.status, answer.text).toBe(303)
      expect(answer.headers.location).toMatch(/^\/admin\/partners\?notice=partner-/)
      expect((await v.follow(answer)).text).toContain('class="notice ok"')
      expect((await server.get('/v1/partners/one', { key: p.key })).json.data.status).toBe(status)
      const [entry] = await audits(p)
      expect(entry).toMatchObject({ action: audited, objectType: 'partner', objectId: 'one', userId })
    }
    // An action that does not apply is refused with the service's reason and changes nothing.
    const again = await v.post('/admin/partners/one/approve', { back: 'partner' })
    expect(again.status).toBe(400)
    expect(again.text).toContain('The partner is already approved.')
  })

  it('changes the checked partners in bulk and says which were refused and why', async () => {
    const p = await server.program()
    for (const id of ['b1', 'b2', 'b3']) await makePartner(server, p.key, { id })
    await server.post('/v1/partners/b3/archive', { key: p.key })
    const { v } = await admin(p)
    await v.get('/admin/partners')
    let answer!: Awaited<ReturnType<Visitor['post']>>
    const events = await newEvents(p, async () => {
      answer = await v.post('/admin/partners/bulk', { action: 'reject', 'ids[]': ['b1', 'b2', 'b3', 'nobody'] })
    })
    expect(answer.status).toBe(200)
    expect(events).toEqual(['partner.rejected', 'partner.rejected'])
    expect(answer.text).toContain('Reject: 2 changed, 2 refused.')
    expect(answer.text).toContain('<strong>b3</strong>: The partner is archived; restore it before rejecting.')
    expect(answer.text).toContain('<strong>nobody</strong>: Partner not found')
    const entries = await audits(p)
    expect(entries.filter((e) => e.action === 'partner.rejected').map((e) => e.objectId).sort()).toEqual(['b1', 'b2'])
  })
})

describe('a partner\'s page', () => {
  it('shows its figures, links, customers unmasked, rewards and payout method', async () => {
    const p = await server.program()
    await makePartner(server, p.key, { id: 'page-ann', name: 'Ann', surname: 'Page', key: 'pageann' })
    await server.put('/v1/partners/page-ann', { key: p.key, body: { payout_gateway: 'paypal', payout_settings: { email: 'ann-pays@example.com' } } })
    await makeCustomer(server, p.key, { key: 'cus-p', email: 'customer.full@example.com', partner: { id: 'page-ann' } })
    await makeSale(server, p.key, { key: 'order-p', amount: 80, customer: { key: 'cus-p' } })
    const { v } = await admin(p)
    const page = await v.get('/admin/partners/page-ann')
    expect(page.status, page.text).toBe(200)
    expect(page.text).toContain('<h1>Ann Page</h1>')
    expect(page.text).toContain('<dt>Revenue</dt><dd>$80.00</dd>')
    expect(page.text).toContain('pageann (default)')
    expect(page.text).toContain('customer.full@example.com')
    expect(page.text).toContain('Sale order-p of $80.00')
    expect(page.text).toContain('ann-pays@example.com')
    expect(page.text).toContain("earns by the program's rules")
    // Its referral key names it too, as in the API's paths.
    expect((await v.get('/admin/partners/pageann')).status).toBe(200)
    expect((await v.get('/admin/partners/nobody')).status).toBe(404)
  })

  it('sets and removes its own commission through the API\'s service, and refuses a bad rate on the form', async () => {
    const p = await server.program()
    await makePartner(server, p.key, { id: 'rate' })
    const { v } = await admin(p)
    await v.get('/admin/partners/rate')
    const bad = await v.post('/admin/partners/rate/commission', { type: 'percent', value: 'lots' })
    expect(bad.status).toBe(422)
    expect(bad.text).toContain('aria-invalid="true"')
    expect(bad.text).toContain('value="lots"')
    let answer!: Awaited<ReturnType<Visitor['post']>>
    expect(await newEvents(p, async () => { answer = await v.post('/admin/partners/rate/commission', { type: 'percent', value: '15', period: '12 months' }) })).toEqual(['partner.updated'])
    expect(answer.status, answer.text).toBe(303)
    const api = (await server.get('/v1/partners/rate/commission', { key: p.key })).json.data
    expect(api).toMatchObject({ custom: true, type: 'percent', value: 15 })
    expect((await audits(p))[0]).toMatchObject({ action: 'partner.commission_set', objectId: 'rate' })
    const shown = await v.follow(answer)
    expect(shown.text).toContain('The partner now earns its own rate.')
    expect(await newEvents(p, async () => { answer = await v.post('/admin/partners/rate/commission/remove') })).toEqual(['partner.updated'])
    expect(answer.status).toBe(303)
    expect((await server.get('/v1/partners/rate/commission', { key: p.key })).json.data.custom).toBe(false)
    expect((await audits(p))[0]).toMatchObject({ action: 'partner.commission_removed', objectId: 'rate' })
  })

  it('grants a bonus as POST /v1/partners/{id}/reward does', async () => {
    const p = await server.program()
    await makePartner(server, p.key, { id: 'bonus' })
    const { v } = await admin(p)
    await v.get('/admin/partners/bonus')
    const bad = await v.post('/admin/partners/bonus/bonus', { amount: '-5' })
    expect(bad.status).toBe(422)
    expect(bad.text).toContain('id="f-bonus-amount-error"')
    let answer!: Awaited<ReturnType<Visitor['post']>>
    expect(await newEvents(p, async () => { answer = await v.post('/admin/partners/bonus/bonus', { amount: '12.50', description: 'Great month' }) })).toEqual(['reward.created'])
    expect(answer.status, answer.text).toBe(303)
    const page = await v.follow(answer)
    expect(page.text).toContain('The bonus is granted')
    expect(page.text).toContain('Great month')
    expect(page.text).toContain('<dt>Payable</dt><dd>$12.50</dd>')
    expect((await audits(p))[0]).toMatchObject({ action: 'partner.bonus_granted', objectId: 'bonus' })
  })

  it('opens the portal as the partner: a one-use sign-in link, audited', async () => {
    const p = await server.program()
    await makePartner(server, p.key, { id: 'imp', name: 'Impy' })
    const { v, userId } = await admin(p)
    await v.get('/admin/partners/imp')
    const answer = await v.post('/admin/partners/imp/impersonate')
    expect(answer.status).toBe(303)
    const to = new URL(answer.headers.location as string)
    expect(to.pathname).toMatch(new RegExp(`^/portal/${p.publicId}/sign-in/[A-Za-z0-9_-]+$`))
    expect((await audits(p))[0]).toMatchObject({ action: 'partner.impersonated', objectId: 'imp', userId })
    const portal = visitor(server)
    const signedIn = await portal.get(to.pathname)
    expect(signedIn.status).toBe(303)
    expect((await portal.follow(signedIn)).status).toBe(200)
  })
})
