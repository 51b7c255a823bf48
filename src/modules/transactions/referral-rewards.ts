// What a refer-a-friend sale earns (issue 22): the program's reward rules (rewards/referral-rules.ts)
// for the referrer (the buyer's referrer's earner) and the friend (the buyer's own earner).
import type { Db } from '../../store/schema.js'
import { approvedSides, livePartnerId, referralOrdinal, refersSelf } from '../customers/service.js'
import { findPartnerByRowId, type PartnerRow } from '../partners/service.js'
import type { Program } from '../programs/service.js'
import { referralRewards, referralRewardValues } from '../rewards/service.js'
import type { CountedSale, PlannedReward } from './sales.js'

export async function planReferralRewards(tx: Db, program: Program, counted: CountedSale, now: number): Promise<PlannedReward[]> {
  const { customer, sale, salesBefore, row } = counted
  const referrerId = livePartnerId(customer)
  if (!sale.rewardable || sale.rewarded || customer.status !== 'active' || customer.archived === 1 || referrerId === null) return []
  if (refersSelf(customer as { email: string | null; referrer_email?: string | null })) return []
  const referrerEarnerId = Number(referrerId)
  const friendEarnerId = customer.earner_id === null ? null : Number(customer.earner_id)
  // Read by the referral view when the sale came through it (Stripe's buyer row has no referrer columns: both count as approved).
  const approval = customer as { approved: number | bigint; referrer_approved?: number | bigint | null }
  const earned = approvedSides(referralRewards(program.settings.program.referral_rewards,
    { trigger: 'sale', amount: sale.amount, currency: sale.currency, salesBefore, saleAt: sale.createdAt },
    { programCurrency: program.currency, occurrence: await referralOrdinal(tx, program.id, referrerEarnerId, customer.id), friendSince: Number(customer.created_at) }), approval)
  const values = referralRewardValues(earned, {
    programId: program.id, referrerId: referrerEarnerId, friendId: friendEarnerId, customerId: customer.id,
    transactionId: row.id, kind: 'sale', amount: BigInt(row.amount), earnedAt: Number(row.created_at),
  }, now)
  const earners = new Map<number, PartnerRow | undefined>()
  const planned: PlannedReward[] = []
  for (const v of values) {
    const id = Number(v.partner_id)
    if (!earners.has(id)) earners.set(id, await findPartnerByRowId(tx, program.id, id))
    const earner = earners.get(id)
    if (earner) planned.push({ earner, sale: counted, values: v })
  }
  return planned
}
