// Reward queries shared by sales, manual bonuses and the review release.
import { readRow } from '../../store/prepared.js'
import type { Db } from '../../store/schema.js'
import type { RewardRow } from '../transactions/store.js'

export interface RewardNames {
  partner_public_id: string | null
  transaction_key: string | null
  customer_key: string | null
}

/** The wire names of what a reward belongs to: its partner's id, its sale's key, its customer's key. */
export async function rewardNames(db: Db, reward: RewardRow): Promise<RewardNames> {
  const found = await readRow<RewardNames>(db, 'reward_names', `
    select p.public_id as partner_public_id, coalesce(t."key", t.deleted_key) as transaction_key,
      coalesce(c."key", c.deleted_key) as customer_key
    from rewards r left join partners p on p.id = r.partner_id and p.deleted_at is null left join transactions t on t.id = r.transaction_id
      left join customers c on c.id = r.customer_id
    where r.id = ?`, [reward.id])
  return found ?? { partner_public_id: null, transaction_key: null, customer_key: null }
}
