// A refer-a-friend transaction as Partnero answers it (spec §3.7): the referrer as `customer`, the
// buyer as `referred_customer`, no partner; each reward says which side earned it.
import { notFound } from '../../domain-errors.js'
import { microsToNumber } from '../../money/micros.js'
import { readJson } from '../../store/json.js'
import type { Db } from '../../store/schema.js'
import { isoMicros } from '../../wire-time.js'
import { referralCustomerByRowId, type ReferralCustomerRow } from '../customers/service.js'
import type { Program } from '../programs/service.js'
import { POINTS, rewardsOf, type RewardRow } from '../rewards/service.js'
import type { TransactionRow } from './store.js'
import { Type } from 'typebox'

const MaybeText = Type.Union([Type.String(), Type.Null()])

/** A refer-a-friend transaction (spec §3.7). */
export const ReferralTransaction = Type.Object({
  key: Type.String(),
  action: Type.String(),
  amount: Type.Number(),
  customer: Type.Union([Type.String({ description: 'The referring customer\'s id' }), Type.Null()]),
  referred_customer: Type.String({ description: 'The buyer\'s id' }),
  credit: Type.Boolean(),
  is_currency: Type.Boolean(),
  amount_units: Type.String(),
  created_at: Type.String(),
  deleted_at: MaybeText,
  rewards: Type.Array(Type.Object({
    key: Type.String(), action: Type.String(), status: Type.String(),
    side: Type.Union([Type.Literal('referrer'), Type.Literal('friend')]),
    customer: MaybeText, referred_customer: Type.String(), amount: Type.Number(), amount_units: Type.String(),
    is_currency: Type.Boolean(), credit: Type.Boolean(), created_at: Type.String(), deleted_at: MaybeText,
    product_type_data: Type.Record(Type.String(), Type.Unknown()),
  })),
})

/** A stored sale as GET shows it in a refer-a-friend program. */
export async function referralTransactionView(db: Db, program: Program, t: TransactionRow) {
  const buyer = await referralCustomerByRowId(db, program.id, Number(t.customer_id))
  if (!buyer) throw notFound('Transaction not found')
  return referralTransactionViewOf(t, buyer, await rewardsOf(db, program.id, t.id))
}

export function referralTransactionViewOf(t: TransactionRow, buyer: ReferralCustomerRow, rewards: RewardRow[]) {
  const key = t.key ?? t.deleted_key ?? ''
  const gone = t.deleted_at ?? t.archived_at
  const deletedAt = gone === null ? null : isoMicros(Number(gone))
  const buyerId = buyer.key ?? buyer.deleted_key ?? ''
  return {
    key,
    action: t.action,
    amount: microsToNumber(BigInt(t.amount) - BigInt(t.refunded)),
    customer: buyer.referrer_id,
    referred_customer: buyerId,
    credit: false,
    is_currency: true,
    amount_units: t.currency,
    created_at: isoMicros(Number(t.created_at)),
    deleted_at: deletedAt,
    rewards: rewards.map((r) => {
      const side = Number(r.partner_id) === Number(buyer.earner_id) ? 'friend' : 'referrer'
      return {
        key,
        action: t.action,
        status: r.status,
        side,
        customer: side === 'friend' ? buyerId : buyer.referrer_id,
        referred_customer: buyerId,
        amount: microsToNumber(BigInt(r.amount)),
        amount_units: r.currency === POINTS ? 'points' : r.currency,
        is_currency: r.currency !== POINTS,
        credit: false,
        created_at: isoMicros(Number(r.created_at)),
        deleted_at: deletedAt,
        product_type_data: readJson<Record<string, unknown>>(t.product) ?? {},
      }
    }),
  }
}
