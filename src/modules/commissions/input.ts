// Commission rules as clients send them, checked and turned into the rules the engine reads.
// Every problem is collected first, so one 422 names them all and nothing is saved.
import { invalid, type FieldErrors } from '../../domain-errors.js'
import { decimalText } from '../../money/micros.js'
import { parseAmount } from '../../money/parse.js'
import type { CommissionRules, PartnerCommission, Period, PeriodUnit, ProductRule, Rate, Tier } from './rules.js'
import type { CommissionInput, PartnerCommissionInput } from './schemas.js'

type RateInput = { type: Rate['type']; value: number | string }
type PeriodInput = NonNullable<CommissionInput['period']>

const HUNDRED_PERCENT = 100_000_000n
const PERIOD_TEXT = /^(\d{1,6}) ?(sales?|times?|days?|months?|years?)$/

class Problems {
  readonly errors: FieldErrors = {}
  add(field: string, message: string): void {
    (this.errors[field] ??= []).push(message)
  }
  throwIfAny(): void {
    if (Object.keys(this.errors).length > 0) throw invalid(this.errors)
  }
}

/** The program's rules after applying `input` over `current`; lists given replace the old ones. */
export function rulesWith(current: CommissionRules, input: CommissionInput, field = 'program_settings.commission'): CommissionRules {
  const problems = new Problems()
  const base = rateOf({ type: input.type ?? current.type, value: input.value ?? current.value }, field, problems)
  const next: CommissionRules = {
    ...current,
    ...base,
    period: input.period === undefined ? current.period : periodOf(input.period, `${field}.period`, problems),
    rounding: input.rounding ?? current.rounding,
    review_days: input.review_days ?? current.review_days,
    products_over_tiers: input.products_over_tiers ?? current.products_over_tiers,
    tiers: input.tiers?.map((t, i) => tierOf(t, `${field}.tiers.${i}`, problems)) ?? current.tiers,
    products: input.products?.map((p, i) => productRuleOf(p, `${field}.products.${i}`, problems)) ?? current.products,
    levels: input.levels?.map((l, i) => rateOf(l, `${field}.levels.${i}`, problems)) ?? current.levels,
  }
  problems.throwIfAny()
  return next
}

/** A partner's own rate (and optionally period), replacing the program's rules for that partner. */
export function partnerCommissionOf(input: PartnerCommissionInput): PartnerCommission {
  const problems = new Problems()
  const rate = rateOf(input, 'commission', problems)
  const period = input.period === undefined ? undefined : periodOf(input.period, 'period', problems)
  problems.throwIfAny()
  return period === undefined ? rate : { ...rate, period }
}

/** "lifetime", "1 sale", "3 times", "30 days", "12 months", "2 years", or {count, unit}. */
export function parsePeriod(input: PeriodInput): Period | undefined {
  if (typeof input === 'object') return input
  const text = input.trim().toLowerCase()
  if (text === 'lifetime') return 'lifetime'
  const match = PERIOD_TEXT.exec(text)
  if (!match) return undefined
  const count = Number(match[1])
  if (count < 1) return undefined
  const word = (match[2] ?? '').replace(/s$/, '')
  const unit: PeriodUnit = word === 'sale' || word === 'time' ? 'sales' : `${word}s` as PeriodUnit
  return { count, unit }
}

function periodOf(input: PeriodInput, field: string, problems: Problems): Period {
  const period = parsePeriod(input)
  if (period === undefined) {
    problems.add(field, 'The period must be "lifetime" or a count and a unit, e.g. "1 sale", "30 days", "12 months", "2 years".')
    return 'lifetime'
  }
  return period
}

function rateOf(input: RateInput, field: string, problems: Problems): Rate {
  const parsed = parseAmount(input.value)
  if ('error' in parsed) {
    problems.add(`${field}.value`, `The commission value ${parsed.error}.`)
    return { type: input.type, value: '0' }
  }
  if (parsed.micros < 0n) problems.add(`${field}.value`, 'The commission value must be at least 0.')
  if (input.type === 'percent' && parsed.micros > HUNDRED_PERCENT) problems.add(`${field}.value`, 'A percent commission must be at most 100.')
  return { type: input.type, value: decimalText(parsed.micros) }
}

function tierOf(input: RateInput & { metric: Tier['metric']; from: number | string }, field: string, problems: Problems): Tier {
  const rate = rateOf(input, field, problems)
  const parsed = parseAmount(input.from)
  let from = '0'
  if ('error' in parsed || parsed.micros < 0n) {
    problems.add(`${field}.from`, 'The tier threshold must be a number of at least 0.')
  } else if (input.metric !== 'revenue' && parsed.micros % 1_000_000n !== 0n) {
    problems.add(`${field}.from`, `A ${input.metric} threshold must be a whole number.`)
  } else {
    from = decimalText(parsed.micros)
  }
  return { ...rate, metric: input.metric, from }
}

function productRuleOf(input: RateInput & { product_id?: string; product_type?: string; priority?: number }, field: string, problems: Problems): ProductRule {
  if (input.product_id === undefined && input.product_type === undefined) {
    problems.add(field, 'A product rule needs a product_id, a product_type or both.')
  }
  return {
    ...rateOf(input, field, problems),
    ...(input.product_id !== undefined ? { product_id: input.product_id } : {}),
    ...(input.product_type !== undefined ? { product_type: input.product_type } : {}),
    priority: input.priority ?? 0,
  }
}
