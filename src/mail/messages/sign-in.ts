// Passwordless sign-in: a one-time code to type and a link that does the same. The code is in the
// subject too, so it shows in a phone's notification, the server log and `partnerkit mail list`.
import { compose, greet, type Message } from '../message.js'

export interface SignInInput {
  programName: string
  partnerName: string | null
  code: string
  url: string
  validMinutes: number
}

export function signIn(input: SignInInput): Message {
  return compose({
    subject: `${input.code} is your sign-in code for ${input.programName}`,
    greeting: greet(input.partnerName),
    paragraphs: [`Type this code to sign in to ${input.programName}, or use the link below. Both work once, for ${input.validMinutes} minutes.`],
    code: input.code,
    action: { label: 'Sign in', url: input.url },
    footer: 'If you did not ask to sign in, ignore this mail: nobody can sign in without it.',
  })
}
