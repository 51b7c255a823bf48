// The Rewards page's preview sentence: what the rules engine decides for one imagined event, in words.
import { describe, expect, it } from 'vitest'
import { ordinal, previewReferral, referralPreviewText, type ImaginedReferral } from './referral-preview.js'
import { DEFAULT_REFERRAL_REWARDS, type ReferralRewardRule } from './referral-rules.js'

const NOW = Date.UTC(2026, 5, 15)
const sale = (over: Partial<ImaginedReferral> = {}): ImaginedReferral => ({ trigger: 'sale', amount: 100_000_000n, occurrence: 1, salesBefore: 0, monthsSinceSignup: 0, ...over })
const say = (rules: readonly ReferralRewardRule[], event: ImaginedReferral) => referralPreviewText(event, previewReferral(rules, 'USD', event, NOW), 'USD')

describe('the refer-a-friend preview', () => {
  it('says what the default rules earn on a first sale, and nothing on the second', () => {
    expect(say(DEFAULT_REFERRAL_REWARDS, sale())).toBe('A first sale of $100.00 by the 1st friend a customer referred earns the referrer $10.00 and the friend nothing.')
    expect(say(DEFAULT_REFERRAL_REWARDS, sale({ salesBefore: 1 }))).toBe('A 2nd sale of $100.00 by the 1st friend a customer referred earns the referrer nothing and the friend nothing.')
  })

  it('adds both sides\' rewards by currency and points, and follows tiers, months and review', () => {
    const rules: ReferralRewardRule[] = [
      { side: 'referrer', trigger: 'sale', type: 'percent', value: '10', unit: 'currency', recurrence: { months: 3 }, to_occurrence: 2, review_days: 14 },
      { side: 'referrer', trigger: 'sale', type: 'static', value: '25', unit: 'points', recurrence: 'lifetime' },
      { side: 'friend', trigger: 'sale', type: 'static', value: '5', unit: 'currency', recurrence: 'once' },
    ]
    expect(say(rules, sale({ amount: 80_000_000n }))).toBe('A first sale of $80.00 by the 1st friend a customer referred earns the referrer $8.00 and 25 points and the friend $5.00. Rewards are payable after 14 days in review.')
    expect(say(rules, sale({ occurrence: 3, salesBefore: 2 }))).toBe('A 3rd sale of $100.00 by the 3rd friend a customer referred earns the referrer 25 points and the friend nothing.')
    expect(say(rules, sale({ monthsSinceSignup: 4, salesBefore: 1 }))).toBe('A 2nd sale of $100.00 by the 1st friend a customer referred, 4 months after signing up, earns the referrer 25 points and the friend nothing.')
  })

  it('says a sign-up\'s rewards, and ordinals read as words do', () => {
    const rules: ReferralRewardRule[] = [{ side: 'friend', trigger: 'signup', type: 'static', value: '7.5', unit: 'currency', recurrence: 'once' }]
    expect(say(rules, { ...sale(), trigger: 'signup', occurrence: 12 })).toBe('The sign-up of the 12th friend a customer referred earns the referrer nothing and the friend $7.50.')
    expect([1, 2, 3, 4, 11, 12, 13, 21, 22, 101, 111].map(ordinal)).toEqual(['1st', '2nd', '3rd', '4th', '11th', '12th', '13th', '21st', '22nd', '101st', '111th'])
  })
})
