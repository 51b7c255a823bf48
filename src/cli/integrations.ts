// `partnerkit integrations stripe --program PUBLIC_ID --webhook-secret whsec_… [--reverse-on-dispute true|false]`:
// sets the program's Stripe signing secret (the same rules as PUT /v1/integrations/stripe) and
// prints the URL to give Stripe.
import { parseArgs } from 'node:util'
import type { Store } from '../store/store.js'
import { DomainError } from '../domain-errors.js'
import { findProgramByPublicId } from '../modules/programs/store.js'
import { configureStripe } from '../modules/integrations/stripe/service.js'
import { UsageError, required } from './usage.js'

export async function integrationsCommand(store: Store, args: string[]): Promise<number> {
  const [integration, ...rest] = args
  if (integration !== 'stripe') throw new UsageError(integration ? `Unknown integration "${integration}".` : 'integrations needs one: stripe.')
  const { values } = parseArgs({
    args: rest,
    options: { program: { type: 'string' }, 'webhook-secret': { type: 'string' }, 'reverse-on-dispute': { type: 'string' } },
  })
  const publicId = required(values, 'program')
  const dispute = values['reverse-on-dispute']
  if (dispute !== undefined && dispute !== 'true' && dispute !== 'false') throw new UsageError('--reverse-on-dispute takes true or false.')
  const program = await findProgramByPublicId(store.db, publicId.toUpperCase())
  if (!program) {
    process.stderr.write(`partnerkit: no program with public id ${publicId}\n`)
    return 1
  }
  try {
    await configureStripe(store.db, program, { webhookSecret: values['webhook-secret'], reverseOnDispute: dispute === undefined ? undefined : dispute === 'true' })
  } catch (err) {
    if (!(err instanceof DomainError)) throw err
    process.stderr.write(`partnerkit: ${Object.values(err.errors ?? {}).flat()[0] ?? err.message}\n`)
    return 1
  }
  process.stdout.write(`Stripe is set up for ${program.name} (${program.publicId}).\n`
    + `Give Stripe this endpoint: <your server>/integrations/stripe/${program.publicId}/webhook\n`)
  return 0
}
