// Which click credited a customer, and whether the customer referred themselves. The cookie
// carries the partner's key; a merchant's backend may instead pass the click id (`clk_…`) it got
// from the `partnero_click` cookie, which names the exact link and visit.
import type { Db } from '../../store/schema.js'
import type { Program } from '../programs/service.js'
import { executeRaw, readRow } from '../../store/prepared.js'
import { isoMicros } from '../../wire-time.js'
import { findClick, livePartnerId, type ClickRow, type CustomerRow } from './store.js'

const CLICK_ID = /^clk_(\d{1,15})$/

export function clickIdOf(text: string | undefined): number | undefined {
  const match = text === undefined ? null : CLICK_ID.exec(text)
  return match ? Number(match[1]) : undefined
}

export function clickText(id: number): string {
  return `clk_${id}`
}

/** A click of this program that is still within the program's cookie lifetime. */
export async function liveClick(db: Db, program: Program, clickRef: string | undefined, now: number): Promise<ClickRow | undefined> {
  const id = clickIdOf(clickRef)
  const click = id === undefined ? undefined : await findClick(db, program.id, id)
  return click && withinLifetime(program, click, now) ? click : undefined
}

/** The visitor's click on the link, if it is still within the cookie lifetime. */
export async function visitorClick(db: Db, program: Program, linkId: number, visitor: string, now: number): Promise<ClickRow | undefined> {
  const [row] = await executeRaw<{ id: number | bigint }>(db, 'select id from clicks where link_id = ? and visitor = ?', [linkId, visitor])
  const click = row ? await findClick(db, program.id, Number(row.id)) : undefined
  return click && withinLifetime(program, click, now) ? click : undefined
}

function withinLifetime(program: Program, click: ClickRow, now: number): boolean {
  return now - click.countedAt <= program.settings.program.cookie_lifetime * 86_400_000
}

// Mailboxes that ignore dots in the local part.
const DOTLESS = new Set(['gmail.com', 'googlemail.com'])

/** The mailbox an address delivers to: lower case, `+tag` dropped, Gmail's dots ignored. */
export function mailbox(email: string): string {
  const at = email.lastIndexOf('@')
  if (at < 0) return email.trim().toLowerCase()
  let local = email.slice(0, at).trim().toLowerCase()
  let domain = email.slice(at + 1).trim().toLowerCase()
  local = local.split('+')[0] as string
  if (DOTLESS.has(domain)) {
    local = local.replace(/\./g, '')
    domain = 'gmail.com'
  }
  return `${local}@${domain}`
}

export function isSelfReferral(customerEmail: string | null | undefined, partnerEmail: string): boolean {
  return !!customerEmail && mailbox(customerEmail) === mailbox(partnerEmail)
}

export interface AttributionView {
  customer: string
  attributed: boolean
  partner: string | null
  link: { key: string } | null
  click: { id: string; first_at: string; last_counted_at: string } | null
  self_referral: boolean
  earns_commission: boolean
  reason: string
}

/** Why a customer is (or is not) credited to a partner, in words and in ids. */
export async function explainAttribution(db: Db, program: Program, customer: CustomerRow): Promise<AttributionView> {
  const click = customer.click_id === null ? undefined : await findClick(db, program.id, Number(customer.click_id))
  const link = customer.link_id === null ? undefined
    : await readRow<{ key: string }>(db, 'link_key_by_id', 'select "key" from referral_links where program_id = ? and id = ? and deleted_at is null', [program.id, customer.link_id])
  const selfReferral = Number(customer.self_referral) === 1
  const attributed = livePartnerId(customer) !== null
  const earns = attributed && (!selfReferral || program.settings.program.reward_self_referrals)
  return {
    customer: customer.key ?? customer.deleted_key ?? '',
    attributed,
    partner: customer.partner_public_id,
    link: link ? { key: link.key } : null,
    click: click ? { id: clickText(click.id), first_at: isoMicros(click.firstAt), last_counted_at: isoMicros(click.countedAt) } : null,
    self_referral: selfReferral,
    earns_commission: earns,
    reason: reasonFor({ attributed, partner: customer.partner_public_id, link: link?.key, click, selfReferral, earns }),
  }
}

function reasonFor(a: { attributed: boolean; partner: string | null; link?: string; click?: ClickRow; selfReferral: boolean; earns: boolean }): string {
  if (!a.attributed) return 'No partner: the partner who referred this customer has been deleted.'
  const via = a.click
    ? `through a click on the referral link "${a.click.key}" (${clickText(a.click.id)})`
    : a.link ? `through the referral link "${a.link}" named when the customer was created (no click on record for this visitor)` : 'by the partner named when the customer was created'
  const credited = `Credited to partner "${a.partner}" ${via}.`
  if (!a.selfReferral) return credited
  return a.earns
    ? `${credited} The customer's email is the partner's own; the program rewards self-referrals.`
    : `${credited} The customer's email is the partner's own (a self-referral): it earns no commission.`
}
