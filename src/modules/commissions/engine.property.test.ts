// Property tests for the commission engine: a reward never exceeds the sale, grows with it, and
// any sequence of partial refunds reversed as c(before) − c(after) leaves exactly c(sale − refunds).
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { microsToDecimal } from '../../money/micros.js'
import { applyRate, commissionOn, fixedReward, rateFor, type AppliedRule, type SaleFacts } from './engine.js'
import { DEFAULT_COMMISSION, type CommissionRules, type Rate } from './rules.js'

const RUNS = { numRuns: 10_000, seed: 20261121 }
const CURRENCIES = ['USD', 'JPY', 'KWD', 'EUR']

const facts = (amount: bigint, currency: string): SaleFacts => ({
  amount, currency, programCurrency: currency, productIds: [], productTypes: [],
  partner: { customers: 0n, signups: 0n, revenue: 0n }, customerSince: 0, customerSalesBefore: 0, saleAt: 0,
})

// Percent rates up to 100 with up to four decimals; static rates up to 10 000 units.
const rate: fc.Arbitrary<Rate> = fc.oneof(
  fc.integer({ min: 0, max: 1_000_000 }).map((p) => ({ type: 'percent' as const, value: String(p / 10_000) })),
  fc.bigInt({ min: 0n, max: 10_000_000_000n }).map((m) => ({ type: 'static' as const, value: microsToDecimal(m) })),
)
const amount = fc.bigInt({ min: 0n, max: 10n ** 15n })
const rule: fc.Arbitrary<{ applied: AppliedRule; sale: bigint }> = fc.record({
  rate, sale: amount, rounding: fc.boolean(), currency: fc.constantFrom(...CURRENCIES), override: fc.option(amount),
}).map(({ rate: r, sale, rounding, currency, override }) => ({
  sale,
  applied: override === null ? applyRate(r, facts(sale, currency), rounding) : fixedReward(override <= sale ? override : sale, facts(sale, currency)),
}))

describe('commission engine', () => {
  it('never pays more than the sale, and pays more (or the same) for more', () => {
    fc.assert(fc.property(rule, fc.bigInt({ min: 0n, max: 10n ** 15n }), fc.bigInt({ min: 0n, max: 10n ** 15n }), ({ applied, sale }, a, b) => {
      const [x, y] = [a % (sale + 1n), b % (sale + 1n)]
      const [low, high] = x < y ? [x, y] : [y, x]
      const atLow = commissionOn(applied, low)
      const atHigh = commissionOn(applied, high)
      // Rounding to the minor unit may lift a reward by up to half a unit: the bound is the sale rounded the same way.
      const ceiling = commissionOn({ ...applied, type: 'percent', value: '100' }, sale)
      return atLow <= atHigh && commissionOn(applied, sale) <= (applied.rounding ? ceiling : sale) && atLow >= 0n
    }), RUNS)
  })

  it('reverses any sequence of partial refunds to exactly the commission on what is left', () => {
    fc.assert(fc.property(rule, fc.array(fc.nat(), { maxLength: 8 }), ({ applied, sale }, cuts) => {
      let net = sale
      let reward = commissionOn(applied, sale)
      for (const cut of cuts) {
        const refund = net === 0n ? 0n : BigInt(cut) % (net + 1n)
        const after = net - refund
        reward -= commissionOn(applied, net) - commissionOn(applied, after)
        net = after
      }
      return reward === commissionOn(applied, net)
    }), RUNS)
  })

  it('pays 30 % of 99.99 as 29.997, and 30.00 when rounding is on', () => {
    expect(commissionOn(applyRate(DEFAULT_COMMISSION, facts(99_990_000n, 'USD'), false), 99_990_000n)).toBe(29_997_000n)
    expect(commissionOn(applyRate(DEFAULT_COMMISSION, facts(99_990_000n, 'USD'), true), 99_990_000n)).toBe(30_000_000n)
  })

  it('lets a product rule or a reached tier replace the base rate, and stops after the period', () => {
    const rules: CommissionRules = {
      ...DEFAULT_COMMISSION,
      period: { count: 2, unit: 'sales' },
      tiers: [{ metric: 'customers', from: '10', type: 'percent', value: '40' }],
      products: [{ product_type: 'annual', type: 'percent', value: '50', priority: 1 }],
    }
    const sale = facts(100_000_000n, 'USD')
    const tier = { kind: 'tier', metric: 'customers', from: '10' }
    const product = { kind: 'product', product_type: 'annual' }
    expect(rateFor(rules, undefined, sale)).toEqual({ type: 'percent', value: '30', source: { kind: 'base' } })
    expect(rateFor(rules, undefined, { ...sale, partner: { ...sale.partner, customers: 10n } })).toEqual({ type: 'percent', value: '40', source: tier })
    expect(rateFor(rules, undefined, { ...sale, partner: { ...sale.partner, customers: 10n }, productTypes: ['annual'] })).toEqual({ type: 'percent', value: '50', source: product })
    expect(rateFor({ ...rules, products_over_tiers: false }, undefined, { ...sale, partner: { ...sale.partner, customers: 10n }, productTypes: ['annual'] }))
      .toEqual({ type: 'percent', value: '40', source: tier })
    expect(rateFor(rules, { type: 'static', value: '5' }, sale)).toEqual({ type: 'static', value: '5', source: { kind: 'partner' } })
    expect(rateFor(rules, undefined, { ...sale, customerSalesBefore: 2 })).toBeUndefined()
    expect(rateFor({ ...rules, period: { count: 1, unit: 'months' } }, undefined, { ...sale, customerSince: Date.UTC(2026, 0, 31), saleAt: Date.UTC(2026, 1, 28) }))
      .toEqual({ type: 'percent', value: '30', source: { kind: 'base' } })
  })
})
