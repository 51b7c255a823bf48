// What the page suites that follow mail need: a test server, an SMTP server in this process fed by
// the real mail job, and Chromium. Started and closed together.
import type { Browser } from 'playwright-core'
import { startServer, type TestServer } from './server.js'
import { startMailbox, type Mailbox } from './mailbox.js'
import { launchBrowser } from './browser.js'
import { mailJob } from '../../src/mail/job.js'
import { smtpSender } from '../../src/mail/sender.js'

export interface MailBrowser {
  server: TestServer
  mailbox: Mailbox
  job: ReturnType<typeof mailJob>
  browser: Browser
  close(): Promise<void>
}

export async function startMailBrowser(from: string): Promise<MailBrowser> {
  const server = await startServer()
  const mailbox = await startMailbox()
  const job = mailJob(server.store.db, { sender: smtpSender(mailbox.url, from), baseUrl: server.url })
  const browser = await launchBrowser()
  return {
    server, mailbox, job, browser,
    async close() {
      await browser.close()
      job.close()
      await mailbox.close()
      await server.close()
    },
  }
}
