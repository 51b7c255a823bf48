// `partnerkit users`: the merchant users of a program. Scripts depend on `users create` printing
// one line, the one-time admin sign-in URL, and nothing else; every refusal goes to stderr (a bad
// address, role or program is a usage error, exit 2).
import { parseArgs } from 'node:util'
import type { Store } from '../store/store.js'
import { linkBase, type Config } from '../config.js'
import { DomainError } from '../domain-errors.js'
import { programByPublicId, type Program } from '../modules/programs/service.js'
import { addMember, checkedEmail, membersOf, removeMember, userByEmail } from '../modules/users/service.js'
import { mintSignInUrl } from '../modules/users/sign-in.js'
import { isoMicros } from '../wire-time.js'
import { UsageError, required } from './usage.js'

export async function usersCommand(store: Store, args: string[], config: Config): Promise<number> {
  const [action, ...rest] = args
  if (action === 'create') {
    const { values } = parseArgs({ args: rest, options: { email: { type: 'string' }, program: { type: 'string' }, role: { type: 'string' } } })
    const email = required(values, 'email')
    const program = await namedProgram(store, required(values, 'program'))
    const member = await asUsage(() => addMember(store.db, program.id, { email, role: values.role }, null))
    const { url } = await mintSignInUrl(store.db, member.user.id, program.id, linkBase(config))
    process.stdout.write(`${url}\n`)
    return 0
  }
  if (action === 'list') {
    const { values } = parseArgs({ args: rest, options: { program: { type: 'string' } } })
    const program = await namedProgram(store, required(values, 'program'))
    for (const member of await membersOf(store.db, program.id)) {
      process.stdout.write(`${member.user.email}\t${member.role}\tadded ${isoMicros(member.since)}\n`)
    }
    return 0
  }
  if (action === 'remove') {
    const { values } = parseArgs({ args: rest, options: { email: { type: 'string' }, program: { type: 'string' } } })
    const email = await asUsage(async () => checkedEmail(required(values, 'email')))
    const program = await namedProgram(store, required(values, 'program'))
    const user = await userByEmail(store.db, email)
    if (!user) {
      process.stderr.write(`partnerkit: no user ${email} in program ${program.publicId}\n`)
      return 1
    }
    // Not a member, or the last owner: the service's message, exit 1.
    await removeMember(store.db, program.id, user.id, null)
    process.stdout.write(`Removed ${user.email} from ${program.publicId}.\n`)
    return 0
  }
  throw new UsageError(action ? `Unknown users action "${action}".` : 'users needs an action: create, list or remove.')
}

async function namedProgram(store: Store, publicId: string): Promise<Program> {
  const program = await programByPublicId(store.db, publicId.trim().toUpperCase())
  if (!program) throw new UsageError(`No program with public id ${publicId}.`)
  return program
}

/** Input the service finds invalid (an address, a role) is the caller's mistake: a usage error. */
async function asUsage<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work()
  } catch (err) {
    if (err instanceof DomainError && err.errors) throw new UsageError(Object.values(err.errors).flat().join(' '))
    throw err
  }
}
