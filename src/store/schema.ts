// Table types for Kysely. Portable column rules (architecture §5): times are epoch milliseconds,
// booleans are 0/1 integers on both stores, JSON is text on SQLite and jsonb on PostgreSQL
// (read it with readJson), money is integer micros.
import type { Generated, Kysely, Transaction } from 'kysely'

export type ProgramType = 'affiliate' | 'referral' | 'newsletter'

export interface ProgramTable {
  id: Generated<number>
  public_id: string
  name: string
  type: ProgramType
  website: string | null
  currency: string
  /** JSON: the program's settings, merged over the defaults on read. */
  settings: unknown
  created_at: number
  updated_at: number
  delete_code_hash: string | null
  delete_code_expires_at: number | null
}

export interface ApiKeyTable {
  id: Generated<number>
  program_id: number
  /** The first characters of the key, safe to show (`pk_live_AbCd1234`). */
  prefix: string
  /** SHA-256 of the whole key, hex. The key itself is never stored. */
  key_hash: string
  created_at: number
  revoked_at: number | null
}

export interface IdempotencyTable {
  id: Generated<number>
  program_id: number
  api_key_id: number
  idem_key: string
  /** SHA-256 of method, path and canonical input: a second use with other input is refused. */
  fingerprint: string
  /** No longer used: claims commit with their effect and answer, so no claim outlives its holder. */
  locked_until: number | null
  status_code: number | null
  response_body: string | null
  created_at: number
}

export interface OutboxTable {
  id: Generated<number>
  program_id: number
  type: string
  data: unknown
  created_at: number
  /** 1 once the webhook dispatcher has made this event's deliveries (0007-webhooks). */
  fanned_out: Generated<number>
  /** 1 once the mail job has read this event (0016-mail). */
  mailed: Generated<number>
}

/** One row per program, day, metric and currency: the running sums behind program stats. */
export interface RollupTable {
  program_id: number
  /** Days since 1970-01-01 UTC. */
  day: number
  metric: string
  /** Upper-case currency for money metrics, '' for counts. */
  currency: string
  /** Rows of one metric and day a value is spread over (PostgreSQL writers); reads sum them. */
  shard: Generated<number>
  value: number | bigint
}

/** Store-wide facts (one row each), e.g. whether the demo program was already made. */
export interface StoreMetaTable {
  name: string
  value: string
}

export type PartnerStatus = 'active' | 'pending' | 'rejected' | 'archived'

export interface PartnerTable {
  id: Generated<number>
  program_id: number
  /** The partner's `id` on the wire: chosen by the merchant or generated. */
  public_id: string
  email: string
  /** Lower-cased email: uniqueness and look-ups ignore case. */
  email_lower: string
  name: string | null
  surname: string | null
  /** scrypt, in the self-describing form of partners/password.ts */
  password_hash: string
  status: PartnerStatus
  approved: number
  status_before_archive: PartnerStatus | null
  tos: number
  /** JSON array of strings */
  tags: unknown
  /** JSON array of {key, value}, in the order given */
  custom_fields: unknown
  referring_partner_id: number | null
  clicks: Generated<number>
  signups: Generated<number>
  sales_count: Generated<number>
  paid_accounts: Generated<number>
  referrals_count: Generated<number>
  /** JSON: the partner's own commission rule (extension), or null for the program's. */
  commission: unknown
  /** JSON {gateway, settings}: the partner's saved payout method (extension), or null. */
  payout: Generated<unknown>
  created_at: number
  updated_at: number
  /**
   * Set by DELETE (migration 0013): the row stays, so the sales, rewards and ledger rows that name
   * the partner can still be reversed and its counters still follow them; every look-up skips it.
   */
  deleted_at: Generated<number | null>
  /** When the partner followed the verification link (migration 0017); null for an applicant who has not yet. */
  email_verified_at: number | null
  language: Generated<string | null>
  /** JSON array of the mail kinds the partner turned off, or null for none. */
  mail_opt_out: Generated<string | null>
}

export interface ProgramDomainTable {
  id: Generated<number>
  program_id: number
  /** Host name, lower case (`shop.example.com`). */
  domain: string
  created_at: number
}

export interface ReferralLinkTable {
  id: Generated<number>
  program_id: number
  partner_id: number
  key: string
  is_default: number
  /** An additional domain of the program; null = the program website. */
  domain_id: number | null
  /** A page of the program's site the link leads to, instead of the home page. */
  landing_url: string | null
  direct_tracking: number
  direct_tracking_redirect: number
  direct_tracking_redirect_url: string | null
  created_at: number
  /** Set when its partner is deleted: the key is free again, and its clicks stay. */
  deleted_at: Generated<number | null>
}

/** Per-partner money counters (revenue, commissions by state), one row per metric and currency. */
export interface PartnerAmountTable {
  program_id: number
  partner_id: number
  metric: string
  currency: string
  value: number | bigint
}

export type CustomerStatus = 'active' | 'suspended'

export interface CustomerTable {
  id: Generated<number>
  program_id: number
  /** The merchant's key; null once deleted (deleted_key keeps it). */
  key: string | null
  deleted_key: string | null
  partner_id: number | null
  /** The referral link that credited the partner, when known. */
  link_id: number | null
  email: string | null
  email_lower: string | null
  name: string | null
  surname: string | null
  status: CustomerStatus
  archived: number
  /** JSON array of strings */
  tags: unknown
  referral_url: string | null
  /** The click that credited the partner, when the customer arrived through one. */
  click_id: number | null
  /** 1 when the customer's email is the partner's own (normalised): it earns no commission. */
  self_referral: Generated<number>
  live_sales: Generated<number>
  created_at: number
  updated_at: number
  deleted_at: number | null
  /** Refer-a-friend (migration 0021): the partners row this customer refers with; null in affiliate programs. */
  earner_id: Generated<number | null>
  /** Refer-a-friend: 1 unless the merchant created the customer unapproved. */
  approved: Generated<number>
  /** Refer-a-friend: JSON {date_of_birth?} as the merchant sent it, or null. */
  metadata: Generated<unknown>
  /** Refer-a-friend: JSON object of the merchant's own fields, or null. */
  custom_fields: Generated<unknown>
}

export interface TransactionTable {
  id: Generated<number>
  program_id: number
  key: string | null
  deleted_key: string | null
  customer_id: number
  partner_id: number | null
  action: string
  /** micros */
  amount: number | bigint
  /** micros refunded so far (partial refunds); amount − refunded is what still counts */
  refunded: Generated<number | bigint>
  currency: string
  /** JSON {product_id?: string[], product_type?: string[]} */
  product: unknown
  rewardable: number
  rewarded: number
  archived_at: number | null
  /** JSON: the fields clients send that only come back (discounts, gross amount, status) */
  extra: unknown
  created_at: number
  recorded_at: number
  deleted_at: number | null
}

export type RewardStatus = 'review_period' | 'ok' | 'rejected'
export type RewardKind = 'sale' | 'manual' | 'lead' | 'signup'

export interface RewardTable {
  id: Generated<number>
  program_id: number
  transaction_id: number | null
  partner_id: number
  customer_id: number | null
  level: number
  kind: RewardKind
  /** JSON: the commission rule applied (see commissions/rules.ts) */
  rule: unknown
  /** micros: what the reward is worth now (after refunds) */
  amount: number | bigint
  currency: string
  status: RewardStatus
  review_until: number | null
  archived: number
  description: string | null
  created_at: number
}

export type LedgerBucket = 'review' | 'payable' | 'paid'
export type LedgerKind = 'accrual' | 'reversal' | 'release' | 'manual' | 'reinstatement' | 'payout'

export interface LedgerEntryTable {
  id: Generated<number>
  program_id: number
  partner_id: number
  reward_id: number | null
  payout_id: number | null
  kind: LedgerKind
  bucket: LedgerBucket
  /** signed micros */
  amount: number | bigint
  currency: string
  created_at: number
}

export type LeadStatus = 'submitted' | 'converted' | 'rejected'

export interface LeadTable {
  id: Generated<number>
  program_id: number
  /** The lead's `id` on the wire: 1, 2, 3… within its program (see lead_counters). */
  number: number
  partner_id: number | null
  name: string
  email: string
  /** JSON array of {field, answer}: the custom form answers (`cfields`), in the order given */
  answers: unknown
  status: LeadStatus
  /** The customer the lead was converted into. */
  customer_id: number | null
  created_at: number
  updated_at: number
}

/** The last lead number each program handed out. */
export interface LeadCounterTable {
  program_id: number
  last_number: number
}

/** One row per referral link and visitor (salted hash of IP and user agent). */
export interface ClickTable {
  id: Generated<number>
  program_id: number
  partner_id: number
  link_id: number
  visitor: string
  first_at: number
  /** The last counted click: a repeat within the counting window is not counted. */
  counted_at: number
  count: number
}

export interface WebhookSubscriptionTable {
  id: Generated<number>
  program_id: number
  /** The wire `key` (12 characters unless the merchant chose one). */
  key: string
  name: string
  url: string
  /** JSON array of event names (text on both stores). */
  events: string
  is_active: number
  /** The signing secret, the wire's `signature`. */
  secret: string
  /** Why the dispatcher switched the subscription off; null when active or switched off by the merchant. */
  disabled_reason: string | null
  created_at: number
  updated_at: number
}

export type DeliveryStatus = 'pending' | 'delivered' | 'failed'

export interface WebhookDeliveryTable {
  id: Generated<number>
  program_id: number
  subscription_id: number
  /** The event delivered; null for a test event. */
  outbox_id: number | null
  /** Standard Webhooks `webhook-id`, the same on every attempt. */
  webhook_id: string
  event: string
  /** The exact request body, fixed at creation. */
  body: string
  status: DeliveryStatus
  attempts: number
  next_attempt_at: number
  claimed_until: number | null
  claim_token: string | null
  last_attempt_at: number | null
  last_status_code: number | null
  last_error: string | null
  created_at: number
  delivered_at: number | null
}

export interface StripeSettingsTable {
  program_id: number
  webhook_secret: string
  /** 1: an open or lost dispute takes the commission back. */
  reverse_on_dispute: number
  updated_at: number
}

export interface StripeEventTable {
  id: Generated<number>
  program_id: number
  event_id: string
  type: string
  received_at: number
}

export type DisputeState = 'open' | 'won' | 'lost'

export interface StripePaymentTable {
  id: Generated<number>
  program_id: number
  transaction_key: string
  stripe_customer: string | null
  /** JSON: the sale as Stripe described it, once known (see integrations/stripe/store.ts). */
  sale: unknown
  /** The largest cumulative refund Stripe reported, in the currency's minor units. */
  refunded_minor: number | bigint
  dispute: DisputeState | null
  /**
   * For a PaymentIntent's or charge's row: the transaction key of the invoice it paid, when that
   * invoice's sale is keyed by the invoice (Stripe API versions from 2025-03-31; migration 0014).
   */
  invoice_key: string | null
  updated_at: number
}

export interface StripeCustomerTable {
  program_id: number
  stripe_customer: string
  /** JSON: how to find our customer (key, email, partner key) as a checkout said it. */
  hints: unknown
}

export type PayoutRequestStatus = 'requested' | 'approved' | 'finished' | 'rejected' | 'resubmit_requested' | 'resubmitted'
export type PayoutGateway = 'paypal' | 'wise' | 'crypto' | 'venmo'

export interface PayoutRequestTable {
  id: Generated<number>
  program_id: number
  /** The request's `id` on the wire: 1, 2, 3… within its program (see payout_counters). */
  number: number
  partner_id: number
  currency: string
  /** micros: the sum of its payout_rewards lines */
  amount: number | bigint
  status: PayoutRequestStatus
  gateway: PayoutGateway | null
  /** JSON: the payout details used (PayPal email, wallet…) */
  payout_settings: unknown
  reason: string | null
  created_at: number
  updated_at: number
  approved_at: number | null
  paid_at: number | null
}

/** The last payout request number each program handed out. */
export interface PayoutCounterTable {
  program_id: number
  last_number: number
}

/** One reward a payout covers and the (signed) micros of it paid: negative lines are clawbacks. */
export interface PayoutRewardTable {
  program_id: number
  payout_id: number
  reward_id: number
  amount: number | bigint
}

/** One automatic payout run per program and schedule slot. */
export interface PayoutRunTable {
  program_id: number
  slot: string
  created_at: number
}

export type MailStatus = 'pending' | 'sent' | 'logged' | 'failed'

/** An outgoing email (src/mail/): sent over SMTP, or written to the log when there is no SMTP_URL. */
export interface MailTable {
  id: Generated<number>
  program_id: number | null
  /** The event that made the mail, if one did (at most one mail per event). */
  outbox_id: number | null
  /** The message's name: `application-received`, `sign-in-code`… */
  kind: string
  to_address: string
  subject: string
  text: string
  html: string
  status: MailStatus
  attempts: number
  next_attempt_at: number
  claimed_until: number | null
  claim_token: string | null
  last_error: string | null
  created_at: number
  /** When it was sent (or logged). */
  sent_at: number | null
}

export interface PartnerSessionTable {
  /** SHA-256 (hex) of the session cookie's value */
  id: string
  partner_id: number
  program_id: number
  csrf: string
  created_at: number
  expires_at: number
}

export type SignInPurpose = 'url' | 'link' | 'reset' | 'verify'

export interface SignInTokenTable {
  id: Generated<number>
  program_id: number
  partner_id: number
  purpose: SignInPurpose
  /** SHA-256 (hex) of the token in the link */
  token_hash: string
  /** SHA-256 (hex) of the code typed instead of following the link (passwordless sign-in) */
  code_hash: string | null
  email: string | null
  code_attempts: Generated<number>
  created_at: number
  expires_at: number
  ended: 'used' | 'replaced' | null
}

/** A merchant user: one person across programs (0018-users). */
export interface UserTable {
  id: Generated<number>
  email: string
  email_lower: string
  /** '' until the person gives one. */
  name: string
  /** Null: signs in by one-time links only. */
  password_hash: string | null
  created_at: number
  updated_at: number
}

export type Role = 'owner' | 'admin' | 'viewer'

/** A user's role in one program. */
export interface MembershipTable {
  user_id: number
  program_id: number
  role: Role
  created_at: number
}

export interface UserSessionTable {
  /** SHA-256 (hex) of the session cookie's value */
  id: string
  user_id: number
  /** The program being worked on (one of the user's memberships). */
  program_id: number
  csrf: string
  created_at: number
  expires_at: number
}

export type UserTokenPurpose = 'link' | 'reset'

export interface UserTokenTable {
  id: Generated<number>
  user_id: number
  purpose: UserTokenPurpose
  /** SHA-256 (hex) of the token in the link */
  token_hash: string
  /** The program the link opens the session in; null: the user's first. */
  program_id: number | null
  created_at: number
  expires_at: number
  ended: 'used' | 'replaced' | null
}

/** Who did what in a program, newest read first. */
export interface AuditLogTable {
  id: Generated<number>
  program_id: number
  /** Null: the command line, Partnerkit itself, or a user since deleted. */
  user_id: number | null
  action: string
  object_type: string
  object_id: string
  /** JSON: what the change was (before and after, the role given…), or null. */
  detail: unknown
  created_at: number
}

/** A program's portal logo (0019-program-logos): one a program. */
export interface ProgramLogoTable {
  program_id: number
  /** image/png, image/jpeg, image/webp or image/gif: what the first bytes showed. */
  content_type: string
  bytes: Buffer
  /** SHA-256 of the bytes, hex: the image's name in its URL. */
  hash: string
  updated_at: number
}

export interface Database {
  programs: ProgramTable
  api_keys: ApiKeyTable
  idempotency_keys: IdempotencyTable
  outbox: OutboxTable
  program_rollups: RollupTable
  store_meta: StoreMetaTable
  partners: PartnerTable
  program_domains: ProgramDomainTable
  referral_links: ReferralLinkTable
  partner_amounts: PartnerAmountTable
  customers: CustomerTable
  transactions: TransactionTable
  rewards: RewardTable
  ledger_entries: LedgerEntryTable
  leads: LeadTable
  lead_counters: LeadCounterTable
  clicks: ClickTable
  webhook_subscriptions: WebhookSubscriptionTable
  webhook_deliveries: WebhookDeliveryTable
  stripe_settings: StripeSettingsTable
  stripe_events: StripeEventTable
  stripe_payments: StripePaymentTable
  stripe_customers: StripeCustomerTable
  payout_requests: PayoutRequestTable
  payout_counters: PayoutCounterTable
  payout_rewards: PayoutRewardTable
  payout_runs: PayoutRunTable
  mails: MailTable
  partner_sessions: PartnerSessionTable
  sign_in_tokens: SignInTokenTable
  users: UserTable
  memberships: MembershipTable
  user_sessions: UserSessionTable
  user_tokens: UserTokenTable
  audit_log: AuditLogTable
  program_logos: ProgramLogoTable
}

export type Db = Kysely<Database> | Transaction<Database>
