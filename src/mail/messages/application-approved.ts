// A partner is approved (at sign-up when the program approves everyone, or later by the merchant).
import { compose, greet, type Message } from '../message.js'

export interface ApplicationApprovedInput {
  programName: string
  partnerName: string | null
  portalUrl: string
  /** The partner's default referral link, when it has one. */
  referralLink: string | null
}

export function applicationApproved(input: ApplicationApprovedInput): Message {
  return compose({
    subject: `Welcome to ${input.programName}: you are approved`,
    greeting: greet(input.partnerName),
    paragraphs: [
      `You are now a partner of ${input.programName}.`,
      ...(input.referralLink ? [`Share your referral link to start earning: ${input.referralLink}`] : []),
      'Your links, referrals and commissions are in the partner portal.',
    ],
    action: { label: 'Open the partner portal', url: input.portalUrl },
  })
}
