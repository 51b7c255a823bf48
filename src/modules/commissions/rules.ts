// A program's commission rules (spec §6) as stored in its settings, and as clients set them with
// PUT /v1/program {program_settings: {commission: {...}}}. Rates are decimal text: a percent, or
// an amount in the program currency.
import { microsToDecimal } from '../../money/micros.js'
import { parseAmount } from '../../money/parse.js'

export type RateType = 'percent' | 'static'

export interface Rate {
  type: RateType
  value: string
}

/** How long one referred customer keeps earning the partner commission. */
export type PeriodUnit = 'sales' | 'days' | 'months' | 'years'
export type Period = 'lifetime' | { count: number; unit: PeriodUnit }

export type TierMetric = 'customers' | 'signups' | 'revenue'

/** A performance tier: once the partner's metric reaches `from`, this rate replaces the base rate. */
export interface Tier extends Rate {
  metric: TierMetric
  /** A count, or an amount in the program currency for revenue (decimal text). */
  from: string
}

/** A product rule: sales of a matching product earn this rate; the highest priority matching wins. */
export interface ProductRule extends Rate {
  product_id?: string
  product_type?: string
  priority: number
}

export interface CommissionRules extends Rate {
  period: Period
  /** Round each reward to the currency's minor unit (half to even). Off: rewards keep six decimals. */
  rounding: boolean
  /** Days a reward stays `review_period` before it becomes payable (`ok`); 0 = payable at once. */
  review_days: number
  tiers: Tier[]
  products: ProductRule[]
  /** Whether a matching product rule beats a performance tier (true) or the tier wins (false). */
  products_over_tiers: boolean
  /** Multi-tier: the rates of the partners up the referring chain, level 2 first (at most 4). */
  levels: Rate[]
}

/** A partner's own commission (extension): replaces the program's base rate and period. */
export interface PartnerCommission extends Rate {
  period?: Period
}

export const MAX_LEVELS = 5

export const DEFAULT_COMMISSION: CommissionRules = {
  type: 'percent',
  value: '30',
  period: 'lifetime',
  rounding: false,
  review_days: 0,
  tiers: [],
  products: [],
  products_over_tiers: true,
  levels: [],
}

/** Stored rules merged over the defaults; older programs stored only type, value and period text. */
export function commissionRules(stored: Partial<CommissionRules> | undefined): CommissionRules {
  return { ...DEFAULT_COMMISSION, ...stored }
}

export function hasMultipleCommissions(rules: CommissionRules): boolean {
  return rules.tiers.length > 0 || rules.products.length > 0 || rules.levels.length > 0
}

/** "lifetime", "12 months", "1 sale", "3 sales" */
export function periodText(period: Period): string {
  if (period === 'lifetime') return 'lifetime'
  const unit = period.count === 1 ? period.unit.replace(/s$/, '') : period.unit
  return `${period.count} ${unit}`
}

/** "30%" or "10.00 USD", as seed 001 shows the value. */
export function rateText(rate: Rate, currency: string): string {
  if (rate.type === 'percent') return `${rate.value}%`
  const parsed = parseAmount(rate.value)
  return `${'micros' in parsed ? microsToDecimal(parsed.micros) : rate.value} ${currency}`
}

/** "30%, lifetime" */
export function commissionDescription(rules: CommissionRules, currency: string): string {
  return `${rateText(rules, currency)}, ${periodText(rules.period)}`
}
