// Sent when a partner signs up or changes its address: the link proves the address is theirs.
import { compose, greet, type Message } from '../message.js'

export interface VerifyEmailInput {
  programName: string
  partnerName: string | null
  url: string
  /** How long the link works. */
  validMinutes: number
}

export function verifyEmail(input: VerifyEmailInput): Message {
  return compose({
    subject: `Confirm your email address for ${input.programName}`,
    greeting: greet(input.partnerName),
    paragraphs: [`Please confirm that this is your email address for the ${input.programName} partner program. The link works for ${input.validMinutes} minutes.`],
    action: { label: 'Confirm my address', url: input.url },
    footer: 'If you did not sign up, ignore this mail: nothing happens without the link.',
  })
}
