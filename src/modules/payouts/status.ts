// The payout request status machine (spec §3.9): requested → approved → finished, requested →
// rejected, requested → resubmit_requested → resubmitted → (approved | rejected | resubmit_requested).
// Each action names the statuses it may start from; anything else is a 400 naming the status.
import type { PayoutRequestStatus } from '../../store/schema.js'
import type { PayoutStatus } from '../stats/metrics.js'

export type PayoutAction = 'approve' | 'reject' | 'request_resubmit' | 'resubmit' | 'mark_as_paid'

export interface Transition {
  from: PayoutRequestStatus[]
  to: PayoutRequestStatus
  /** The outbox event announcing the change. */
  event: string
  /** How the action reads in a refusal: "Only a requested or resubmitted payout request can be approved". */
  verb: string
}

const DECIDABLE: PayoutRequestStatus[] = ['requested', 'resubmitted']

export const TRANSITIONS: Record<PayoutAction, Transition> = {
  approve: { from: DECIDABLE, to: 'approved', event: 'payout.approved', verb: 'approved' },
  reject: { from: DECIDABLE, to: 'rejected', event: 'payout.rejected', verb: 'rejected' },
  request_resubmit: { from: DECIDABLE, to: 'resubmit_requested', event: 'payout.resubmit_requested', verb: 'sent back for resubmission' },
  resubmit: { from: ['resubmit_requested'], to: 'resubmitted', event: 'payout.resubmitted', verb: 'resubmitted' },
  mark_as_paid: { from: ['approved'], to: 'finished', event: 'payout.paid', verb: 'marked as paid' },
}

/** Waiting for a decision or for the money: a partner has at most one per currency (see migration 0006). */
export const OPEN_STATUSES: PayoutRequestStatus[] = ['requested', 'approved', 'resubmit_requested', 'resubmitted']

export const PAYOUT_REQUEST_STATUSES: PayoutRequestStatus[] = [...OPEN_STATUSES, 'finished', 'rejected']

/**
 * Where a request counts in the program's payout_status_breakdown. A request sent back to the
 * partner (resubmit_requested) waits on the partner, not the merchant: it counts nowhere until resubmitted.
 */
export const BREAKDOWN: Record<PayoutRequestStatus, PayoutStatus | null> = {
  requested: 'requested',
  approved: 'approved',
  finished: 'paid',
  rejected: 'rejected',
  resubmitted: 'resubmitted',
  resubmit_requested: null,
}
