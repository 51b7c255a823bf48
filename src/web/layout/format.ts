// Money and dates as a person reads them, through Intl, in the program's currency. Money stays exact
// micros until here (money/format.ts rounds once, to the currency's minor unit).
import { formatMoney } from '../../money/format.js'

export function money(micros: bigint | number, currency: string): string {
  return formatMoney(BigInt(micros), currency)
}

const day = new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'short', year: 'numeric', timeZone: 'UTC' })
const DAY_MS = 86_400_000
// A page shows the same few days many times (a chart has 30): each is formatted once per process.
const days = new Map<number, string>()

export function date(ms: number | string): string {
  const at = typeof ms === 'string' ? Date.parse(ms) : ms
  if (!Number.isFinite(at)) return ''
  const n = Math.floor(at / DAY_MS)
  let text = days.get(n)
  if (text === undefined) {
    if (days.size > 5000) days.clear()
    text = day.format(new Date(n * DAY_MS))
    days.set(n, text)
  }
  return text
}

/** "a***@example.com": enough to recognise a referral, not to mail it. */
export function maskEmail(email: string): string {
  const at = email.indexOf('@')
  if (at < 1) return '***'
  return `${email[0]}***${email.slice(at)}`
}
