// A sign-up reported by the snippet from the merchant's page. Whatever happens, the caller learns
// nothing: no customer for an unknown partner, a taken key or email, or a program of another type,
// and the same 202 either way — a public endpoint must not tell whether an email is known.
import { DomainError } from '../../domain-errors.js'
import type { Store } from '../../store/store.js'
import { createCustomer } from '../customers/service.js'
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

export async function signupFromPage(store: Store, tracker: Tracker, place: ProgramPlace, input: PageSignup, visit: Visit): Promise<void> {
  const { program } = place
  // Only affiliate programs have partner-attributed customers so far.
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
