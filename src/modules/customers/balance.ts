// A refer-a-friend customer's balance and statistics (spec §3.5; architecture §6 decision 7). The
// balance is what its rewards left payable in the ledger, per currency and in points; a credit
// consumes it (the merchant applied the reward: a discount, a gift card), as a payout would, and
// may not take more than there is.
import type { Kysely } from 'kysely'
import { invalidField } from '../../domain-errors.js'
import { emit } from '../../events/outbox.js'
import { isCurrency } from '../../money/currency.js'
import { microsToNumber } from '../../money/micros.js'
import { amountField } from '../../amount-field.js'
import type { Database, Db } from '../../store/schema.js'
import { inTransaction } from '../../store/transaction.js'
import { post, move } from '../ledger/service.js'
import { lockEarner } from '../partners/service.js'
import type { Program } from '../programs/service.js'
import { POINTS } from '../rewards/service.js'
import { PARTNER_AMOUNT, partnerAmountsAll } from '../stats/service.js'
import { findPartnerByRowId } from '../partners/service.js'
import { resolveReferralCustomer, viewReferralCustomer, type ReferralCustomerRow } from './referral-service.js'

interface BalanceLine {
  amount: number
  amount_units: string
  is_currency: boolean
}

/** Payable amounts by currency: money first (the program currency always listed), then points. */
function balanceOf(program: Program, payable: Map<string, bigint>) {
  const currency: BalanceLine[] = []
  const points: BalanceLine[] = []
  if (!payable.has(program.currency)) currency.push({ amount: 0, amount_units: program.currency, is_currency: true })
  for (const [code, micros] of payable) {
    if (code === POINTS) points.push({ amount: microsToNumber(micros), amount_units: 'points', is_currency: false })
    else currency.push({ amount: microsToNumber(micros), amount_units: code, is_currency: true })
  }
  return { currency, points }
}

async function payableOf(db: Db, program: Program, row: ReferralCustomerRow): Promise<Map<string, bigint>> {
  if (row.earner_id === null) return new Map()
  return (await partnerAmountsAll(db, program.id, Number(row.earner_id))).get(PARTNER_AMOUNT.notPaid) ?? new Map()
}

export async function customerBalance(db: Db, program: Program, ref: string, base: string) {
  const row = await resolveReferralCustomer(db, program, ref)
  return { customer: await viewReferralCustomer(db, program, row, base), balance: balanceOf(program, await payableOf(db, program, row)) }
}

export interface CreditInput {
  amount: unknown
  amount_units?: string
  is_currency?: boolean
}

/** Consumes `amount` of the balance in one currency (or points); more than the balance is a 422 and changes nothing. */
export async function creditBalance(db: Kysely<Database>, program: Program, ref: string, input: CreditInput, base: string, now = Date.now()) {
  const amount = amountField('amount', input.amount, { positive: true })
  const unit = unitOf(program, input)
  return inTransaction(db, async (tx) => {
    const row = await resolveReferralCustomer(tx, program, ref)
    if (row.earner_id === null) throw invalidField('amount', 'The customer has no balance.')
    const earnerId = Number(row.earner_id)
    // Held until commit: a second credit of this customer reads the balance this one leaves.
    await lockEarner(tx, program.id, earnerId, now)
    const available = (await payableOf(tx, program, row)).get(unit) ?? 0n
    if (amount > available) {
      throw invalidField('amount', `The amount is more than the customer's balance (${microsToNumber(available)} ${unit === POINTS ? 'points' : unit}).`)
    }
    await post(tx, program.id, move(earnerId, 0, 'payout', 'payable', 'paid', amount, unit).map((p) => ({ ...p, rewardId: null })), now)
    const answer = { customer: await viewReferralCustomer(tx, program, row, base), balance: balanceOf(program, await payableOf(tx, program, row)) }
    await emit(tx, program.id, 'customer.credited', {
      ...answer, credit: { amount: microsToNumber(amount), amount_units: unit === POINTS ? 'points' : unit, is_currency: unit !== POINTS },
    }, now)
    return answer
  })
}

/** The currency a credit is in: points when so marked, else the code given (any case) or the program currency. */
function unitOf(program: Program, input: CreditInput): string {
  if (input.is_currency === false || input.amount_units?.toLowerCase() === 'points') return POINTS
  const code = (input.amount_units ?? program.currency).toUpperCase()
  if (!/^[A-Z]{3}$/.test(code) || !isCurrency(code)) throw invalidField('amount_units', 'The amount units must be a currency code or "points".')
  return code
}

/** GET /v1/customers/{id}/stats (architecture §6 decision 7). */
export async function customerStats(db: Db, program: Program, ref: string) {
  const row = await resolveReferralCustomer(db, program, ref)
  const earner = row.earner_id === null ? undefined : await findPartnerByRowId(db, program.id, Number(row.earner_id))
  const amounts = row.earner_id === null ? new Map<string, Map<string, bigint>>() : await partnerAmountsAll(db, program.id, Number(row.earner_id))
  const revenue = [...(amounts.get(PARTNER_AMOUNT.revenue) ?? new Map<string, bigint>())].map(([currency, v]) => ({ currency, amount: microsToNumber(v) }))
  const earned = new Map<string, bigint>()
  for (const metric of [PARTNER_AMOUNT.pending, PARTNER_AMOUNT.notPaid, PARTNER_AMOUNT.paid]) {
    for (const [currency, v] of amounts.get(metric) ?? []) earned.set(currency, (earned.get(currency) ?? 0n) + v)
  }
  const referrals = Number(earner?.referrals_count ?? 0)
  return {
    clicks: Number(earner?.clicks ?? 0),
    signups: Number(earner?.signups ?? 0),
    referrals: referrals,
    referrals_count: referrals,
    purchases: Number(earner?.sales_count ?? 0),
    paid_accounts: Number(earner?.paid_accounts ?? 0),
    revenue,
    rewards: [...earned].map(([currency, v]) => currency === POINTS
      ? { amount: microsToNumber(v), amount_units: 'points', is_currency: false }
      : { amount: microsToNumber(v), amount_units: currency, is_currency: true }),
  }
}
