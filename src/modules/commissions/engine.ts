// The commission engine: which rate a sale earns, and what a reward is worth for any part of the
// sale still standing. Pure: no store, no clock, no HTTP.
import { divideHalfEven, roundToMinorUnit } from '../../money/micros.js'
import { parseAmount } from '../../money/parse.js'
import type { CommissionRules, PartnerCommission, Period, PeriodUnit, Rate } from './rules.js'

/**
 * How a reward was computed, kept with it: a refund months later reverses by the same rule even if
 * the program's rules changed since. `value` is the percent (decimal text) or, for a fixed reward,
 * the whole reward in micros; `amount` is the sale it was for, in micros.
 */
export interface AppliedRule {
  type: 'percent' | 'fixed'
  value: string
  amount: string
  rounding: boolean
  currency: string
  /** Which rule chose the rate: the portal tells the partner why (absent on rewards made before it was kept). */
  source?: RateSource
}

export type RateSource =
  | { kind: 'base' }
  | { kind: 'partner' }
  | { kind: 'tier'; metric: string; from: string }
  | { kind: 'product'; product_id?: string; product_type?: string }
  | { kind: 'level'; level: number }
  | { kind: 'override' }
  | { kind: 'manual' }
  | { kind: 'referral'; rule: number; side: 'referrer' | 'friend' }

export type SourcedRate = Rate & { source?: RateSource }

/** What the engine needs to know about a sale, its customer and its partner. */
export interface SaleFacts {
  amount: bigint
  currency: string
  programCurrency: string
  productIds: string[]
  productTypes: string[]
  /** The partner's standing before this sale: customers, sign-ups, revenue in program-currency micros. */
  partner: { customers: bigint; signups: bigint; revenue: bigint }
  customerSince: number
  customerSalesBefore: number
  saleAt: number
}

const PERCENT_SCALE = 100n * 1_000_000n

function micros(text: string): bigint {
  const parsed = parseAmount(text)
  // Rates are validated when they are set; a bad one here is a bug, not a client error.
  if ('error' in parsed) throw new Error(`commission rate "${text}" ${parsed.error}`)
  return parsed.micros
}

/**
 * The reward for `net`, the part of the sale not refunded. Monotone in `net`, never more than it
 * for a percent of at most 100, and 0 at 0; so reversing c(before) − c(after) on each refund leaves
 * exactly c(sale − refunds) whatever the sequence.
 */
export function commissionOn(rule: AppliedRule, net: bigint): bigint {
  const amount = BigInt(rule.amount)
  let raw: bigint
  if (rule.type === 'percent') {
    if (net <= 0n) return 0n
    raw = divideHalfEven(net * micros(rule.value), PERCENT_SCALE)
  } else {
    const full = BigInt(rule.value)
    // A fixed reward on a sale of 0 (a reward override with no amount) is all or nothing.
    if (amount === 0n) return full
    if (net <= 0n) return 0n
    raw = divideHalfEven(full * net, amount)
  }
  return rule.rounding ? roundToMinorUnit(raw, rule.currency) : raw
}

/** A rate applied to this sale. A static rate pays in the program currency, at most the sale when the currencies match. */
export function applyRate(rate: SourcedRate, facts: SaleFacts, rounding: boolean): AppliedRule {
  const amount = String(facts.amount)
  const source = rate.source ? { source: rate.source } : {}
  if (rate.type === 'percent') return { type: 'percent', value: rate.value, amount, rounding, currency: facts.currency, ...source }
  let full = micros(rate.value)
  if (facts.currency === facts.programCurrency && full > facts.amount) full = facts.amount
  return { type: 'fixed', value: String(full), amount, rounding, currency: facts.programCurrency, ...source }
}

/** The transaction's `reward` override: exactly this, in the sale's currency. */
export function fixedReward(reward: bigint, facts: SaleFacts): AppliedRule {
  return { type: 'fixed', value: String(reward), amount: String(facts.amount), rounding: false, currency: facts.currency, source: { kind: 'override' } }
}

/**
 * The rate the referring partner earns on this sale, or undefined when the commission period is
 * over. A partner's own commission replaces everything; otherwise a matching product rule or a
 * reached performance tier replaces the base rate (`products_over_tiers` decides between them).
 */
export function rateFor(rules: CommissionRules, own: PartnerCommission | undefined, facts: SaleFacts): SourcedRate | undefined {
  if (!withinPeriod(own?.period ?? rules.period, facts)) return undefined
  if (own) return { type: own.type, value: own.value, source: { kind: 'partner' } }
  const tier = bestTier(rules, facts)
  const product = productRule(rules, facts)
  if (product && (rules.products_over_tiers || !tier)) return product
  return tier ?? { type: rules.type, value: rules.value, source: { kind: 'base' } }
}

/** The rate of the partner `level` steps up the referring chain (2 = the referrer's referrer). */
export function levelRate(rules: CommissionRules, level: number): SourcedRate | undefined {
  const rate = rules.levels[level - 2]
  return rate && { type: rate.type, value: rate.value, source: { kind: 'level', level } }
}

function bestTier(rules: CommissionRules, facts: SaleFacts): SourcedRate | undefined {
  const reached = rules.tiers.filter((t) => facts.partner[t.metric] >= (t.metric === 'revenue' ? micros(t.from) : BigInt(t.from)))
  // Tiers on different metrics may all be reached: the partner gets the best of them.
  let best: { rate: SourcedRate; worth: bigint } | undefined
  for (const tier of reached) {
    const worth = commissionOn(applyRate(tier, facts, false), facts.amount)
    if (!best || worth > best.worth) best = { rate: { type: tier.type, value: tier.value, source: { kind: 'tier', metric: tier.metric, from: tier.from } }, worth }
  }
  return best?.rate
}

function productRule(rules: CommissionRules, facts: SaleFacts): SourcedRate | undefined {
  const matching = rules.products.filter((p) =>
    (p.product_id === undefined || facts.productIds.includes(p.product_id))
    && (p.product_type === undefined || facts.productTypes.includes(p.product_type)))
  // Highest priority first; among equals, the rule listed first.
  const [first] = matching.sort((a, b) => b.priority - a.priority)
  return first ? { type: first.type, value: first.value, source: { kind: 'product', product_id: first.product_id, product_type: first.product_type } } : undefined
}

function withinPeriod(period: Period, facts: SaleFacts): boolean {
  if (period === 'lifetime') return true
  if (period.unit === 'sales') return facts.customerSalesBefore < period.count
  const end = periodEnd(facts.customerSince, period)
  // A period past the last date JavaScript holds (300,000 years) never ends: it is lifetime, not "over".
  return Number.isNaN(end) || facts.saleAt < end
}

function periodEnd(since: number, period: { count: number; unit: PeriodUnit }): number {
  const end = new Date(since)
  if (period.unit === 'days') end.setUTCDate(end.getUTCDate() + period.count)
  else if (period.unit === 'months') end.setUTCMonth(end.getUTCMonth() + period.count)
  else end.setUTCFullYear(end.getUTCFullYear() + period.count)
  return end.getTime()
}
