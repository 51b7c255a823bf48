// The merchant marked a payout request paid: the money is on its way.
import { compose, greet, type Message } from '../message.js'

export interface PayoutSentInput {
  programName: string
  partnerName: string | null
  /** Formatted in its currency: "$120.00". */
  amount: string
  /** paypal, wise…; null when the merchant paid another way. */
  gateway: string | null
  portalUrl: string
}

const GATEWAYS: Record<string, string> = { paypal: 'PayPal', wise: 'Wise', crypto: 'crypto', venmo: 'Venmo' }

export function payoutSent(input: PayoutSentInput): Message {
  const by = input.gateway ? ` by ${GATEWAYS[input.gateway] ?? input.gateway}` : ''
  return compose({
    subject: `${input.programName} sent you ${input.amount}`,
    greeting: greet(input.partnerName),
    paragraphs: [`Your payout of ${input.amount} from ${input.programName} was sent${by}.`, 'Its statement is in the partner portal.'],
    action: { label: 'See your payouts', url: input.portalUrl },
  })
}
