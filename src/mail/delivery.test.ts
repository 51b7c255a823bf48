// The mail queue against a real SMTP server: delivered once, kept through an outage and delivered
// when the relay is back, given up after a refusal or the last attempt, never sent twice by two
// jobs at once, and never queued by a transaction that rolled back.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { closedPort, startMailbox, type Mailbox } from '../../test/support/mailbox.js'
import { freshStore, type TestStore } from '../../test/support/store.js'
import { openMigratedStore, type Store } from '../store/store.js'
import { inTransaction } from '../store/transaction.js'
import { mailJob } from './job.js'
import { compose } from './message.js'
import { MAIL_MAX_ATTEMPTS } from './schedule.js'
import { smtpSender } from './sender.js'
import { queueMail, queueMails } from './store.js'

let testStore: TestStore
let store: Store
let mailbox: Mailbox
beforeAll(async () => {
  testStore = await freshStore()
  store = await openMigratedStore(testStore.options)
  mailbox = await startMailbox({ refuse: (address) => address.startsWith('nobody@') })
})
afterAll(async () => {
  await mailbox.close()
  await store.close()
  await testStore.drop()
})

const FROM = 'Acme Partners <partners@acme.example>'
let n = 0
const mail = (to: string, subject = `Hello ${++n}`) => ({
  kind: 'test', to, message: compose({ subject, greeting: 'Hi,', paragraphs: ['A test.'], action: { label: 'Open', url: 'https://acme.example/portal' } }),
})
const rowTo = (to: string) => store.db.selectFrom('mails').selectAll().where('to_address', '=', to).executeTakeFirstOrThrow()

describe('the mail queue', () => {
  it('delivers a queued mail once over SMTP and records it', async () => {
    await inTransaction(store.db, (tx) => queueMail(tx, mail('ana@example.com', 'Welcome, Ana')))
    const job = mailJob(store.db, { sender: smtpSender(mailbox.url, FROM), baseUrl: 'http://localhost' })
    try {
      expect((await job.runOnce()).attempted).toBe(1)
      const got = await mailbox.waitFor('ana@example.com')
      expect(got).toMatchObject({ subject: 'Welcome, Ana', from: 'partners@acme.example' })
      expect(got.text).toContain('Open: https://acme.example/portal')
      expect(got.html).toContain('href="https://acme.example/portal"')
      const row = await rowTo('ana@example.com')
      expect(row).toMatchObject({ status: 'sent', attempts: 1, last_error: null, claim_token: null })
      expect(Number(row.sent_at)).toBeGreaterThan(0)
      // A second run finds nothing to send.
      expect((await job.runOnce()).attempted).toBe(0)
      expect(mailbox.to('ana@example.com')).toHaveLength(1)
    } finally {
      job.close()
    }
  })

  it('forgets an admin invitation\'s text once the relay has it: it held a one-time sign-in link', async () => {
    const link = 'https://acme.example/admin/sign-in/one-time-token'
    await queueMail(store.db, { kind: 'admin-invitation', to: 'invited@example.com', message: compose({ subject: 'You are invited', greeting: 'Hi,', paragraphs: ['Join.'], action: { label: 'Open the admin', url: link } }) })
    const job = mailJob(store.db, { sender: smtpSender(mailbox.url, FROM), baseUrl: 'http://localhost' })
    try {
      expect((await job.runOnce()).attempted).toBe(1)
      expect((await mailbox.waitFor('invited@example.com')).text).toContain(link)
      const row = await rowTo('invited@example.com')
      expect(row.status).toBe('sent')
      expect(row.text + row.html).not.toContain(link)
    } finally {
      job.close()
    }
  })

  it('queues nothing when the transaction that queued it rolls back', async () => {
    await expect(inTransaction(store.db, async (tx) => {
      await queueMail(tx, mail('rolled-back@example.com'))
      throw new Error('the change failed')
    })).rejects.toThrow('the change failed')
    expect(await store.db.selectFrom('mails').select('id').where('to_address', '=', 'rolled-back@example.com').execute()).toEqual([])
  })

  it('keeps a mail while SMTP is down and delivers it when SMTP is back', async () => {
    const port = await closedPort()
    let clock = Date.now()
    const job = mailJob(store.db, { sender: smtpSender(`smtp://127.0.0.1:${port}`, FROM), baseUrl: 'http://localhost', now: () => clock, random: () => 0.5 })
    let back: Mailbox | undefined
    try {
      await queueMail(store.db, mail('outage@example.com', 'Sent after the outage'), clock)
      expect((await job.runOnce()).attempted).toBe(1)
      const failed = await rowTo('outage@example.com')
      expect(failed).toMatchObject({ status: 'pending', attempts: 1 })
      expect(failed.last_error).toMatch(/ECONNREFUSED|ECONNECTION|ESOCKET/)
      expect(Number(failed.next_attempt_at)).toBe(clock + 60_000)
      // Not due yet: the next run leaves it alone.
      expect((await job.runOnce()).attempted).toBe(0)

      back = await startMailbox({ port })
      clock += 61_000
      expect((await job.runOnce()).attempted).toBe(1)
      expect((await back.waitFor('outage@example.com')).subject).toBe('Sent after the outage')
      expect(await rowTo('outage@example.com')).toMatchObject({ status: 'sent', attempts: 2, last_error: null })
    } finally {
      job.close()
      await back?.close()
    }
  })

  it(`gives up after ${MAIL_MAX_ATTEMPTS} attempts, recording the last error`, async () => {
    const port = await closedPort()
    let clock = Date.now()
    const job = mailJob(store.db, { sender: smtpSender(`smtp://127.0.0.1:${port}`, FROM), baseUrl: 'http://localhost', now: () => clock })
    try {
      await queueMail(store.db, mail('never@example.com'), clock)
      for (let i = 0; i < MAIL_MAX_ATTEMPTS + 2; i++) {
        await job.runOnce()
        clock += 3 * 60 * 60_000
      }
      const row = await rowTo('never@example.com')
      expect(row).toMatchObject({ status: 'failed', attempts: MAIL_MAX_ATTEMPTS, sent_at: null })
      expect(row.last_error).toMatch(new RegExp(`^failed ${MAIL_MAX_ATTEMPTS} times; last: `))
    } finally {
      job.close()
    }
  })

  it('gives up at once when the relay refuses the recipient (5xx)', async () => {
    const job = mailJob(store.db, { sender: smtpSender(mailbox.url, FROM), baseUrl: 'http://localhost' })
    try {
      await queueMail(store.db, mail('nobody@example.com'))
      await job.runOnce()
      const row = await rowTo('nobody@example.com')
      expect(row).toMatchObject({ status: 'failed', attempts: 1 })
      expect(row.last_error).toMatch(/^refused; last: .*550/)
    } finally {
      job.close()
    }
  })

  it('never sends one mail twice when two jobs (two store handles) run at once', async () => {
    const other = await openMigratedStore(testStore.options)
    const jobs = [store, other].map((s) => mailJob(s.db, { sender: smtpSender(mailbox.url, FROM), baseUrl: 'http://localhost', concurrency: 3 }))
    try {
      const to = (i: number) => `race${i}@example.com`
      await queueMails(store.db, Array.from({ length: 24 }, (_, i) => mail(to(i), `Race ${i}`)))
      const reports = await Promise.all([...jobs, ...jobs].map((j) => j.runOnce()))
      expect(reports.reduce((sum, r) => sum + r.attempted, 0)).toBe(24)
      for (let i = 0; i < 24; i++) await mailbox.waitFor(to(i))
      for (let i = 0; i < 24; i++) expect(mailbox.to(to(i)), to(i)).toHaveLength(1)
      const rows = await store.db.selectFrom('mails').select(['status', 'attempts']).where('to_address', 'like', 'race%').execute()
      expect(rows).toHaveLength(24)
      expect(rows.every((r) => r.status === 'sent' && Number(r.attempts) === 1)).toBe(true)
    } finally {
      for (const j of jobs) j.close()
      await other.close()
    }
  })
})
