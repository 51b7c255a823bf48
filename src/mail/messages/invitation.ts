// An invitation to a program's admin: who invited whom, as which role, and the one-time link that
// signs the new member in (it works once, for days rather than minutes: invitations wait in inboxes).
import { compose, type Message } from '../message.js'

export interface InvitationInput {
  /** Who invited: the inviting user's address. */
  inviter: string
  programName: string
  role: 'owner' | 'admin' | 'viewer'
  url: string
  validDays: number
}

const CAN: Record<InvitationInput['role'], string> = {
  owner: 'As an owner you can change everything, the team and the API keys included.',
  admin: 'As an admin you can change everything but the team and the API keys.',
  viewer: 'As a viewer you can see every page and change nothing.',
}

export function invitation(input: InvitationInput): Message {
  return compose({
    subject: `You are invited to ${input.programName}'s partner program admin`,
    greeting: 'Hi,',
    paragraphs: [
      `${input.inviter} invited you to ${input.programName}'s partner program admin as ${input.role}.`,
      CAN[input.role],
      `The link below signs you in. It works once, for ${input.validDays} days; after that, ask for a sign-in link on the sign-in page.`,
    ],
    action: { label: 'Open the admin', url: input.url },
    footer: 'If you do not know why you got this, ignore this mail: nobody is signed in without the link.',
  })
}
