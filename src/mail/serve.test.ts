// Mail from a real `partnerkit serve`: with no SMTP_URL the mail goes to the log and `partnerkit
// mail list` shows it with its links (how a laptop install signs in); with SMTP_URL it goes to
// the relay. A partner created through the API, in a program that sends welcome mails, gets one.
import type { ChildProcess } from 'node:child_process'
import { describe, expect, it } from 'vitest'
import { freshStore } from '../../test/support/store.js'
import { runCli, serveCli, type RunningServer } from '../../test/support/cli.js'
import { call } from '../../test/support/client.js'
import { startMailbox } from '../../test/support/mailbox.js'

/** The first line the process writes to stdout that matches, as it arrives. */
function lineFrom(child: ChildProcess, already: string, match: (line: string) => boolean, timeoutMs = 10_000): Promise<string> {
  return new Promise((resolve, reject) => {
    let seen = already
    const check = () => {
      const line = seen.split('\n').find(match)
      if (line === undefined) return false
      child.stdout?.off('data', onData)
      clearTimeout(timer)
      resolve(line)
      return true
    }
    const onData = (chunk: Buffer) => {
      seen += chunk.toString()
      check()
    }
    const timer = setTimeout(() => {
      child.stdout?.off('data', onData)
      reject(new Error(`no matching line within ${timeoutMs} ms:\n${seen}`))
    }, timeoutMs)
    if (!check()) child.stdout?.on('data', onData)
  })
}

/** The demo program's key (printed at first start), its welcome mails switched on, and a new partner in it. */
async function partnerJoins(server: RunningServer, email: string): Promise<void> {
  const key = /pk_live_[A-Za-z0-9]{32}/.exec(server.stdout())?.[0]
  expect(key).toBeDefined()
  expect((await call(server.url, 'PUT', '/v1/program', { key, body: { program_settings: { welcome_email_enabled: true } } })).status).toBe(200)
  const made = await call(server.url, 'POST', '/v1/partners', { key, body: { email, name: 'Lap Top' } })
  expect(made.status, made.text).toBe(201)
}

describe('mail from partnerkit serve', () => {
  it('without SMTP_URL writes the mail to the log, and `mail list` prints it with its links', async () => {
    const store = await freshStore()
    const server = await serveCli({ ...store.env, LOG_LEVEL: 'info' })
    try {
      await partnerJoins(server, 'laptop@example.com')
      const line = await lineFrom(server.child, server.stdout(), (l) => l.includes('"mail"') && l.includes('laptop@example.com'))
      const logged = JSON.parse(line) as { mail: { to: string; subject: string; links: string[] } }
      expect(logged.mail).toMatchObject({ to: 'laptop@example.com', subject: 'Welcome to Demo Affiliate Program: you are approved' })
      expect(logged.mail.links).toContainEqual(expect.stringMatching(/^http:\/\/localhost:\d+\/portal\/[A-Z0-9]{8}$/))

      const list = await runCli(['mail', 'list'], store.env)
      expect(list.stderr).toBe('')
      expect(list.code).toBe(0)
      expect(list.stdout).toMatch(/^\d{4}-\d\d-\d\dT[\d:.]+Z {2}logged\n {2}To: {6}laptop@example\.com\n {2}Subject: Welcome to Demo Affiliate Program: you are approved\n/)
      for (const link of logged.mail.links) expect(list.stdout).toContain(`  Link:    ${link}\n`)

      expect((await runCli(['mail', 'list', '--to', 'someone@example.com'], store.env)).stdout).toBe('No mails to someone@example.com.\n')
      const bad = await runCli(['mail', 'list', '--limit', 'lots'], store.env)
      expect(bad.code).toBe(2)
      expect(bad.stderr).toMatch(/^partnerkit: --limit must be a whole number/)
    } finally {
      expect(await server.stop('SIGTERM')).toBe(0)
      await store.drop()
    }
  })

  it('with SMTP_URL and MAIL_FROM sends the mail through the relay', async () => {
    const store = await freshStore()
    const mailbox = await startMailbox()
    const server = await serveCli({ ...store.env, SMTP_URL: mailbox.url, MAIL_FROM: 'Acme Partners <partners@acme.example>' })
    try {
      await partnerJoins(server, 'relayed@example.com')
      const got = await mailbox.waitFor('relayed@example.com')
      expect(got).toMatchObject({ from: 'partners@acme.example', subject: 'Welcome to Demo Affiliate Program: you are approved' })
      const list = await runCli(['mail', 'list'], store.env)
      expect(list.stdout).toMatch(/ {2}sent\n {2}To: {6}relayed@example\.com\n/)
    } finally {
      expect(await server.stop('SIGTERM')).toBe(0)
      await mailbox.close()
      await store.drop()
    }
  })

  it('refuses a bad SMTP_URL without showing it, and SMTP_URL without MAIL_FROM', async () => {
    const secret = await runCli(['programs', 'list'], { SMTP_URL: 'http://mailer:hunter2@relay.example', MAIL_FROM: 'partners@acme.example' })
    expect(secret.code).toBe(78)
    expect(secret.stderr).toContain('SMTP_URL (value not shown): expected a URL starting with smtp:// or smtps://')
    expect(secret.stderr).not.toContain('hunter2')
    const noFrom = await runCli(['programs', 'list'], { SMTP_URL: 'smtp://mailer:hunter2@relay.example:587' })
    expect(noFrom.code).toBe(78)
    expect(noFrom.stderr).toContain('MAIL_FROM: required when SMTP_URL is set')
    expect(noFrom.stderr).not.toContain('hunter2')
    const header = await runCli(['programs', 'list'], { MAIL_FROM: 'partners@acme.example\nBcc: all@example.com x' })
    expect(header.code).toBe(78)
    expect(header.stderr).toContain('MAIL_FROM=')
  })
})
