// A reward as the manual-bonus answer and the reward.* events show it.
import type { Static } from 'typebox'
import { microsToNumber } from '../../money/micros.js'
import { isoMicros } from '../../wire-time.js'
import type { Reward } from './schemas.js'
import { POINTS } from './referral-rules.js'
import type { RewardNames, RewardRow } from './store.js'

export function rewardView(r: RewardRow, names: RewardNames): Static<typeof Reward> {
  return {
    id: Number(r.id),
    kind: r.kind,
    status: r.status,
    partner: names.partner_public_id,
    transaction: names.transaction_key,
    customer: names.customer_key,
    level: r.level,
    amount: microsToNumber(BigInt(r.amount)),
    amount_units: r.currency,
    is_currency: r.currency !== POINTS,
    description: r.description,
    created_at: isoMicros(Number(r.created_at)),
  }
}
