import { parseArgs } from 'node:util'
import type { Store } from '../store/store.js'
import { DomainError } from '../domain-errors.js'
import { check, compileInput } from '../http/validation.js'
import { NewProgramInput } from '../modules/programs/schemas.js'
import { createProgram } from '../modules/api-keys/service.js'
import { listPrograms, type NewProgramInput as NewProgram } from '../modules/programs/service.js'
import { programBlock } from '../modules/programs/representation.js'
import { UsageError, required } from './usage.js'

const validateNewProgram = compileInput(NewProgramInput)

export async function programsCommand(store: Store, args: string[]): Promise<number> {
  const [action, ...rest] = args
  if (action === 'create') {
    const { values } = parseArgs({
      args: rest,
      options: { name: { type: 'string' }, type: { type: 'string' }, website: { type: 'string' }, currency: { type: 'string' } },
    })
    const input = {
      name: required(values, 'name'),
      type: required(values, 'type'),
      ...(values.website ? { website: values.website } : {}),
      ...(values.currency ? { currency: values.currency } : {}),
    }
    let valid: NewProgram
    try {
      valid = check<NewProgram>(validateNewProgram, input)
    } catch (err) {
      if (err instanceof DomainError && err.errors) {
        throw new UsageError(Object.values(err.errors).flat().join(' '))
      }
      throw err
    }
    const { program, apiKey } = await createProgram(store.db, valid)
    process.stdout.write(`${JSON.stringify({ program: programBlock(program), api_key: apiKey })}\n`)
    return 0
  }
  if (action === 'list') {
    parseArgs({ args: rest, options: {} })
    const programs = await listPrograms(store.db)
    process.stdout.write(`${JSON.stringify(programs.map(programBlock))}\n`)
    return 0
  }
  throw new UsageError(action ? `Unknown programs action "${action}".` : 'programs needs an action: create or list.')
}
