// The merchant declined a partner's application.
import { compose, greet, type Message } from '../message.js'

export interface ApplicationRejectedInput {
  programName: string
  partnerName: string | null
}

export function applicationRejected(input: ApplicationRejectedInput): Message {
  return compose({
    subject: `Your application to ${input.programName}`,
    greeting: greet(input.partnerName),
    paragraphs: [
      `Thank you for your interest in the ${input.programName} partner program.`,
      'We are sorry to tell you that your application was not approved.',
    ],
  })
}
