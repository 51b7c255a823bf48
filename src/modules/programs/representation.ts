// GET /v1/program and its relatives, in Partnero's shapes: seed 001 for affiliate programs,
// spec §3.1 for refer-a-friend and newsletter programs and for the legacy overview.
import { formatMoney, formatMoneyMap } from '../../money/format.js'
import { microsToNumber, truncateToMinorUnit } from '../../money/micros.js'
import { isoDate, isoMicros } from '../../wire-time.js'
import type { ProgramFigures } from '../stats/service.js'
import { percentOf } from '../stats/service.js'
import { METRIC, PAYOUT_STATUSES } from '../stats/metrics.js'
import { commissionDescription, hasMultipleCommissions, rateText } from '../commissions/rules.js'
import { PORTAL_EXTENSIONS } from './settings.js'
import type { Program } from './store.js'

const TYPE_TITLE = { affiliate: 'Affiliate', referral: 'Referral', newsletter: 'Newsletter' } as const

export function typeTitle(program: Program): string {
  return TYPE_TITLE[program.type]
}

/** Two letters for the program's avatar: the initials of its first two words. */
export function initials(name: string): string {
  const letters = name.trim().split(/\s+/).map((w) => w[0] ?? '').join('')
  return (letters.slice(0, 2) || 'P').toUpperCase()
}

export function portalUrl(program: Program, base: string): string {
  return `${base}/portal/${program.publicId}`
}

export function programBlock(program: Program) {
  return {
    id: program.id,
    public_id: program.publicId,
    website: program.website ?? '',
    initial: initials(program.name),
    type: typeTitle(program),
    name: program.name,
    created_at: isoDate(program.createdAt),
    last_edited: isoDate(program.updatedAt),
  }
}

export function testInfo(program: Program) {
  return { program: { pub_id: program.publicId, name: program.name, type: typeTitle(program) } }
}

/** program_settings and portal_settings as the program's type shows them. */
export function settingsBlocks(program: Program, base: string | undefined) {
  const s = program.settings
  const portal = Object.fromEntries(
    Object.entries(s.portal).filter(([key]) => PORTAL_FLAGS[program.type].includes(key)),
  )
  return {
    program_settings: {
      currency: program.currency,
      cookie_lifetime: String(s.program.cookie_lifetime),
      commission_description: commissionDescription(s.commission, program.currency),
      commission_value: rateText(s.commission, program.currency),
      has_multiple_commissions: hasMultipleCommissions(s.commission),
      payout_threshold: Number(s.program.payout_threshold),
      payout_automation_enabled: s.program.payout_automation_enabled,
      payout_automation_schedule: s.program.payout_automation_schedule,
      welcome_email_enabled: s.program.welcome_email_enabled,
      onboarding_enabled: s.program.onboarding_enabled,
      partner_email_notifications_enabled: s.program.partner_email_notifications_enabled,
      ...(program.type === 'referral'
        ? {
            referral_portal_enabled: s.program.referral_portal_enabled, rewards_notification_enabled: s.program.rewards_notification_enabled,
            referral_rewards: s.program.referral_rewards, referral_attribution: s.program.referral_attribution,
          }
        : {}),
    },
    portal_settings: {
      ...(base === undefined ? {} : { partner_portal_url: portalUrl(program, base) }),
      ...portal,
    },
  }
}

const AFFILIATE_PORTAL = ['program_page_enabled', 'leads_page_enabled', 'registration_disabled', 'google_login_enabled',
  'passwordless_login_enabled', 'sub_accounts_enabled', 'widget_enabled', 'signup_popup_enabled', 'embeddable_form_enabled',
  ...PORTAL_EXTENSIONS]
const REFERRAL_PORTAL = ['program_page_enabled', 'registration_disabled', 'widget_enabled', 'embeddable_form_enabled', 'popup_form_enabled']
const PORTAL_FLAGS = { affiliate: AFFILIATE_PORTAL, referral: REFERRAL_PORTAL, newsletter: REFERRAL_PORTAL }

const countText = (n: bigint) => n.toString()

/** The stats block of an affiliate program (seed 001). */
export function affiliateStats(program: Program, f: ProgramFigures) {
  const clicks = f.count(METRIC.clicks)
  const signups = f.count(METRIC.signups)
  const purchases = f.count(METRIC.purchases)
  const paidAccounts = f.count(METRIC.paidAccounts)
  const partners = f.count(METRIC.partners)
  const revenue = f.amounts(METRIC.revenue)
  const reward = f.amounts(METRIC.reward)
  const currency = program.currency
  const netProfit = (revenue.get(currency) ?? 0n) - (reward.get(currency) ?? 0n)
  return {
    total_partners: countText(partners.total),
    total_partners_growth: partners.growth,
    total_purchases: countText(purchases.total),
    total_purchases_growth: purchases.growth,
    total_signups: countText(signups.total),
    total_signups_growth: signups.growth,
    total_paid_accounts: countText(paidAccounts.total),
    total_paid_accounts_growth: paidAccounts.growth,
    total_reward: formatMoneyMap(reward, currency),
    total_reward_growth: f.amountsGrowth(METRIC.reward, currency),
    total_revenue: formatMoneyMap(revenue, currency),
    total_revenue_growth: f.amountsGrowth(METRIC.revenue, currency),
    affiliate_referred_visitors_clicks: countText(clicks.total),
    affiliate_referred_visitors_clicks_growth: clicks.growth,
    click_to_signup_conversion: String(percentOf(signups.total, clicks.total)),
    click_to_signup_conversion_growth: 0,
    signup_to_sale_conversion: String(percentOf(paidAccounts.total, signups.total)),
    signup_to_sale_conversion_growth: 0,
    total_paid: formattedList(f.amounts(METRIC.paid)),
    total_pending: formattedList(f.amounts(METRIC.pending)),
    net_profit: microsToNumber(netProfit),
    net_profit_growth: f.amountsGrowth(METRIC.revenue, currency),
    net_profit_formatted: formatMoney(netProfit, currency),
    average_order_value: averageOrderValue(revenue, purchases.total, currency),
    rewards_breakdown: {
      unclaimed: formatMoneyMap(f.amounts(METRIC.rewardsUnclaimed), currency),
      in_review: formatMoneyMap(f.amounts(METRIC.rewardsInReview), currency),
      paid: formatMoneyMap(f.amounts(METRIC.rewardsPaid), currency),
    },
    partner_activity: {
      partners_with_signups: countText(f.count(METRIC.partnersWithSignups).total),
      active_partners: countText(f.count(METRIC.partnersActive).total),
      approved: countText(f.count(METRIC.partnersApproved).total),
      waiting_for_approval: countText(f.count(METRIC.partnersPending).total),
      rejected: countText(f.count(METRIC.partnersRejected).total),
    },
    payout_status_breakdown: payoutBreakdown(f),
  }
}

function formattedList(amounts: Map<string, bigint>): string[] {
  return Object.values(formatMoneyMap(amounts))
}

function averageOrderValue(revenue: Map<string, bigint>, purchases: bigint, programCurrency: string) {
  const out = new Map<string, bigint>()
  if (purchases > 0n) for (const [currency, total] of revenue) out.set(currency, truncateToMinorUnit(total / purchases, currency))
  return formatMoneyMap(out, programCurrency)
}

function payoutBreakdown(f: ProgramFigures) {
  const byStatus = Object.fromEntries(PAYOUT_STATUSES.map((status) => [status, {
    count: Number(f.count(METRIC.payoutCount(status)).total),
    amounts: formatMoneyMap(f.amounts(METRIC.payoutAmount(status))),
  }]))
  const sum = (statuses: readonly string[]) => {
    const out = new Map<string, bigint>()
    for (const status of statuses) {
      for (const [c, v] of f.amounts(METRIC.payoutAmount(status as never))) out.set(c, (out.get(c) ?? 0n) + v)
    }
    return formatMoneyMap(out)
  }
  return {
    ...byStatus,
    total_requested_amounts: sum(['requested', 'resubmitted']),
    total_waiting_amounts: sum(['approved']),
  } as Record<(typeof PAYOUT_STATUSES)[number], { count: number; amounts: Record<string, string> }> & {
    total_requested_amounts: Record<string, string>
    total_waiting_amounts: Record<string, string>
  }
}

/** Refer-a-friend figures (spec §3.1): each count with its value before the window and growth. */
export function referralFigures(f: ProgramFigures, program: Program) {
  const withHistory = (name: string, metric: string) => {
    const reading = f.count(metric)
    const before = reading.total - reading.recentTotal
    return {
      [name]: Number(reading.total),
      [`${name}_before`]: Number(before),
      [`${name}_growth`]: reading.growth,
    }
  }
  const customers = f.count(METRIC.customers).total
  const referring = f.count(METRIC.referringCustomers)
  const participation = percentOf(referring.total, customers)
  const participationBefore = percentOf(referring.total - referring.recentTotal,
    customers - f.count(METRIC.customers).recentTotal)
  // The rewards a program offers are its reward rules (program_settings.referral_rewards), not a flow over time.
  const rules = program.settings.program.referral_rewards.length
  return {
    active_rewards: rules,
    active_rewards_before: rules,
    active_rewards_growth: 0,
    ...withHistory('total_customers', METRIC.customers),
    ...withHistory('total_referring_customers', METRIC.referringCustomers),
    ...withHistory('total_referred_customers', METRIC.referredCustomers),
    ...withHistory('total_sales', METRIC.purchases),
    participation,
    participation_before: participationBefore,
    participation_growth: participation - participationBefore,
    total_revenue_from_sales: formatMoneyMap(f.amounts(METRIC.revenue)),
  }
}

export function newsletterFigures(program: Program, f: ProgramFigures) {
  return {
    id: program.publicId,
    name: program.name,
    esp_type: 'custom',
    esp_type_name: 'Custom',
    total_subscribers: Number(f.count(METRIC.subscribers).total),
    total_referring: Number(f.count(METRIC.referringSubscribers).total),
    total_referred: Number(f.count(METRIC.referredSubscribers).total),
    created_at: isoMicros(program.createdAt),
  }
}

/** GET /v1/program/overview: the legacy flat shape the WooCommerce plugin renders. */
export function affiliateOverview(program: Program, f: ProgramFigures, base: string) {
  const stats = affiliateStats(program, f)
  return {
    overview_program_current_settings: {
      program_initials: initials(program.name),
      program_type_title: typeTitle(program),
      program_name: program.name,
      partner_portal_url: portalUrl(program, base),
      commission_description: commissionDescription(program.settings.commission, program.currency),
      cookie_lifetime: program.settings.program.cookie_lifetime,
      payout_threshold: Number(program.settings.program.payout_threshold),
      currency: program.currency,
    },
    total_partners: stats.total_partners,
    total_partners_growth: stats.total_partners_growth,
    total_signups: stats.total_signups,
    total_signups_growth: stats.total_signups_growth,
    total_paid_accounts: stats.total_paid_accounts,
    total_paid_accounts_growth: stats.total_paid_accounts_growth,
    total_purchases: stats.total_purchases,
    total_purchases_growth: stats.total_purchases_growth,
    total_revenue: Object.values(stats.total_revenue),
    total_revenue_growth: stats.total_revenue_growth,
    total_reward: Object.values(stats.total_reward),
    total_reward_growth: stats.total_reward_growth,
    total_paid: stats.total_paid,
  }
}
