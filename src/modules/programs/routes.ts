// Program endpoints (spec §3.1): the key check, program details, the legacy overview,
// settings updates and the two-step delete.
import type { FastifyInstance } from 'fastify'
import type { RouteDeps } from '../../http/route-deps.js'
import { addRoute } from '../../http/route.js'
import { Done, Envelope, done, ok } from '../../http/envelope.js'
import { Type } from 'typebox'
import {
  DeleteProgramInput, DeletionCode, ProgramDetails, ProgramOverview, SettingsAliasInput, TestInfo, UpdateProgramInput,
} from './schemas.js'
import { testInfo } from './representation.js'
import {
  DELETE_CODE_TTL_MS, confirmDeletion, programDetails, programOverview, startDeletion, updateProgram,
} from './service.js'

const tags = ['Program']

export function programRoutes(app: FastifyInstance, { store, base }: RouteDeps) {
  const db = store.db

  addRoute(app, base, {
    method: 'GET',
    url: '/v1/test',
    summary: 'Check an API key: the program it belongs to',
    tags,
    response: { 200: Envelope(TestInfo) },
    handler: async ({ caller }) => ok(testInfo(caller.program)),
  })

  addRoute(app, base, {
    method: 'GET',
    url: '/v1/program',
    summary: 'Program details, statistics, program settings and portal settings',
    description: 'The shape depends on the program type: affiliate programs answer as Partnero\'s seed, refer-a-friend and newsletter programs as spec §3.1.',
    tags,
    response: { 200: Envelope(ProgramDetails) },
    handler: async ({ caller, base }) => ok(await programDetails(store, caller.program, base)),
  })

  addRoute(app, base, {
    method: 'GET',
    url: '/v1/program/overview',
    summary: 'Program overview (legacy flat shape, kept for the WooCommerce plugin)',
    tags,
    response: { 200: Envelope(ProgramOverview) },
    handler: async ({ caller, base }) => ok(await programOverview(store, caller.program, base)),
  })

  addRoute(app, base, {
    method: 'PUT',
    url: '/v1/program',
    summary: 'Update the program: name, website, program settings, portal settings',
    tags,
    input: UpdateProgramInput,
    response: { 200: Done },
    handler: async ({ caller, input }) => {
      await updateProgram(db, caller.program.id, input)
      return done('Program updated successfully')
    },
  })

  addRoute(app, base, {
    method: 'PUT',
    url: '/v1/settings',
    summary: 'Update program settings (the PHP SDK\'s Settings endpoint; same as PUT /v1/program with program_settings)',
    tags,
    input: SettingsAliasInput,
    response: { 200: Done },
    handler: async ({ caller, input }) => {
      await updateProgram(db, caller.program.id, { program_settings: input.settings ?? {} })
      return done('Program updated successfully')
    },
  })

  addRoute(app, base, {
    method: 'DELETE',
    url: '/v1/program',
    summary: 'Delete the program and everything in it, in two steps',
    description: 'Without `confirmation_code` the answer carries a code; send it back within 20 seconds to delete.',
    tags,
    input: DeleteProgramInput,
    response: { 200: Type.Union([DeletionCode, Done]) },
    handler: async ({ caller, input }) => {
      if (input.confirmation_code === undefined) {
        const code = await startDeletion(db, caller.program.id)
        return {
          data: { confirmation_code: code, expires_in: DELETE_CODE_TTL_MS / 1000 },
          message: `Send DELETE /v1/program with this confirmation_code within ${DELETE_CODE_TTL_MS / 1000} seconds to delete the program and all its data.`,
          status: 1 as const,
        }
      }
      await confirmDeletion(db, caller.program.id, input.confirmation_code)
      return done('Program deleted successfully')
    },
  })
}
