// Which SMTP failures give a mail up at once and which are tried again; the links a logged mail shows.
import { describe, expect, it } from 'vitest'
import { failure } from './job.js'
import { asMailError, linksIn } from './sender.js'

describe('an SMTP failure', () => {
  it('is final only when the relay refuses the mail (5xx), not when it refuses our sign-in', () => {
    expect(asMailError({ code: 'EENVELOPE', responseCode: 550, message: 'No such mailbox' }).permanent).toBe(true)
    expect(asMailError({ code: 'EAUTH', responseCode: 535, message: 'Invalid login' }).permanent).toBe(false)
    expect(asMailError({ code: 'EENVELOPE', responseCode: 451, message: 'Try again later' }).permanent).toBe(false)
    expect(asMailError({ code: 'ECONNECTION', message: 'connect ECONNREFUSED' }).permanent).toBe(false)
    expect(asMailError(new Error('boom')).message).toBe('boom')
  })

  it('is retried with growing delays, then given up', () => {
    const err = asMailError({ code: 'ETIMEDOUT', message: 'timeout' })
    expect(failure(err, 1, 0, 0.5)).toEqual({ kind: 'retry', at: 60_000, error: 'ETIMEDOUT timeout' })
    expect(failure(err, 7, 0, 0.5)).toEqual({ kind: 'retry', at: 120 * 60_000, error: 'ETIMEDOUT timeout' })
    expect(failure(err, 8, 0, 0.5)).toEqual({ kind: 'failed', error: 'failed 8 times; last: ETIMEDOUT timeout' })
    expect(failure(asMailError({ responseCode: 554, message: 'Rejected' }), 1, 0, 0.5)).toEqual({ kind: 'failed', error: 'refused; last: 554 Rejected' })
  })
})

describe('linksIn', () => {
  it('finds each link of a text body once, without the full stop after it', () => {
    expect(linksIn('Open: https://a.example/p?x=1\n\nor https://a.example/p?x=1 and http://b.example/r/KEY.')).toEqual(['https://a.example/p?x=1', 'http://b.example/r/KEY'])
  })
})
