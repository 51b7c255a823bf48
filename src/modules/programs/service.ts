// Program rules: creation, settings updates per program type, the
// two-step delete, and the demo program made on a store's first start.
import { createHash } from 'node:crypto'
import type { Kysely } from 'kysely'
import type { Database, Db, ProgramType } from '../../store/schema.js'
import type { Store } from '../../store/store.js'
import { inTransaction } from '../../store/transaction.js'
import { emit } from '../../events/outbox.js'
import { invalid, invalidField, type FieldErrors } from '../../domain-errors.js'
import { randomToken } from '../../tokens.js'
import { rulesWith } from '../commissions/input.js'
import { referralRewardRules, type ReferralRewardsInput } from '../rewards/referral-rules-input.js'
import type { Static } from 'typebox'
import { payoutSettingsWith } from './payout-settings.js'
import { portalSettingsWith } from './portal-settings.js'
import type { CommissionInput } from '../commissions/schemas.js'
import { SETTABLE, type ProgramSettings } from './settings.js'
import {
  allPrograms, deleteProgramWithCode, domainsOf, findDomain, findProgram, findProgramByPortalDomain, findProgramByPublicId, insertProgram,
  replaceDomains, saveProgram, setDeleteCode,
  type Program,
} from './store.js'
import { readProgramFigures } from '../stats/service.js'
import {
  affiliateOverview, affiliateStats, newsletterFigures, portalUrl, programBlock, referralFigures, settingsBlocks,
} from './representation.js'

export type { Program }
// API keys read their program in the statement that finds the key (api-keys/store.ts): the row becomes a Program here.
export { toProgram } from './store.js'

export interface NewProgramInput {
  name: string
  type: ProgramType
  website?: string
  currency?: string
}

const PUBLIC_ID_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789'

/** Inserts a program inside the caller's transaction (its first API key: api-keys/service.ts). */
export async function addProgram(tx: Db, input: NewProgramInput, now = Date.now()): Promise<Program> {
  // 36^8 public ids: a clash is rare, and a unique index settles it.
  for (let attempt = 0; attempt < 10; attempt++) {
    const program = await insertProgram(tx, {
      publicId: randomToken(8, PUBLIC_ID_ALPHABET),
      name: input.name,
      type: input.type,
      website: input.website ?? null,
      currency: (input.currency ?? 'USD').toUpperCase(),
      now,
    })
    if (program) return program
  }
  throw new Error('could not draw a free program public id')
}

export function listPrograms(db: Kysely<Database>) {
  return allPrograms(db)
}

export interface ProgramChanges {
  name?: string
  website?: string
  additional_domains?: string[]
  program_settings?: Record<string, unknown>
  portal_settings?: Record<string, unknown>
}

export async function updateProgram(db: Kysely<Database>, programId: number, changes: ProgramChanges, now = Date.now()) {
  return inTransaction(db, async (tx) => {
    const program = await findProgram(tx, programId)
    if (!program) throw invalidField('program', 'The program no longer exists.')
    refuseSettingsOfOtherTypes(program.type, changes)
    const next: Program = structuredClone(program)
    if (changes.name !== undefined) next.name = changes.name
    if (changes.website !== undefined) next.website = changes.website
    const { currency, commission, referral_rewards: rewards, ...programSettings } = changes.program_settings ?? {}
    if (typeof currency === 'string') next.currency = currency.toUpperCase()
    if (commission !== undefined) next.settings.commission = rulesWith(program.settings.commission, commission as CommissionInput)
    next.settings.program = { ...next.settings.program, ...payoutSettingsWith(program.settings.program, programSettings) as Partial<ProgramSettings> }
    if (rewards !== undefined) next.settings.program.referral_rewards = referralRewardRules(rewards as Static<typeof ReferralRewardsInput>)
    next.settings.portal = { ...next.settings.portal, ...await portalSettingsWith(tx, program.id, changes.portal_settings ?? {}) }
    next.updatedAt = now
    await saveProgram(tx, next)
    if (changes.additional_domains) {
      await replaceDomains(tx, program.id, [...new Set(changes.additional_domains.map((d) => d.toLowerCase()))], now)
    }
    await emit(tx, program.id, 'program.updated', { program: programBlock(next), ...settingsBlocks(next, undefined) }, now)
    return next
  })
}

function refuseSettingsOfOtherTypes(type: ProgramType, changes: ProgramChanges): void {
  const errors: FieldErrors = {}
  const groups = [['program_settings', changes.program_settings, SETTABLE[type].program],
    ['portal_settings', changes.portal_settings, SETTABLE[type].portal]] as const
  for (const [group, values, allowed] of groups) {
    for (const key of Object.keys(values ?? {})) {
      if (!allowed.includes(key)) {
        errors[`${group}.${key}`] = [`The ${group.replace('_', ' ')}.${key.replace(/_/g, ' ')} setting is not available for ${type} programs.`]
      }
    }
  }
  if (Object.keys(errors).length > 0) throw invalid(errors)
}

/** How long the code from the first DELETE /v1/program call stays valid. */
export const DELETE_CODE_TTL_MS = 20_000

export async function startDeletion(db: Kysely<Database>, programId: number, now = Date.now()): Promise<string> {
  const code = randomToken(8)
  await setDeleteCode(db, programId, hashCode(code), now + DELETE_CODE_TTL_MS)
  return code
}

export async function confirmDeletion(db: Kysely<Database>, programId: number, code: string, now = Date.now()): Promise<void> {
  const deleted = await deleteProgramWithCode(db, programId, hashCode(code), now)
  if (!deleted) {
    throw invalidField('confirmation_code', 'The confirmation code is invalid or has expired. Call DELETE /v1/program without a code to get a new one.')
  }
}

function hashCode(code: string): string {
  return createHash('sha256').update(code).digest('hex')
}

/** GET /v1/program: the details block for the program's type, stats read from the rollups. */
export async function programDetails(store: Store, program: Program, base: string) {
  const figures = await readProgramFigures(store, program.id)
  const common = { program: programBlock(program), ...settingsBlocks(program, base) }
  switch (program.type) {
    case 'affiliate':
      return { program: common.program, stats: affiliateStats(program, figures), program_settings: common.program_settings, portal_settings: common.portal_settings }
    case 'referral':
      return { ...common, ...referralFigures(figures, program), overview_program_current_settings: { partner_portal_url: portalUrl(program, base), website_url: program.website ?? '' } }
    case 'newsletter':
      return { ...common, ...newsletterFigures(program, figures) }
  }
}

/** GET /v1/program/overview: the legacy flat shape (the refer-a-friend and newsletter bodies are the same as GET /v1/program). */
export async function programOverview(store: Store, program: Program, base: string) {
  if (program.type !== 'affiliate') return programDetails(store, program, base)
  return affiliateOverview(program, await readProgramFigures(store, program.id), base)
}

/** A program by its row id, or undefined. */
export function programById(db: Db, id: number): Promise<Program | undefined> {
  return findProgram(db, id)
}

/** A program named by its public id (the webhooks Stripe and browsers call name it so), or undefined. */
export function programByPublicId(db: Db, publicId: string): Promise<Program | undefined> {
  return findProgramByPublicId(db, publicId)
}

/** The program whose partner portal answers on `host` (any case; a host name without port), or undefined. */
export function programByPortalDomain(db: Db, host: string): Promise<Program | undefined> {
  return findProgramByPortalDomain(db, host.toLowerCase())
}

/** The program's additional domains (id and host), in the order they were added; a window of them when paged. */
export function programDomains(db: Db, programId: number, page?: { offset: number; fetch: number }) {
  return domainsOf(db, programId, page)
}

/** One of the program's additional domains by id, or undefined. */
export function programDomain(db: Db, programId: number, id: number) {
  return findDomain(db, programId, id)
}
