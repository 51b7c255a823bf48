// A sign-up reported by the snippet from the merchant's page. Whatever happens, the caller learns
// nothing: no customer for an unknown partner, a taken key or email, or a program of another type,
// and the same 202 either way — a public endpoint must not tell whether an email is known.
import { DomainError } from '../../domain-errors.js'
import type { Store } from '../../store/store.js'
import { createCustomer, createReferralCustomer, liveClick } from '../customers/service.js'
import { CUSTOMER_KEY_PATTERN } from '../customers/schemas.js'
import type { ProgramPlace } from './programs.js'
import type { Tracker, Visit } from './service.js'

export interface PageSignup {
  partner_key?: string
  click_id?: string
  customer: { key?: string; email?: string; name?: string; surname?: string; tags?: string[] }
}

const KEY_FORMAT = new RegExp(CUSTOMER_KEY_PATTERN)
const EMAIL = /^[^@\s]+@[^@\s]+\.[^@\s]+$/

export async function signupFromPage(store: Store, tracker: Tracker, place: ProgramPlace, input: PageSignup, visit: Visit, base: string): Promise<void> {
  const { program } = place
  if (program.type === 'referral') return referredSignup(store, place, input, base)
  if (program.type !== 'affiliate') return
  // The key in the URL or cookie first; when it names no partner (a stale or mistyped ?aff=), the
  // click id, which names the visit that brought them, still credits it.
  const credits = [...new Set([input.partner_key, input.click_id])].filter((k): k is string => k !== undefined)
  // The no-code form integration knows only the email: it doubles as the customer's key.
  const key = input.customer.key ?? input.customer.email
  if (key === undefined || !KEY_FORMAT.test(key)) return
  if (input.customer.email !== undefined && !EMAIL.test(input.customer.email)) return
  const visitor = await tracker.visitor(visit)
  for (const partnerKey of credits) {
    try {
      await createCustomer(store.db, program, {
        key, email: input.customer.email, name: input.customer.name, surname: input.customer.surname, tags: input.customer.tags,
        partner: { key: partnerKey }, visitor,
      })
      return
    } catch (err) {
      if (err instanceof DomainError && err.code === 'invalid_partner') continue
      if (err instanceof DomainError) return
      throw err
    }
  }
}

/**
 * A refer-a-friend sign-up: the customer who owns the referral key the cookie carries (or the link
 * the click id names) referred this one. A visitor with neither is no one's referral: not made here.
 */
async function referredSignup(store: Store, place: ProgramPlace, input: PageSignup, base: string): Promise<void> {
  const { program } = place
  const id = input.customer.key ?? input.customer.email
  if (id === undefined || !KEY_FORMAT.test(id)) return
  if (input.customer.email !== undefined && !EMAIL.test(input.customer.email)) return
  const click = input.click_id === undefined ? undefined : await liveClick(store.db, program, input.click_id, Date.now())
  for (const referralKey of [...new Set([input.partner_key, click?.key])].filter((k): k is string => k !== undefined)) {
    try {
      await createReferralCustomer(store.db, program, {
        id, email: input.customer.email, name: input.customer.name, surname: input.customer.surname, referring_customer: { key: referralKey },
      }, base)
      return
    } catch (err) {
      // A key that names no customer (any more): try the click's; any other refusal (a taken id or email) ends it, unsaid.
      if (err instanceof DomainError && err.errors?.referring_customer) continue
      if (err instanceof DomainError) return
      throw err
    }
  }
}
