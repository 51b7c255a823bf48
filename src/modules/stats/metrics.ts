// The metrics kept in program_rollups. Flows (clicks, revenue) add up per day; states
// (partners by approval status, rewards by bucket) are +1/−1 deltas whose sum over all days is
// the current value. Issues that record the underlying events bump these in the same transaction.
export const METRIC = {
  partners: 'partners',
  partnersApproved: 'partners.approved',
  partnersPending: 'partners.pending',
  partnersRejected: 'partners.rejected',
  partnersWithSignups: 'partners.with_signups',
  partnersActive: 'partners.active',
  clicks: 'clicks',
  signups: 'signups',
  purchases: 'purchases',
  paidAccounts: 'paid_accounts',
  customers: 'customers',
  referringCustomers: 'customers.referring',
  referredCustomers: 'customers.referred',
  activeRewards: 'rewards.active',
  subscribers: 'subscribers',
  referringSubscribers: 'subscribers.referring',
  referredSubscribers: 'subscribers.referred',
  /** money, per currency */
  revenue: 'revenue',
  reward: 'reward',
  rewardsUnclaimed: 'rewards.unclaimed',
  rewardsInReview: 'rewards.in_review',
  rewardsPaid: 'rewards.paid',
  paid: 'commissions.paid',
  pending: 'commissions.pending',
  /** payout requests by status: count (currency '') and amounts (per currency) */
  payoutCount: (status: PayoutStatus) => `payouts.${status}.count`,
  payoutAmount: (status: PayoutStatus) => `payouts.${status}.amount`,
} as const

export const PAYOUT_STATUSES = ['requested', 'approved', 'paid', 'rejected', 'resubmitted'] as const
export type PayoutStatus = (typeof PAYOUT_STATUSES)[number]
