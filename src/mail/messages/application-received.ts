// A new partner waiting for the merchant's approval learns that the application arrived.
import { compose, greet, type Message } from '../message.js'

export interface ApplicationReceivedInput {
  programName: string
  partnerName: string | null
  portalUrl: string
}

export function applicationReceived(input: ApplicationReceivedInput): Message {
  return compose({
    subject: `We received your application to ${input.programName}`,
    greeting: greet(input.partnerName),
    paragraphs: [
      `Thank you for applying to the ${input.programName} partner program.`,
      'Your application is being reviewed; we will write to you again once it is decided.',
    ],
    action: { label: 'Open the partner portal', url: input.portalUrl },
  })
}
