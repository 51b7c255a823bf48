// A partner earned a commission (a referred sale, or a bonus from the merchant).
import { compose, greet, type Message } from '../message.js'

export interface NewCommissionInput {
  programName: string
  partnerName: string | null
  /** Formatted in its currency: "$12.50". */
  amount: string
  /** True while the commission waits out the program's review period. */
  inReview: boolean
  portalUrl: string
}

export function newCommission(input: NewCommissionInput): Message {
  return compose({
    subject: `You earned ${input.amount} with ${input.programName}`,
    greeting: greet(input.partnerName),
    paragraphs: [
      `A new commission of ${input.amount} was added to your ${input.programName} account.`,
      input.inReview
        ? 'It becomes payable when the program\'s review period ends.'
        : 'It is payable now.',
    ],
    action: { label: 'See your commissions', url: input.portalUrl },
    footer: 'You get this mail because the program sends commission notifications.',
  })
}
