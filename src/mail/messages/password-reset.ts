// Sent when someone asks to reset a partner's password: only the address's owner gets the link.
import { compose, greet, type Message } from '../message.js'

export interface PasswordResetInput {
  programName: string
  partnerName: string | null
  url: string
  validMinutes: number
}

export function passwordReset(input: PasswordResetInput): Message {
  return compose({
    subject: `Reset your ${input.programName} password`,
    greeting: greet(input.partnerName),
    paragraphs: [`Someone asked to reset the password of your ${input.programName} partner account. The link works once, for ${input.validMinutes} minutes.`],
    action: { label: 'Choose a new password', url: input.url },
    footer: 'If it was not you, ignore this mail: your password stays as it is.',
  })
}
