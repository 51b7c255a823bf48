// Which events a subscription may ask for, by program type (spec §2 and §4.1). Partnerkit also
// announces `transaction.updated` (refunds, archive), the `reward.*` events of its ledger and
// the `payout.*` events of payout requests.
import type { ProgramType } from '../../store/schema.js'

const CUSTOMER = ['customer.created', 'customer.updated', 'customer.deleted']
const TRANSACTION = ['transaction.created', 'transaction.updated', 'transaction.deleted']

export const WEBHOOK_EVENTS: Record<ProgramType, readonly string[]> = {
  affiliate: [
    'partner.created', 'partner.updated', 'partner.deleted', 'partner.approved', 'partner.rejected', 'partner.archived',
    ...CUSTOMER, ...TRANSACTION,
    'lead.submitted', 'lead.converted', 'lead.rejected',
    'reward.created', 'reward.approved', 'reward.paid', 'reward.rejected',
    'payout.requested', 'payout.approved', 'payout.paid', 'payout.rejected', 'payout.resubmit_requested', 'payout.resubmitted',
  ],
  referral: [...CUSTOMER, 'customer.credited', 'customer.rewarded', ...TRANSACTION, 'reward.created', 'reward.approved'],
  newsletter: ['subscriber.created', 'subscriber.updated', 'subscriber.deleted', 'subscriber.rewarded'],
}

export function isWebhookEvent(type: ProgramType, event: string): boolean {
  return WEBHOOK_EVENTS[type].includes(event)
}
