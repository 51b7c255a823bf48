// Sent when someone asks to reset a merchant user's admin password: only the address's owner gets
// the link. The password is the user's in every program it belongs to, so the mail names them all.
import { compose, type Message } from '../message.js'

export interface AdminPasswordResetInput {
  programNames: string[]
  url: string
  validMinutes: number
}

export function adminPasswordReset(input: AdminPasswordResetInput): Message {
  return compose({
    subject: 'Choose a new password for the partner program admin',
    greeting: 'Hi,',
    paragraphs: [
      `Someone asked to reset the password you sign in to the partner program admin with (${input.programNames.join(', ')}).`,
      `The link below works once, for ${input.validMinutes} minutes. Choosing a new password signs you out everywhere else.`,
    ],
    action: { label: 'Choose a new password', url: input.url },
    footer: 'If it was not you, ignore this mail: your password stays as it is.',
  })
}
