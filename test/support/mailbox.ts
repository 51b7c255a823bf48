// A real SMTP server in the test process (npm smtp-server), whose mails are parsed by mailparser:
// tests send through nodemailer as production does and read what actually arrived. waitFor()
// resolves when a matching mail arrives (or is there already), so no test sleeps.
import net from 'node:net'
import { SMTPServer } from 'smtp-server'
import { simpleParser } from 'mailparser'

export interface ReceivedMail {
  /** The envelope's recipients (RCPT TO), lower-cased. */
  to: string[]
  from: string
  subject: string
  text: string
  html: string
}

export interface Mailbox {
  /** smtp://127.0.0.1:PORT, for SMTP_URL. */
  url: string
  port: number
  received: ReceivedMail[]
  /** The first mail to `to` that `match` accepts, waiting for it up to `timeoutMs`. */
  waitFor(to: string, match?: (mail: ReceivedMail) => boolean, timeoutMs?: number): Promise<ReceivedMail>
  /** Mails received to `to`. */
  to(address: string): ReceivedMail[]
  close(): Promise<void>
}

export interface MailboxOptions {
  /** Listen on this port (a test that brings SMTP back after an outage); default any free port. */
  port?: number
  /** Recipients refused with 550, as a relay refuses an unknown mailbox. */
  refuse?: (address: string) => boolean
}

export async function startMailbox(options: MailboxOptions = {}): Promise<Mailbox> {
  const received: ReceivedMail[] = []
  const waiters = new Set<() => void>()
  const server = new SMTPServer({
    authOptional: true,
    // Plain SMTP on loopback: nodemailer would otherwise upgrade to TLS and need a certificate.
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onRcptTo(address, _session, callback) {
      if (options.refuse?.(address.address)) {
        const err = Object.assign(new Error('No such mailbox here'), { responseCode: 550 })
        callback(err)
        return
      }
      callback()
    },
    onData(stream, session, callback) {
      simpleParser(stream).then((parsed) => {
        received.push({
          to: session.envelope.rcptTo.map((r) => r.address.toLowerCase()),
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          subject: parsed.subject ?? '',
          text: parsed.text ?? '',
          html: typeof parsed.html === 'string' ? parsed.html : '',
        })
        for (const wake of [...waiters]) wake()
        callback()
      }, (err: Error) => callback(err))
    },
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve())
  })
  const port = (server.server.address() as net.AddressInfo).port
  const to = (address: string) => received.filter((m) => m.to.includes(address.toLowerCase()))
  return {
    url: `smtp://127.0.0.1:${port}`,
    port,
    received,
    to,
    waitFor(address, match = () => true, timeoutMs = 10_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const found = to(address).find(match)
          if (!found) return
          waiters.delete(check)
          clearTimeout(timer)
          resolve(found)
        }
        const timer = setTimeout(() => {
          waiters.delete(check)
          reject(new Error(`no mail to ${address} matching within ${timeoutMs} ms; got: ${received.map((m) => `${m.to.join(',')}: ${m.subject}`).join(' | ') || 'nothing'}`))
        }, timeoutMs)
        waiters.add(check)
        check()
      })
    },
    close: () => new Promise((resolve) => server.close(() => resolve())),
  }
}

/** A loopback port nothing listens on (yet): an SMTP relay that is down. */
export async function closedPort(): Promise<number> {
  const probe = net.createServer()
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', () => resolve()))
  const { port } = probe.address() as net.AddressInfo
  await new Promise((resolve) => probe.close(resolve))
  return port
}
