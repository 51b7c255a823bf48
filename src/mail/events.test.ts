// Mails that domain events ask for, with changes made through the API and the mail read from a real
// SMTP server. The program's email settings decide: off, nothing is queued.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startServer, type TestServer } from '../../test/support/server.js'
import { startMailbox, type Mailbox } from '../../test/support/mailbox.js'
import { act, earningPartner, requestPayout } from '../../test/support/payouts.js'
import { mailJob } from './job.js'
import { smtpSender } from './sender.js'

let server: TestServer
let mailbox: Mailbox
let job: ReturnType<typeof mailJob>
const BASE = 'https://partners.acme.example'
beforeAll(async () => {
  server = await startServer()
  mailbox = await startMailbox()
  job = mailJob(server.store.db, { sender: smtpSender(mailbox.url, 'partners@acme.example'), baseUrl: BASE })
})
afterAll(async () => {
  job.close()
  await mailbox.close()
  await server.close()
})

async function programWith(settings: Record<string, unknown>) {
  const p = await server.program({ name: 'Acme Partners' })
  const res = await server.put('/v1/program', { key: p.key, body: { program_settings: settings } })
  expect(res.status, res.text).toBe(200)
  return p
}

async function createPartner(key: string, email: string, name = 'Ana') {
  const res = await server.post('/v1/partners', { key, body: { email, name } })
  expect(res.status, res.text).toBe(201)
  return res.json.data as { id: string }
}

describe('mails from domain events', () => {
  it('a partner waiting for approval gets "application received", then "approved" or "rejected"', async () => {
    const p = await programWith({ welcome_email_enabled: true, partner_email_notifications_enabled: true, partner_auto_approve: false })
    const ana = await createPartner(p.key, 'Ana@Example.com')
    const bob = await createPartner(p.key, 'bob@example.com', 'Bob')
    expect((await job.runOnce()).queued).toBe(2)
    const received = await mailbox.waitFor('ana@example.com', (m) => m.subject === 'We received your application to Acme Partners')
    expect(received.text).toContain('Hi Ana,')
    expect(received.text).toContain(`${BASE}/portal/${p.publicId}`)

    expect((await server.post(`/v1/partners/${ana.id}/approve`, { key: p.key })).status).toBe(200)
    expect((await server.post(`/v1/partners/${bob.id}/reject`, { key: p.key })).status).toBe(200)
    await job.runOnce()
    const approved = await mailbox.waitFor('ana@example.com', (m) => m.subject.startsWith('Welcome to Acme Partners'))
    expect(approved.text).toMatch(/Share your referral link to start earning: https?:\/\//)
    await mailbox.waitFor('bob@example.com', (m) => m.subject === 'Your application to Acme Partners')
    expect(mailbox.to('bob@example.com').map((m) => m.subject)).toEqual(['We received your application to Acme Partners', 'Your application to Acme Partners'])
  })

  it('a partner earns a commission and is paid: "new commission", then "payout sent"', async () => {
    const p = await programWith({ partner_email_notifications_enabled: true })
    const partner = await earningPartner(server, p.key, [100], { email: 'cleo@example.com', name: 'Cleo' })
    await job.runOnce()
    const earned = await mailbox.waitFor('cleo@example.com', (m) => m.subject === 'You earned $30.00 with Acme Partners')
    expect(earned.text).toContain('A new commission of $30.00')

    const payout = await requestPayout(server, p.key, { partner: { key: partner.key } })
    await act(server, p.key, payout.id, 'approve')
    await act(server, p.key, payout.id, 'mark_as_paid')
    await job.runOnce()
    const paid = await mailbox.waitFor('cleo@example.com', (m) => m.subject === 'Acme Partners sent you $30.00')
    expect(paid.text).toContain('was sent by PayPal')
  })

  it('sends nothing the program has not switched on', async () => {
    const p = await programWith({ welcome_email_enabled: false, partner_email_notifications_enabled: false })
    await earningPartner(server, p.key, [100], { email: 'quiet@example.com' })
    await job.runOnce()
    const rows = await server.store.db.selectFrom('mails').select('id').where('program_id', '=', p.id).execute()
    expect(rows).toEqual([])
    // The events were read all the same: none is left for a later run.
    const unread = await server.store.db.selectFrom('outbox').select('id').where('program_id', '=', p.id).where('mailed', '=', 0).execute()
    expect(unread).toEqual([])
  })

  it('escapes a hostile partner name in the mail as received', async () => {
    const p = await programWith({ welcome_email_enabled: true })
    await createPartner(p.key, 'hostile@example.com', '<img src=x onerror=alert(1)>"\'')
    await job.runOnce()
    const got = await mailbox.waitFor('hostile@example.com')
    expect(got.subject).toBe('Welcome to Acme Partners: you are approved')
    expect(got.html).not.toMatch(/<img/i)
    expect(got.html).toContain('Hi &lt;img src=x onerror=alert(1)&gt;&quot;&#39;,')
    expect(got.text).toContain('Hi <img src=x onerror=alert(1)>"\',')
  })
})
