// What a partner changes about its own account from the portal: the address it proved it owns,
// its password, language and which mails it wants. A change the API could also make (email,
// password) goes through updatePartner, so the merchant's webhooks see the same partner.updated.
import type { Kysely } from 'kysely'
import type { Database, Db } from '../../store/schema.js'
import { readJson, writeJson } from '../../store/json.js'
import type { Program } from '../programs/service.js'
import { PARTNER_AMOUNT, partnerAmountsIn } from '../stats/service.js'
import { verifyPassword } from './password.js'
import { updatePartner } from './service.js'
import { findPartnerByRowId, updatePartnerRow, type PartnerRow } from './store.js'

/** The mails a partner may turn off; the ones about its own account (sign-in, verification) always go. */
export const OPTIONAL_MAILS = ['new-commission', 'payout-sent'] as const
export type OptionalMail = (typeof OPTIONAL_MAILS)[number]

export const LANGUAGES = ['en'] as const

export function passwordMatches(row: PartnerRow, password: string): Promise<boolean> {
  return verifyPassword(password, row.password_hash)
}

export function isVerified(row: PartnerRow): boolean {
  return row.email_verified_at !== null
}

export function mailsTurnedOff(row: PartnerRow): OptionalMail[] {
  const list = row.mail_opt_out === null ? [] : readJson<unknown>(row.mail_opt_out)
  return Array.isArray(list) ? list.filter((k): k is OptionalMail => (OPTIONAL_MAILS as readonly string[]).includes(k)) : []
}

/** The partner followed a verification link for `email`: that address is now its own, and verified. */
export async function confirmEmail(db: Kysely<Database>, program: Program, row: PartnerRow, email: string, base: string, now = Date.now()) {
  if (email.toLowerCase() !== row.email_lower) {
    await updatePartner(db, program, async () => row, { email }, base, now)
  }
  const fresh = await findPartnerByRowId(db, program.id, row.id) ?? row
  return updatePartnerRow(db, fresh, { email_verified_at: now })
}

export async function setPreferences(db: Db, row: PartnerRow, prefs: { language?: string; mailsOff?: OptionalMail[] }, now = Date.now()) {
  return updatePartnerRow(db, row, {
    ...(prefs.language !== undefined ? { language: prefs.language } : {}),
    ...(prefs.mailsOff !== undefined ? { mail_opt_out: writeJson(prefs.mailsOff) as string } : {}),
    updated_at: now,
  })
}

export interface PartnerFigures {
  clicks: number
  signups: number
  customers: number
  sales: number
  currency: string
  revenue: bigint
  /** Commission by ledger bucket, in the program currency. */
  inReview: bigint
  payable: bigint
  paid: bigint
}

/** What the partner's dashboard shows: its maintained counters, no event scanned. */
export async function partnerFigures(db: Db, program: Program, row: PartnerRow): Promise<PartnerFigures> {
  const amounts = await partnerAmountsIn(db, program.id, row.id, program.currency)
  const amount = (metric: string) => amounts.get(metric) ?? 0n
  return {
    clicks: Number(row.clicks), signups: Number(row.signups), customers: Number(row.paid_accounts), sales: Number(row.sales_count),
    currency: program.currency, revenue: amount(PARTNER_AMOUNT.revenue),
    inReview: amount(PARTNER_AMOUNT.pending), payable: amount(PARTNER_AMOUNT.notPaid), paid: amount(PARTNER_AMOUNT.paid),
  }
}
