// Files for people and payment providers: a payout's statement as CSV, and mass-payout files of
// many requests — PayPal Payouts (also Venmo, through PayPal), a Wise batch, or a plain CSV.
// Amounts print one way, exactly, in at least the currency's decimals (moneyText): a payout is a
// whole number of minor units (whole-units.ts), so a file sends exactly what the ledger records as
// paid, and a statement line shows a reward's fraction of a cent as it is. Text a partner typed is guarded against spreadsheet
// formulas (a leading = + - @ gets a quote).
import { moneyText } from '../../money/micros.js'
import { parseAmount } from '../../money/parse.js'
import type { Static } from 'typebox'
import type { PayoutView } from './representation.js'
import type { StatementLine } from './schemas.js'

export type ExportFormat = 'paypal' | 'wise' | 'csv'

type Cell = string | number | null | { amount: string }

/** RFC 4180 quoting, after the formula guard. */
function cell(value: Cell): string {
  if (value === null) return ''
  if (typeof value === 'object') return value.amount
  let text = String(value)
  if (typeof value === 'string' && /^[=+\-@\t\r]/.test(text)) text = `'${text}`
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text
}

function csv(rows: Cell[][]): string {
  return rows.map((r) => r.map(cell).join(',')).join('\r\n') + '\r\n'
}

/** A view's amount back in micros, exactly (see money/parse.ts): views hold JSON numbers. */
function exact(amount: number): bigint {
  const parsed = parseAmount(amount)
  return 'micros' in parsed ? parsed.micros : 0n
}

/** Money as files print it: "45.15", "1000" for JPY. */
function paid(amount: number, currency: string): string {
  return moneyText(exact(amount), currency)
}

export function statementCsv(lines: Array<Static<typeof StatementLine>>): string {
  return csv([
    ['reward_id', 'type', 'transaction', 'customer', 'description', 'earned_at', 'amount', 'currency'],
    ...lines.map((l) => [l.reward_id, l.type, l.transaction, l.customer, l.description, l.earned_at, { amount: paid(l.amount, l.amount_units) }, l.amount_units]),
  ])
}

/** Which requests a format can carry: a PayPal file pays PayPal and Venmo recipients, a Wise batch Wise ones. */
export function carries(format: ExportFormat, payout: PayoutView): boolean {
  if (format === 'paypal') return payout.gateway === 'paypal' || payout.gateway === 'venmo'
  if (format === 'wise') return payout.gateway === 'wise'
  return true
}

export function payoutFile(format: ExportFormat, payouts: PayoutView[]): string {
  const rows = payouts.filter((p) => carries(format, p))
  switch (format) {
    // PayPal Payouts upload: recipient, amount, currency, reference, note, wallet — no header row.
    case 'paypal':
      return csv(rows.map((p) => [recipient(p), { amount: paid(p.amount, p.amount_units) }, p.amount_units, `payout-${p.id}`, `Payout ${p.id}`, p.gateway === 'venmo' ? 'VENMO' : 'PAYPAL']))
    // Wise batch transfer to email recipients.
    case 'wise':
      return csv([
        ['name', 'recipientEmail', 'paymentReference', 'receiverType', 'amountCurrency', 'amount', 'sourceCurrency', 'targetCurrency'],
        ...rows.map((p) => [p.payout_settings.name ?? p.partner?.name ?? '', p.payout_settings.email ?? '', `Payout ${p.id}`, 'PRIVATE',
          'target', { amount: paid(p.amount, p.amount_units) }, p.amount_units, p.amount_units]),
      ])
    case 'csv':
      return csv([
        ['id', 'status', 'partner_id', 'partner_email', 'partner_name', 'amount', 'currency', 'gateway', 'payee', 'created_at', 'approved_at', 'paid_at'],
        ...rows.map((p) => [p.id, p.status, p.partner?.id ?? null, p.partner?.email ?? null, p.partner?.name ?? null, { amount: paid(p.amount, p.amount_units) },
          p.amount_units, p.gateway, recipient(p), p.created_at, p.approved_at, p.paid_at]),
      ])
  }
}

/** Who receives the money, as the gateway names them. */
function recipient(p: PayoutView): string {
  const s = p.payout_settings
  // A Venmo handle is sent without its "@" (which a spreadsheet would also take for a formula).
  if (p.gateway === 'venmo') return (s.recipient_type === 'PHONE' ? s.phone : s.recipient_type === 'EMAIL' ? s.email : s.user_handle?.replace(/^@/, '')) ?? ''
  if (p.gateway === 'crypto') return s.wallet_address ?? ''
  return s.username ?? s.email ?? ''
}
