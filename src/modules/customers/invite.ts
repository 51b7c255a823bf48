// POST /v1/customers:invite (spec §3.5): a refer-a-friend customer invites friends by email; each
// friend gets one mail with the customer's referral link (the mail job sends it from the
// `customer.invited` event: modules know nothing of mail). The PHP SDK sends the customer's own
// fields (`key`, `email`…) and no friend: the customer then gets the invitation to share itself.
import type { Kysely } from 'kysely'
import { invalidField } from '../../domain-errors.js'
import { emit } from '../../events/outbox.js'
import type { Database } from '../../store/schema.js'
import { inTransaction } from '../../store/transaction.js'
import type { Program } from '../programs/service.js'
import type { InviteInput } from './referral-schemas.js'
import { referralCustomerByRef, viewReferralCustomer, type ReferralCustomerRow } from './referral-service.js'

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/

/** The inviting customer: `customer` {id|key|email}, else the body's own id, key or email. */
export async function invitingCustomer(db: Kysely<Database>, program: Program, input: InviteInput): Promise<ReferralCustomerRow> {
  const own = typeof input.email === 'string' ? input.email : undefined
  const found = await referralCustomerByRef(db, program, input.customer ?? { id: input.id, key: input.key, email: own })
  if (!found) throw invalidField('customer', 'The customer was not found.')
  return found
}

/** The addresses invited: `friends`, or `email` when it is not the customer's own; the customer itself when none. */
export function invitedAddresses(customer: ReferralCustomerRow, input: InviteInput): string[] {
  const given = input.friends ?? (input.email === undefined ? [] : Array.isArray(input.email) ? input.email : [input.email])
  const own = customer.email_lower
  const friends = [...new Set(given.map((e) => e.trim()).filter((e) => e.toLowerCase() !== own))]
  const bad = friends.find((e) => !EMAIL.test(e))
  if (bad !== undefined) throw invalidField('email', `"${bad.slice(0, 100)}" is not an email address.`)
  if (friends.length > 0) return friends
  if (customer.email === null) throw invalidField('email', 'Name the friends to invite: the customer has no address of its own.')
  return [customer.email]
}

export async function inviteFriends(db: Kysely<Database>, program: Program, customer: ReferralCustomerRow, to: string[], input: InviteInput, base: string, now = Date.now()) {
  await inTransaction(db, async (tx) => {
    const view = await viewReferralCustomer(tx, program, customer, base)
    const inviter = [customer.name, customer.surname].filter(Boolean).join(' ') || customer.email || 'A friend'
    for (const address of to) {
      await emit(tx, program.id, 'customer.invited', {
        to: address, inviter, referral_link: view.referral_link, customer: { id: view.id, key: view.key, email: view.email },
        personalization: input.personalization ?? {},
      }, now)
    }
  })
}
