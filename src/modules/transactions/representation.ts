// A transaction and its rewards as Partnero answers them (spec §3.7).
import { microsToNumber } from '../../money/micros.js'
import { readJson } from '../../store/json.js'
import type { Db } from '../../store/schema.js'
import { isoMicros } from '../../wire-time.js'
import { rewardsWithPartners, type RewardWithPartner } from '../rewards/service.js'
import { saleNames, type SaleNames, type TransactionRow } from './store.js'
import type { Program } from '../programs/service.js'
import { referralTransactionView } from './referral-representation.js'

/** A stored transaction as its program's type shows it (refer-a-friend: referrer and referred customer). */
export async function programSaleView(db: Db, program: Program, t: TransactionRow) {
  return program.type === 'referral' ? referralTransactionView(db, program, t) : transactionView(db, t)
}

/** A stored transaction as GET shows it: its names and rewards read from the store. */
export async function transactionView(db: Db, t: TransactionRow) {
  const programId = Number(t.program_id)
  const [names, rewards] = await Promise.all([saleNames(db, programId, t), rewardsWithPartners(db, programId, t.id)])
  return transactionViewOf(t, names, rewards)
}

/** The same view from parts already at hand (a sale just recorded knows its names and rewards). */
export function transactionViewOf(t: TransactionRow, names: SaleNames | undefined, rewards: RewardWithPartner[]) {
  const key = t.key ?? t.deleted_key ?? ''
  const customer = names?.customer_key ?? ''
  const gone = t.deleted_at ?? t.archived_at
  const deletedAt = gone === null ? null : isoMicros(Number(gone))
  const product = readJson<Record<string, unknown>>(t.product) ?? {}
  return {
    key,
    action: t.action,
    amount: microsToNumber(BigInt(t.amount) - BigInt(t.refunded)),
    partner: names?.partner_public_id ?? null,
    customer,
    credit: false,
    is_currency: true,
    amount_units: t.currency,
    created_at: isoMicros(Number(t.created_at)),
    deleted_at: deletedAt,
    rewards: rewards.map((r) => ({
      key,
      action: t.action,
      status: r.status,
      customer,
      partner: r.partner_public_id,
      amount: microsToNumber(BigInt(r.amount)),
      amount_units: r.currency,
      is_currency: true,
      credit: false,
      created_at: isoMicros(Number(r.created_at)),
      deleted_at: deletedAt,
      product_type_data: product,
    })),
  }
}

export type TransactionView = ReturnType<typeof transactionViewOf>

/** A transaction as either program type shows it. */
export type SaleView = Awaited<ReturnType<typeof programSaleView>>
