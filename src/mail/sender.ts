// Where a mail goes: to an SMTP relay (SMTP_URL) through nodemailer, or — with no SMTP_URL — to the
// log, so a fresh install still shows its sign-in links and codes (`partnerkit mail list` too).
import { createTransport } from 'nodemailer'
import type { FastifyBaseLogger } from 'fastify'

export interface Outgoing {
  to: string
  subject: string
  text: string
  html: string
}

export interface Sender {
  /** `smtp` records a delivered mail as sent, `log` as logged. */
  kind: 'smtp' | 'log'
  /** Resolves once the mail is accepted; throws a MailError when it is not. */
  send(mail: Outgoing): Promise<void>
  close(): void
}

/** A refused or failed send; `permanent` when trying again cannot help (the relay refused the recipient). */
export class MailError extends Error {
  constructor(message: string, readonly permanent: boolean) {
    super(message)
  }
}

/** How long one SMTP conversation may take before it counts as failed (and is retried). */
export const SMTP_TIMEOUT_MS = 30_000

export function smtpSender(url: string, from: string): Sender {
  // nodemailer's own timeouts are minutes long; a claim must outlive the whole conversation.
  const transport = createTransport({
    url, connectionTimeout: SMTP_TIMEOUT_MS / 3, greetingTimeout: SMTP_TIMEOUT_MS / 3, socketTimeout: SMTP_TIMEOUT_MS,
  }, { from })
  return {
    kind: 'smtp',
    async send(mail) {
      try {
        await transport.sendMail({ to: mail.to, subject: mail.subject, text: mail.text, html: mail.html })
      } catch (err) {
        throw asMailError(err)
      }
    },
    close: () => transport.close(),
  }
}

/**
 * A 5xx reply is the relay's final word about this mail (no such mailbox, message refused), so
 * the mail is given up at once; a failed sign-in to the relay (EAUTH) is a setting to fix, not the
 * mail's fault, and like a network failure or a 4xx it is retried.
 */
export function asMailError(err: unknown): MailError {
  const e = err as { message?: string; code?: string; responseCode?: number }
  const permanent = typeof e.responseCode === 'number' && e.responseCode >= 500 && e.code !== 'EAUTH'
  const message = [e.code, e.responseCode, e.message ?? String(err)].filter((p) => p !== undefined).join(' ')
  return new MailError(message, permanent)
}

/** The links in a text body: what a person needs to act on a mail read from the log. A sentence's full stop is not part of its link. */
export function linksIn(text: string): string[] {
  return [...new Set((text.match(/https?:\/\/[^\s<>"]+/g) ?? []).map((link) => link.replace(/[.,;:!?)]+$/, '')))]
}

export function logSender(log: FastifyBaseLogger): Sender {
  return {
    kind: 'log',
    async send(mail) {
      // The subject carries a sign-in code when there is one; the links carry the rest.
      log.info({ mail: { to: mail.to, subject: mail.subject, links: linksIn(mail.text) } },
        `mail to ${mail.to} (no SMTP_URL, so logged instead of sent): ${mail.subject}`)
    },
    close: () => {},
  }
}
