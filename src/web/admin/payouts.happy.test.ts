// The admin's payout pages over HTTP, as an admin without script uses them: the list by status, a
// request with its statement, each decision (the API's same outbox event, and an audit entry),
// the downloads (the very files the API answers) and the payout settings.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startServer, type TestServer } from '../../../test/support/server.js'
import { eventsOf } from '../../../test/support/partners.js'
import { earningPartner, requestPayout } from '../../../test/support/payouts.js'
import { auditOf, signedInMember } from '../../../test/support/admin-sign-in.js'

let server: TestServer
beforeAll(async () => {
  server = await startServer()
})
afterAll(() => server.close())

async function programWithRequests(count: number) {
  const p = await server.program({ name: 'Payout Shop' })
  const requests = []
  for (let i = 0; i < count; i++) {
    const partner = await earningPartner(server, p.key, [100 + i], { name: `Pia${i}`, surname: 'Payee' })
    requests.push({ partner, payout: await requestPayout(server, p.key, { partner: { key: partner.key } }) })
  }
  return { p, requests }
}

describe('the payout list and a request\'s page', () => {
  it('show the requests by status with partner, amount and method, and the statement lines', async () => {
    const { p, requests } = await programWithRequests(2)
    const { v } = await signedInMember(server, p.id, 'viewer')
    const list = await v.get('/admin/payouts')
    expect(list.status, list.text).toBe(200)
    expect(list.text).toContain('href="/admin/payouts"')
    for (const { partner, payout } of requests) {
      expect(list.text).toContain(`href="/admin/payouts/${payout.id}"`)
      expect(list.text).toContain(partner.email)
    }
    expect(list.text).toContain('$30.00')
    expect(list.text).toContain('paypal')

    const approved = await v.get('/admin/payouts?status=approved')
    expect(approved.text).toContain('No approved payout requests.')
    expect((await v.get('/admin/payouts?status=requested')).text).toContain(`/admin/payouts/${requests[0]!.payout.id}"`)

    const one = await v.get(`/admin/payouts/${requests[1]!.payout.id}`)
    expect(one.status, one.text).toBe(200)
    expect(one.text).toContain(`Payout request #${requests[1]!.payout.id}`)
    expect(one.text).toContain('Pia1 Payee')
    expect(one.text).toContain('$30.30')
    expect(one.text).toContain(requests[1]!.partner.sales[0]!.key)
    expect(one.text).toContain(`href="/admin/payouts/${requests[1]!.payout.id}/statement.csv"`)
    // A viewer is offered no change.
    expect(one.text).not.toContain('/approve"')
    expect(list.text).not.toContain('action="/admin/payouts/settings"')
  })
})

describe('decisions on a request', () => {
  it('approve and mark as paid through the API\'s service: its events, an audit entry each', async () => {
    const { p, requests } = await programWithRequests(1)
    const { v, userId } = await signedInMember(server, p.id, 'admin')
    const id = requests[0]!.payout.id
    const open = await v.get(`/admin/payouts/${id}`)
    for (const action of ['approve', 'reject', 'request-resubmit']) expect(open.text).toContain(`action="/admin/payouts/${id}/${action}"`)
    expect(open.text).not.toContain(`action="/admin/payouts/${id}/mark-paid"`)
    const approve = await v.post(`/admin/payouts/${id}/approve`)
    expect(approve.status, approve.text).toBe(303)
    expect(approve.headers.location).toBe(`/admin/payouts/${id}?notice=payout-approved`)
    const after = await v.follow(approve)
    expect(after.text).toContain('The payout request is approved.')
    expect(after.text).toContain('<span class="state">Approved</span>')
    // Only what the status allows is offered.
    expect(after.text).toContain(`action="/admin/payouts/${id}/mark-paid"`)
    expect(after.text).not.toContain(`action="/admin/payouts/${id}/approve"`)

    // Approving again: the service's refusal, on the page.
    const twice = await v.post(`/admin/payouts/${id}/approve`)
    expect(twice.status).toBe(400)
    expect(twice.text).toContain('this one is approved')

    const paid = await v.post(`/admin/payouts/${id}/mark-paid`)
    expect(paid.status, paid.text).toBe(303)
    const api = await server.get(`/v1/payout_requests/${id}`, { key: p.key })
    expect(api.json.data.status).toBe('finished')

    const events = (await eventsOf(server, p.id)).map((e) => e.type)
    expect(events).toContain('payout.approved')
    expect(events).toContain('payout.paid')
    const audit = await auditOf(server, p.id)
    expect(audit.map((a) => [a.action, a.objectType, a.objectId, a.userId])).toEqual(expect.arrayContaining([
      ['payout.approved', 'payout_request', String(id), userId],
      ['payout.paid', 'payout_request', String(id), userId],
    ]))
  })

  it('reject with a reason, and ask to resubmit only with one', async () => {
    const { p, requests } = await programWithRequests(2)
    const { v } = await signedInMember(server, p.id, 'owner')
    const [first, second] = requests.map((r) => r.payout.id)
    await v.get(`/admin/payouts/${first}`)
    const rejected = await v.post(`/admin/payouts/${first}/reject`, { reason: 'Duplicate account' })
    expect(rejected.status, rejected.text).toBe(303)
    const page = await v.follow(rejected)
    expect(page.text).toContain('Duplicate account')
    expect((await server.get(`/v1/payout_requests/${first}`, { key: p.key })).json.data).toMatchObject({ status: 'rejected', reason: 'Duplicate account' })

    const noReason = await v.post(`/admin/payouts/${second}/request-resubmit`, { reason: '' })
    expect(noReason.status).toBe(422)
    expect(noReason.text).toContain('The reason field is required')
    const sent = await v.post(`/admin/payouts/${second}/request-resubmit`, { reason: 'Use your business PayPal' })
    expect(sent.status, sent.text).toBe(303)
    expect((await server.get(`/v1/payout_requests/${second}`, { key: p.key })).json.data.status).toBe('resubmit_requested')

    const events = await eventsOf(server, p.id)
    expect(events.filter((e) => e.type === 'payout.rejected').map((e) => e.data.id)).toEqual([first])
    expect(events.filter((e) => e.type === 'payout.resubmit_requested').map((e) => e.data.id)).toEqual([second])
    const audit = await auditOf(server, p.id)
    expect(audit.find((a) => a.action === 'payout.rejected')?.detail).toMatchObject({ reason: 'Duplicate account' })
    expect(audit.find((a) => a.action === 'payout.resubmit_requested')?.objectId).toBe(String(second))
  })
})

describe('downloads', () => {
  it('are the API\'s own files, sent as attachments', async () => {
    const { p, requests } = await programWithRequests(2)
    for (const { payout } of requests) await server.post(`/v1/payout_requests/${payout.id}/approve`, { key: p.key })
    const { v } = await signedInMember(server, p.id, 'viewer')
    for (const format of ['paypal', 'wise', 'csv']) {
      const page = await v.get(`/admin/payouts/export?status=approved&format=${format}`)
      expect(page.status, page.text).toBe(200)
      expect(page.headers['content-disposition']).toBe(`attachment; filename="payouts-approved-${format}.csv"`)
      expect(page.headers['content-type']).toMatch(/^text\/csv/)
      const api = await server.get(`/v1/payout_requests:export?status=approved&format=${format}`, { key: p.key })
      expect(page.text).toBe(api.text)
    }
    expect((await v.get('/admin/payouts/export?format=csv')).text).toContain(requests[0]!.partner.email)
    expect((await v.get('/admin/payouts/export?format=pdf')).status).toBe(422)

    const id = requests[0]!.payout.id
    const statement = await v.get(`/admin/payouts/${id}/statement.csv`)
    expect(statement.status).toBe(200)
    expect(statement.headers['content-disposition']).toBe(`attachment; filename="payout-${id}-statement.csv"`)
    expect(statement.text).toBe((await server.get(`/v1/payout_requests/${id}/statement?format=csv`, { key: p.key })).text)
  })
})

describe('payout settings', () => {
  it('are saved through PUT /v1/program\'s service and checks, and audited', async () => {
    const p = await server.program()
    const { v, userId } = await signedInMember(server, p.id, 'admin')
    const form = await v.get('/admin/payouts')
    expect(form.text).toContain('action="/admin/payouts/settings"')
    const saved = await v.post('/admin/payouts/settings', {
      payout_threshold: '50', payout_referred_customers_threshold: '2', payout_automation_enabled: 'on',
      payout_automation_schedule: 'weekly', payout_automation_min: '60', payout_automation_max: '500.5',
    })
    expect(saved.status, saved.text).toBe(303)
    expect((await v.follow(saved)).text).toContain('The payout settings are saved.')
    const program = (await server.get('/v1/program', { key: p.key })).json.data
    expect(program.program_settings).toMatchObject({ payout_threshold: 50, payout_automation_enabled: true, payout_automation_schedule: 'weekly' })
    expect((await eventsOf(server, p.id)).map((e) => e.type)).toContain('program.updated')
    const entry = (await auditOf(server, p.id)).find((a) => a.action === 'program.payout_settings_updated')
    expect(entry).toMatchObject({ objectType: 'program', objectId: p.publicId, userId })

    const refused = await v.post('/admin/payouts/settings', { payout_threshold: 'lots', payout_automation_min: '10', payout_automation_max: '5' })
    expect(refused.status).toBe(422)
    expect(refused.text).toContain('The payout threshold')
    expect(refused.text).toContain('The payout automation max must be at least the payout automation min.')
    expect(refused.text).toContain('value="lots"')
    const notNumber = await v.post('/admin/payouts/settings', { payout_referred_customers_threshold: 'many' })
    expect(notNumber.status).toBe(422)
    expect((await server.get('/v1/program', { key: p.key })).json.data.program_settings.payout_threshold).toBe(50)
  })
})
