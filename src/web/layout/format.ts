// Money and dates as a person reads them, through Intl, in the program's currency. Money stays exact
// micros until here (money/format.ts rounds once, to the currency's minor unit).
import { formatMoney } from '../../money/format.js'

export function money(micros: bigint | number, currency: string): string {
  return formatMoney(BigInt(micros), currency)
}

const day = new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'short', year: 'numeric', timeZone: 'UTC' })

export function date(ms: number | string): string {
  return day.format(typeof ms === 'string' ? new Date(ms) : new Date(ms))
}

/** "a***@example.com": enough to recognise a referral, not to mail it. */
export function maskEmail(email: string): string {
  const at = email.indexOf('@')
  if (at < 1) return '***'
  return `${email[0]}***${email.slice(at)}`
}
