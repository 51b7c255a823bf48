// A program's settings: what each program type offers, their defaults, and the commission text.
// Stored as one JSON document; read through programSettings() so new settings get their default.
import type { ProgramType } from '../../store/schema.js'
import { DEFAULT_COMMISSION, commissionRules, type CommissionRules } from '../commissions/rules.js'
import { PAYOUT_SETTINGS } from './payout-settings.js'
import { DEFAULT_REFERRAL_REWARDS, type ReferralRewardRule } from '../rewards/referral-rules.js'

export interface ProgramSettings {
  cookie_lifetime: number
  welcome_email_enabled: boolean
  onboarding_enabled: boolean
  partner_email_notifications_enabled: boolean
  referral_portal_enabled: boolean
  rewards_notification_enabled: boolean
  /** Exact decimal text (0 when never set): the least balance a partner may request (payout-settings.ts). */
  payout_threshold: number | string
  /** Paying referred customers a partner needs before its first payout request. */
  payout_referred_customers_threshold: number
  payout_automation_enabled: boolean
  /** daily, weekly or monthly */
  payout_automation_schedule: string | null
  /** Exact decimal text: automatic payouts skip smaller balances, and pay at most the max (null = no max). */
  payout_automation_min: number | string
  payout_automation_max: string | null
  /** Extension: new partners are approved at once (true) or wait for approval (false). */
  partner_auto_approve: boolean
  /** Extension: the query/path parameter that carries the referral key (`aff`, `ref`, `partner`…). */
  referral_param: string
  /** Extension: `query` builds `site?aff=key`, `path` builds `site/aff/key`. */
  referral_link_style: 'query' | 'path'
  /** Extension: a customer whose email is the partner's own (normalised) earns commission anyway. */
  reward_self_referrals: boolean
  /** Refer-a-friend (extension): what a referred friend's sign-up or sale earns (rewards/referral-rules.ts). */
  referral_rewards: readonly ReferralRewardRule[]
  /** Refer-a-friend (extension): a visitor who clicked several customers' links is credited to the last (default) or the first. */
  referral_attribution: 'last_click' | 'first_click'
}

export interface PortalSettings {
  program_page_enabled: boolean
  leads_page_enabled: boolean
  registration_disabled: boolean
  google_login_enabled: boolean
  passwordless_login_enabled: boolean
  sub_accounts_enabled: boolean
  widget_enabled: boolean
  signup_popup_enabled: boolean
  embeddable_form_enabled: boolean
  popup_form_enabled: boolean
  /** Extension: the host name the partner portal answers on (lower case); no two programs share one. */
  portal_domain: string | null
  /** Extension: the portal's accent colour, `#rrggbb` (lower case). */
  brand_color: string
  /** Extension: partners may create links with a key of their own in the portal. */
  custom_link_keys_enabled: boolean
  /** Extension: the portal shows referred customers' emails unmasked. */
  show_customer_emails: boolean
  /** Extension: partners may request payouts from the portal. */
  payout_requests_enabled: boolean
  /** Extension: an http(s) URL of the program's partner terms. */
  terms_url: string | null
  /** Extension: the extra questions of the portal's application form. Read-only: the default list is shared. */
  signup_fields: readonly SignupField[]
}

/** A question of the portal's application form; the answer goes to the partner's custom_fields[key]. */
export interface SignupField {
  key: string
  label: string
  required: boolean
}

export interface StoredSettings {
  program: ProgramSettings
  portal: PortalSettings
  commission: CommissionRules
}

export const DEFAULT_SETTINGS: StoredSettings = {
  program: {
    cookie_lifetime: 30,
    welcome_email_enabled: false,
    onboarding_enabled: false,
    partner_email_notifications_enabled: false,
    referral_portal_enabled: true,
    rewards_notification_enabled: false,
    payout_threshold: 0,
    payout_referred_customers_threshold: 0,
    payout_automation_enabled: false,
    payout_automation_schedule: null,
    payout_automation_min: 0,
    payout_automation_max: null,
    partner_auto_approve: true,
    referral_param: 'aff',
    referral_link_style: 'query',
    reward_self_referrals: false,
    referral_rewards: DEFAULT_REFERRAL_REWARDS,
    referral_attribution: 'last_click',
  },
  portal: {
    program_page_enabled: true,
    leads_page_enabled: false,
    registration_disabled: false,
    google_login_enabled: false,
    passwordless_login_enabled: false,
    sub_accounts_enabled: false,
    widget_enabled: false,
    signup_popup_enabled: false,
    embeddable_form_enabled: false,
    popup_form_enabled: false,
    portal_domain: null,
    brand_color: '#1d4ed8',
    custom_link_keys_enabled: true,
    show_customer_emails: false,
    payout_requests_enabled: true,
    terms_url: null,
    signup_fields: [],
  },
  commission: DEFAULT_COMMISSION,
}

/** Extension: the partner portal's own settings (affiliate programs), settable and shown with the others. */
export const PORTAL_EXTENSIONS = ['portal_domain', 'brand_color', 'custom_link_keys_enabled', 'show_customer_emails',
  'payout_requests_enabled', 'terms_url', 'signup_fields'] as const

/** The settings PUT /v1/program accepts, per program type (spec §3.1). */
export const SETTABLE: Record<ProgramType, { program: string[]; portal: string[] }> = {
  affiliate: {
    program: ['currency', 'cookie_lifetime', 'welcome_email_enabled', 'onboarding_enabled', 'partner_email_notifications_enabled',
      'partner_auto_approve', 'referral_param', 'referral_link_style', 'reward_self_referrals', 'commission', ...PAYOUT_SETTINGS],
    portal: ['program_page_enabled', 'leads_page_enabled', 'registration_disabled', 'google_login_enabled',
      'passwordless_login_enabled', 'sub_accounts_enabled', 'widget_enabled', 'signup_popup_enabled', 'embeddable_form_enabled',
      ...PORTAL_EXTENSIONS],
  },
  referral: {
    program: ['currency', 'cookie_lifetime', 'referral_portal_enabled', 'rewards_notification_enabled', 'referral_param', 'referral_link_style',
      'referral_rewards', 'referral_attribution'],
    portal: ['registration_disabled', 'program_page_enabled', 'widget_enabled', 'embeddable_form_enabled', 'popup_form_enabled'],
  },
  newsletter: {
    program: [],
    portal: ['registration_disabled', 'program_page_enabled', 'widget_enabled', 'embeddable_form_enabled', 'popup_form_enabled'],
  },
}

/** The stored document merged over today's defaults (refer-a-friend links use `ref`). */
export function programSettings(stored: Partial<StoredSettings> | null | undefined, type: ProgramType = 'affiliate'): StoredSettings {
  return {
    program: { ...DEFAULT_SETTINGS.program, ...(type === 'affiliate' ? {} : { referral_param: 'ref' }), ...stored?.program },
    portal: { ...DEFAULT_SETTINGS.portal, ...stored?.portal },
    commission: commissionRules(stored?.commission),
  }
}
