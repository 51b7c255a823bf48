// Every message with hostile names: whatever a partner or merchant typed is text in the HTML (no
// tag, no attribute it could break out of), stays readable in the text body, and cannot add a
// header line through the subject.
import { describe, expect, it } from 'vitest'
import { escapeHtml, type Message } from './message.js'
import { applicationApproved } from './messages/application-approved.js'
import { applicationReceived } from './messages/application-received.js'
import { applicationRejected } from './messages/application-rejected.js'
import { newCommission } from './messages/new-commission.js'
import { passwordReset } from './messages/password-reset.js'
import { payoutSent } from './messages/payout-sent.js'
import { signIn } from './messages/sign-in.js'
import { verifyEmail } from './messages/verify-email.js'
import { invitation } from './messages/invitation.js'

const SCRIPT = '<script>alert(1)</script>'
const IMG = '<img src=x onerror=alert(2)>'
const QUOTES = `"><b x='y'>&amp;`
const LINE = 'Evil\r\nBcc: everyone@example.com'
const programName = `${SCRIPT} ${LINE}`
const partnerName = `${IMG} ${QUOTES}`
const url = `https://acme.example/portal?next="><script>alert(3)</script>`

const messages: Record<string, Message> = {
  verifyEmail: verifyEmail({ programName, partnerName, url, validMinutes: 60 }),
  signIn: signIn({ programName, partnerName, code: '123456', url, validMinutes: 15 }),
  passwordReset: passwordReset({ programName, partnerName, url, validMinutes: 30 }),
  applicationReceived: applicationReceived({ programName, partnerName, portalUrl: url }),
  applicationApproved: applicationApproved({ programName, partnerName, portalUrl: url, referralLink: `https://shop.example/?aff=${QUOTES}` }),
  applicationRejected: applicationRejected({ programName, partnerName }),
  newCommission: newCommission({ programName, partnerName, amount: '$12.50', inReview: true, portalUrl: url }),
  payoutSent: payoutSent({ programName, partnerName, amount: '$120.00', gateway: 'paypal', portalUrl: url }),
  // The inviter is a merchant user's address, which may hold markup too.
  invitation: invitation({ inviter: partnerName, programName, role: 'admin', url, validDays: 7 }),
}

describe('escapeHtml', () => {
  it('escapes the five characters that start markup or end an attribute', () => {
    expect(escapeHtml(`<a href="x" title='y'>&</a>`)).toBe('&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;&lt;/a&gt;')
  })
})

describe.each(Object.entries(messages))('%s with hostile names', (_name, message) => {
  it('shows them as text in the HTML: no element or attribute of theirs', () => {
    // The only elements are the message's own.
    const tags = [...message.html.matchAll(/<([a-z!/][a-z0-9]*)/gi)].map((m) => (m[1] as string).toLowerCase())
    expect(new Set(tags)).toEqual(new Set(tags.filter((t) => ['!doctype', 'html', 'head', 'meta', 'title', 'body', 'p', 'a', '/title', '/head', '/p', '/a', '/body', '/html'].includes(t))))
    expect(message.html).not.toMatch(/<script|<img|<b /i)
    expect(message.html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;')
    expect(message.html).toContain('&lt;img src=x onerror=alert(2)&gt; &quot;&gt;&lt;b x=&#39;y&#39;&gt;&amp;amp;')
    // Every attribute value is one quoted string: a quote inside a value is escaped.
    for (const [, value] of message.html.matchAll(/\s[a-z-]+="([^"]*)"/g)) expect(value).not.toMatch(/[<>]/)
  })

  it('keeps them readable in the text body and on one line in the subject', () => {
    expect(message.text).toContain(SCRIPT)
    expect(message.subject).not.toMatch(/[\r\n]/)
    expect(message.subject).toContain('Evil Bcc: everyone@example.com')
  })
})
