// The program's payout settings (spec §6), set with PUT /v1/program program_settings: the payout
// threshold (an amount), the referred-customers threshold (paying customers the partner brought),
// and automatic payouts (a schedule, with a minimum and a maximum per payout). Amounts are stored
// as exact decimal text, like commission rates.
import { invalid, type FieldErrors } from '../../domain-errors.js'
import { decimalText } from '../../money/micros.js'
import { parseAmount } from '../../money/parse.js'
import type { ProgramSettings } from './settings.js'
import type { Program } from './store.js'

export type PayoutSchedule = 'daily' | 'weekly' | 'monthly'

export const PAYOUT_SETTINGS = [
  'payout_threshold', 'payout_referred_customers_threshold', 'payout_automation_enabled', 'payout_automation_schedule',
  'payout_automation_min', 'payout_automation_max',
] as const

export interface PayoutRules {
  threshold: bigint
  referredCustomers: number
  automation: { enabled: boolean; schedule: PayoutSchedule | null; min: bigint; max: bigint | null }
}

const micros = (text: unknown): bigint => {
  const parsed = parseAmount(text ?? 0)
  return 'micros' in parsed ? parsed.micros : 0n
}

export function payoutRules(program: Program): PayoutRules {
  const s = program.settings.program
  return {
    threshold: micros(s.payout_threshold),
    referredCustomers: s.payout_referred_customers_threshold,
    automation: {
      enabled: s.payout_automation_enabled,
      schedule: s.payout_automation_schedule as PayoutSchedule | null,
      min: micros(s.payout_automation_min),
      max: s.payout_automation_max === null ? null : micros(s.payout_automation_max),
    },
  }
}

/** The payout settings in a PUT /v1/program, amounts made exact; one 422 names every problem. */
export function payoutSettingsWith(current: ProgramSettings, input: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...input }
  const errors: FieldErrors = {}
  for (const name of ['payout_threshold', 'payout_automation_min', 'payout_automation_max'] as const) {
    if (input[name] === undefined) continue
    const parsed = parseAmount(input[name])
    if ('error' in parsed) errors[`program_settings.${name}`] = [`The ${name.replace(/_/g, ' ')} ${parsed.error}.`]
    else if (parsed.micros < 0n) errors[`program_settings.${name}`] = [`The ${name.replace(/_/g, ' ')} must be at least 0.`]
    else out[name] = decimalText(parsed.micros)
  }
  const min = out.payout_automation_min ?? current.payout_automation_min
  const max = out.payout_automation_max ?? current.payout_automation_max
  if (max !== null && micros(max) < micros(min)) {
    errors['program_settings.payout_automation_max'] = ['The payout automation max must be at least the payout automation min.']
  }
  if (Object.keys(errors).length > 0) throw invalid(errors)
  return out
}
