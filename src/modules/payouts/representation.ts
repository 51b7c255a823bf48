// A payout request as the API answers it (architecture §6.6), and the lines of its statement.
import type { Static } from 'typebox'
import { microsToNumber } from '../../money/micros.js'
import { readJson } from '../../store/json.js'
import { isoMicros } from '../../wire-time.js'
import type { RewardNames } from '../rewards/service.js'
import type { PayoutRequest, StatementLine } from './schemas.js'
import type { LineRow, PayoutRow } from './store.js'

export type PayoutView = Static<typeof PayoutRequest>

const time = (ms: number | bigint | null) => (ms === null ? null : isoMicros(Number(ms)))
const fullName = (name: string | null, surname: string | null) => [name, surname].filter((part) => part).join(' ')

export function payoutView(row: PayoutRow, rewardIds: number[]): PayoutView {
  return {
    id: Number(row.number),
    status: row.status,
    partner: row.partner_public_id === null ? null : {
      id: row.partner_public_id,
      email: row.partner_email ?? '',
      name: fullName(row.partner_name, row.partner_surname),
    },
    amount: microsToNumber(BigInt(row.amount)),
    amount_units: row.currency,
    gateway: row.gateway,
    payout_settings: readJson<Record<string, string>>(row.payout_settings) ?? {},
    rewards: rewardIds,
    reason: row.reason,
    created_at: isoMicros(Number(row.created_at)),
    approved_at: time(row.approved_at),
    paid_at: time(row.paid_at),
  }
}

/** One covered reward: a sale's commission, a manual bonus, or a clawback netted (a negative line). */
export function statementLine(line: LineRow, names: RewardNames): Static<typeof StatementLine> {
  const amount = BigInt(line.amount)
  return {
    reward_id: Number(line.reward_id),
    type: amount < 0n ? 'reversal' : line.reward.kind === 'manual' ? 'adjustment' : 'reward',
    transaction: names.transaction_key,
    customer: names.customer_key,
    description: line.reward.description,
    earned_at: isoMicros(Number(line.reward.created_at)),
    amount: microsToNumber(amount),
    amount_units: line.reward.currency,
  }
}
