import { parseArgs } from 'node:util'
import type { Store } from '../store/store.js'
import { findProgramByPublicId } from '../modules/programs/store.js'
import { issueKey, keysOf, revokeKey } from '../modules/api-keys/service.js'
import { isoMicros } from '../wire-time.js'
import { UsageError, required } from './usage.js'

export async function keysCommand(store: Store, args: string[]): Promise<number> {
  const [action, ...rest] = args
  if (action === 'create' || action === 'list') {
    const { values } = parseArgs({ args: rest, options: { program: { type: 'string' } } })
    const publicId = required(values, 'program')
    const program = await findProgramByPublicId(store.db, publicId.toUpperCase())
    if (!program) {
      process.stderr.write(`partnerkit: no program with public id ${publicId}\n`)
      return 1
    }
    if (action === 'create') {
      process.stdout.write(`${await issueKey(store.db, program.id)}\n`)
      return 0
    }
    for (const key of await keysOf(store.db, program.id)) {
      const state = key.revoked_at === null ? 'active' : `revoked ${isoMicros(key.revoked_at)}`
      process.stdout.write(`${key.prefix}\tcreated ${isoMicros(key.created_at)}\t${state}\n`)
    }
    return 0
  }
  if (action === 'revoke') {
    const { positionals } = parseArgs({ args: rest, options: {}, allowPositionals: true })
    const [key] = positionals
    if (!key || positionals.length > 1) throw new UsageError('keys revoke takes one key (the full key or its display prefix).')
    const result = await revokeKey(store.db, key)
    switch (result.outcome) {
      case 'revoked':
        process.stdout.write(`Revoked ${result.prefix} (program ${result.program}).\n`)
        return 0
      case 'already_revoked':
        process.stdout.write(`${result.prefix} was already revoked.\n`)
        return 0
      case 'not_found':
        process.stderr.write('partnerkit: no key matches that key or prefix.\n')
        return 1
      case 'ambiguous':
        process.stderr.write(`partnerkit: that prefix matches ${result.count} active keys; give the full key.\n`)
        return 1
    }
  }
  throw new UsageError(action ? `Unknown keys action "${action}".` : 'keys needs an action: create, list or revoke.')
}
