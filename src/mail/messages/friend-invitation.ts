// A refer-a-friend customer invites a friend (POST /v1/customers:invite): who invites, to which
// program, with the customer's own referral link. The merchant's personalization fills the
// message's words it names (a discount, an offer); anything else in it is ignored.
import { compose, type Message } from '../message.js'

export interface FriendInvitationInput {
  programName: string
  /** The inviting customer's name, or its address when it has none. */
  inviter: string
  url: string
  personalization: Record<string, unknown>
}

export function friendInvitation(input: FriendInvitationInput): Message {
  const offer = typeof input.personalization.offer === 'string' ? input.personalization.offer
    : typeof input.personalization.discount === 'string' ? `${input.personalization.discount} off your first order` : undefined
  return compose({
    subject: `${input.inviter} invites you to ${input.programName}`,
    greeting: typeof input.personalization.friend_name === 'string' ? `Hi ${input.personalization.friend_name},` : 'Hi,',
    paragraphs: [
      `${input.inviter} thinks you will like ${input.programName} and sent you this invitation.`,
      ...(offer ? [`With this invitation: ${offer}.`] : []),
    ],
    action: { label: `Visit ${input.programName}`, url: input.url },
    footer: 'You got this mail because someone you may know entered your address. We will not write again unless you sign up.',
  })
}
