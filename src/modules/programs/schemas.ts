// Request and response schemas of the program endpoints (spec §3.1, seed 001).
import { Type, type Static } from 'typebox'
import { CommissionInput } from '../commissions/schemas.js'
import { Money } from '../../money/schema.js'
import { ReferralRewardsInput } from '../rewards/referral-rules-input.js'

const Bool = Type.Boolean()
const MoneyMap = Type.Record(Type.String(), Type.String(), { description: 'Formatted amounts by lower-case currency, e.g. {"usd": "$1,124.90"}' })
const CountText = Type.String({ description: 'A count, as a string' })
const Growth = Type.Number({ description: 'Percent change of the last 30 days against the 30 days before' })

/** A host name: DNS labels and a top-level domain, no scheme, port or path. */
const HOST_NAME = '^(?=.{1,253}$)([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?\\.)+[A-Za-z]{2,63}$'

export const SignupFieldInput = Type.Object({
  key: Type.String({ pattern: '^[a-z][a-z0-9_]{0,39}$', description: 'The custom_fields key the answer is stored under; unique in the list' }),
  label: Type.String({ minLength: 1, maxLength: 100, pattern: '\\S', description: 'The question as the form shows it' }),
  required: Type.Optional(Type.Boolean({ default: false })),
}, { additionalProperties: false })

export const ProgramTypeInput = Type.Union([Type.Literal('affiliate'), Type.Literal('referral'), Type.Literal('newsletter')])

export const NewProgramInput = Type.Object({
  name: Type.String({ minLength: 1, maxLength: 255 }),
  type: ProgramTypeInput,
  website: Type.Optional(Type.String({ format: 'url', maxLength: 250 })),
  currency: Type.Optional(Type.String({ format: 'currency' })),
})

export const ProgramSettingsInput = Type.Object({
  currency: Type.Optional(Type.String({ format: 'currency', description: 'ISO 4217 code' })),
  cookie_lifetime: Type.Optional(Type.Integer({ minimum: 1, maximum: 9_999_999, description: 'Days' })),
  welcome_email_enabled: Type.Optional(Bool),
  onboarding_enabled: Type.Optional(Bool),
  partner_email_notifications_enabled: Type.Optional(Bool),
  referral_portal_enabled: Type.Optional(Bool),
  rewards_notification_enabled: Type.Optional(Bool),
  partner_auto_approve: Type.Optional(Type.Boolean({ description: 'Extension: approve new partners at once (default true)' })),
  referral_param: Type.Optional(Type.String({ pattern: '^[A-Za-z0-9_-]{1,32}$', description: 'Extension: the referral parameter (default aff; ref for refer-a-friend)' })),
  referral_link_style: Type.Optional(Type.Union([Type.Literal('query'), Type.Literal('path')], { description: 'Extension: site?aff=key (query) or site/aff/key (path)' })),
  reward_self_referrals: Type.Optional(Type.Boolean({ description: 'Extension: customers whose email is their partner\'s own earn commission too (default false)' })),
  commission: Type.Optional(CommissionInput),
  payout_threshold: Type.Optional(Money),
  payout_referred_customers_threshold: Type.Optional(Type.Integer({ minimum: 0, maximum: 1_000_000, description: 'Paying referred customers a partner needs before a payout' })),
  payout_automation_enabled: Type.Optional(Bool),
  payout_automation_schedule: Type.Optional(Type.Union([Type.Literal('daily'), Type.Literal('weekly'), Type.Literal('monthly')], { description: 'Automatic payouts: daily, weekly (Mondays) or monthly (the 1st), UTC' })),
  payout_automation_min: Type.Optional(Money),
  payout_automation_max: Type.Optional(Money),
  referral_rewards: Type.Optional(ReferralRewardsInput),
  referral_attribution: Type.Optional(Type.Union([Type.Literal('last_click'), Type.Literal('first_click')], {
    description: 'Extension (refer-a-friend): which click credits a visitor who clicked several customers\' links (default last_click)',
  })),
}, { additionalProperties: false })

export const PortalSettingsInput = Type.Object({
  program_page_enabled: Type.Optional(Bool),
  leads_page_enabled: Type.Optional(Bool),
  registration_disabled: Type.Optional(Bool),
  google_login_enabled: Type.Optional(Bool),
  passwordless_login_enabled: Type.Optional(Bool),
  sub_accounts_enabled: Type.Optional(Bool),
  widget_enabled: Type.Optional(Bool),
  signup_popup_enabled: Type.Optional(Bool),
  embeddable_form_enabled: Type.Optional(Bool),
  popup_form_enabled: Type.Optional(Bool),
  portal_domain: Type.Optional(Type.Unsafe<string | null>({
    type: ['string', 'null'], maxLength: 253, pattern: HOST_NAME,
    description: 'Extension: the host name the partner portal answers on (partners.example.com); stored in lower case, unique among programs (the admin\'s portal page can remove it)',
  })),
  brand_color: Type.Optional(Type.String({ pattern: '^#[0-9A-Fa-f]{6}$', description: 'Extension: the portal\'s accent colour, #rrggbb (default #1d4ed8)' })),
  custom_link_keys_enabled: Type.Optional(Type.Boolean({ description: 'Extension: partners may create links with their own key in the portal (default true)' })),
  show_customer_emails: Type.Optional(Type.Boolean({ description: 'Extension: the portal shows referred customers\' emails unmasked (default false)' })),
  payout_requests_enabled: Type.Optional(Type.Boolean({ description: 'Extension: partners may request payouts from the portal (default true)' })),
  terms_url: Type.Optional(Type.Unsafe<string | null>({
    type: ['string', 'null'], format: 'url', maxLength: 2000, description: 'Extension: an http(s) URL of the program\'s partner terms (the admin\'s portal page can remove them)',
  })),
  signup_fields: Type.Optional(Type.Array(SignupFieldInput, { maxItems: 10, description: 'Extension: the extra questions of the portal\'s application form (answers go to the partner\'s custom_fields); replaces the list' })),
}, { additionalProperties: false })

export const UpdateProgramInput = Type.Object({
  name: Type.Optional(Type.String({ minLength: 1, maxLength: 255 })),
  website: Type.Optional(Type.String({ format: 'url', maxLength: 250 })),
  program_settings: Type.Optional(ProgramSettingsInput),
  portal_settings: Type.Optional(PortalSettingsInput),
  additional_domains: Type.Optional(Type.Array(
    Type.String({ pattern: HOST_NAME }),
    { maxItems: 50, description: 'Extension: the other domains referral links may use (host names); replaces the list. Links on a removed domain move back to the website.' },
  )),
})
export type UpdateProgramInput = Static<typeof UpdateProgramInput>

export const SettingsAliasInput = Type.Object({ settings: Type.Optional(ProgramSettingsInput) })

export const DeleteProgramInput = Type.Object({
  confirmation_code: Type.Optional(Type.String({ maxLength: 64 })),
})

export const ProgramBlock = Type.Object({
  id: Type.Integer(),
  public_id: Type.String(),
  website: Type.String(),
  initial: Type.String(),
  type: Type.String({ description: 'Affiliate, Referral or Newsletter' }),
  name: Type.String(),
  created_at: Type.String({ description: 'Date, YYYY-MM-DD' }),
  last_edited: Type.String({ description: 'Date, YYYY-MM-DD' }),
})

const PayoutBucket = Type.Object({ count: Type.Integer(), amounts: MoneyMap })

export const AffiliateStats = Type.Object({
  total_partners: CountText,
  total_partners_growth: Growth,
  total_purchases: CountText,
  total_purchases_growth: Growth,
  total_signups: CountText,
  total_signups_growth: Growth,
  total_paid_accounts: CountText,
  total_paid_accounts_growth: Growth,
  total_reward: MoneyMap,
  total_reward_growth: Growth,
  total_revenue: MoneyMap,
  total_revenue_growth: Growth,
  affiliate_referred_visitors_clicks: CountText,
  affiliate_referred_visitors_clicks_growth: Growth,
  click_to_signup_conversion: CountText,
  click_to_signup_conversion_growth: Growth,
  signup_to_sale_conversion: CountText,
  signup_to_sale_conversion_growth: Growth,
  total_paid: Type.Array(Type.String()),
  total_pending: Type.Array(Type.String()),
  net_profit: Type.Number(),
  net_profit_growth: Growth,
  net_profit_formatted: Type.String(),
  average_order_value: MoneyMap,
  rewards_breakdown: Type.Object({ unclaimed: MoneyMap, in_review: MoneyMap, paid: MoneyMap }),
  partner_activity: Type.Object({
    partners_with_signups: CountText,
    active_partners: CountText,
    approved: CountText,
    waiting_for_approval: CountText,
    rejected: CountText,
  }),
  payout_status_breakdown: Type.Object({
    requested: PayoutBucket,
    approved: PayoutBucket,
    paid: PayoutBucket,
    rejected: PayoutBucket,
    resubmitted: PayoutBucket,
    total_requested_amounts: MoneyMap,
    total_waiting_amounts: MoneyMap,
  }),
})

export const ProgramSettingsBlock = Type.Object({
  currency: Type.String(),
  cookie_lifetime: Type.String({ description: 'Days' }),
  commission_description: Type.String(),
  commission_value: Type.String(),
  has_multiple_commissions: Bool,
  payout_threshold: Type.Number(),
  payout_automation_enabled: Bool,
  payout_automation_schedule: Type.Union([Type.String(), Type.Null()]),
  welcome_email_enabled: Bool,
  onboarding_enabled: Bool,
  partner_email_notifications_enabled: Bool,
  referral_portal_enabled: Type.Optional(Bool),
  rewards_notification_enabled: Type.Optional(Bool),
  referral_rewards: Type.Optional(Type.Array(Type.Object({
    side: Type.String(), trigger: Type.String(), type: Type.String(), value: Type.String(), unit: Type.String(),
    recurrence: Type.Union([Type.String(), Type.Object({ months: Type.Integer() })]),
    from_occurrence: Type.Optional(Type.Integer()), to_occurrence: Type.Optional(Type.Integer()), review_days: Type.Optional(Type.Integer()),
  }), { description: 'Extension (refer-a-friend): the reward rules' })),
  referral_attribution: Type.Optional(Type.String({ description: 'Extension (refer-a-friend): last_click or first_click' })),
})

export const PortalSettingsBlock = Type.Object({
  partner_portal_url: Type.String(),
  program_page_enabled: Bool,
  leads_page_enabled: Type.Optional(Bool),
  registration_disabled: Bool,
  google_login_enabled: Type.Optional(Bool),
  passwordless_login_enabled: Type.Optional(Bool),
  sub_accounts_enabled: Type.Optional(Bool),
  widget_enabled: Bool,
  signup_popup_enabled: Type.Optional(Bool),
  embeddable_form_enabled: Bool,
  popup_form_enabled: Type.Optional(Bool),
  portal_domain: Type.Optional(Type.Union([Type.String(), Type.Null()])),
  brand_color: Type.Optional(Type.String()),
  custom_link_keys_enabled: Type.Optional(Bool),
  show_customer_emails: Type.Optional(Bool),
  payout_requests_enabled: Type.Optional(Bool),
  terms_url: Type.Optional(Type.Union([Type.String(), Type.Null()])),
  signup_fields: Type.Optional(Type.Array(Type.Object({ key: Type.String(), label: Type.String(), required: Bool }))),
})

export const AffiliateProgramDetails = Type.Object({
  program: ProgramBlock,
  stats: AffiliateStats,
  program_settings: ProgramSettingsBlock,
  portal_settings: PortalSettingsBlock,
})

const WithHistory = (name: string) => ({
  [name]: Type.Integer(),
  [`${name}_before`]: Type.Integer(),
  [`${name}_growth`]: Growth,
})

export const ReferralProgramDetails = Type.Object({
  program: ProgramBlock,
  ...WithHistory('active_rewards'),
  ...WithHistory('total_customers'),
  ...WithHistory('total_referring_customers'),
  ...WithHistory('total_referred_customers'),
  ...WithHistory('total_sales'),
  ...WithHistory('participation'),
  total_revenue_from_sales: MoneyMap,
  overview_program_current_settings: Type.Object({ partner_portal_url: Type.String(), website_url: Type.String() }),
  program_settings: ProgramSettingsBlock,
  portal_settings: PortalSettingsBlock,
})

export const NewsletterProgramDetails = Type.Object({
  program: ProgramBlock,
  id: Type.String({ description: 'The program public id' }),
  name: Type.String(),
  esp_type: Type.String(),
  esp_type_name: Type.String(),
  total_subscribers: Type.Integer(),
  total_referring: Type.Integer(),
  total_referred: Type.Integer(),
  created_at: Type.String(),
  program_settings: ProgramSettingsBlock,
  portal_settings: PortalSettingsBlock,
})

export const ProgramDetails = Type.Union([AffiliateProgramDetails, ReferralProgramDetails, NewsletterProgramDetails])

export const AffiliateOverview = Type.Object({
  overview_program_current_settings: Type.Object({
    program_initials: Type.String(),
    program_type_title: Type.String(),
    program_name: Type.String(),
    partner_portal_url: Type.String(),
    commission_description: Type.String(),
    cookie_lifetime: Type.Integer(),
    payout_threshold: Type.Number(),
    currency: Type.String(),
  }),
  total_partners: CountText,
  total_partners_growth: Growth,
  total_signups: CountText,
  total_signups_growth: Growth,
  total_paid_accounts: CountText,
  total_paid_accounts_growth: Growth,
  total_purchases: CountText,
  total_purchases_growth: Growth,
  total_revenue: Type.Array(Type.String()),
  total_revenue_growth: Growth,
  total_reward: Type.Array(Type.String()),
  total_reward_growth: Growth,
  total_paid: Type.Array(Type.String()),
})

export const ProgramOverview = Type.Union([AffiliateOverview, ReferralProgramDetails, NewsletterProgramDetails])

export const TestInfo = Type.Object({
  program: Type.Object({ pub_id: Type.String(), name: Type.String(), type: Type.String() }),
})

export const DeletionCode = Type.Object({
  data: Type.Object({ confirmation_code: Type.String(), expires_in: Type.Integer({ description: 'Seconds' }) }),
  message: Type.String(),
  status: Type.Literal(1),
})
