// A merchant's bonus for a partner (spec §6): a manual reward, payable at once, in the program
// currency unless told otherwise. The partner is named by id or any of its referral keys.
import type { Kysely } from 'kysely'
import { amountField } from '../../amount-field.js'
import type { Database } from '../../store/schema.js'
import { inTransaction } from '../../store/transaction.js'
import type { Program } from '../programs/service.js'
import { addManualReward } from '../rewards/service.js'
import { resolvePartner } from './service.js'

export interface Bonus {
  amount: unknown
  amount_units?: string
  description?: string
}

export async function grantBonus(db: Kysely<Database>, program: Program, ref: string, input: Bonus, now = Date.now()) {
  const amount = amountField('amount', input.amount, { positive: true })
  const currency = (input.amount_units ?? program.currency).toUpperCase()
  return inTransaction(db, async (tx) => {
    const partner = await resolvePartner(tx, program, ref)
    return addManualReward(tx, program.id, partner, { amount, currency, description: input.description ?? null }, now)
  })
}
