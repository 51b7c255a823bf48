// `partnerkit mail list`: the recent mails, newest first, with the links of each text body — how
// someone on a laptop with no SMTP_URL signs in (the same mails are in the server's log).
import { parseArgs } from 'node:util'
import type { Store } from '../store/store.js'
import { recentMails } from '../mail/store.js'
import { linksIn } from '../mail/sender.js'
import { isoMicros } from '../wire-time.js'
import { UsageError } from './usage.js'

export async function mailCommand(store: Store, args: string[]): Promise<number> {
  const [action, ...rest] = args
  if (action !== 'list') throw new UsageError(action ? `Unknown mail action "${action}".` : 'mail needs an action: list.')
  const { values } = parseArgs({ args: rest, options: { limit: { type: 'string' }, to: { type: 'string' } } })
  const limit = values.limit === undefined ? 20 : Number(values.limit)
  if (!Number.isInteger(limit) || limit < 1 || limit > 1000) throw new UsageError('--limit must be a whole number from 1 to 1000.')
  const mails = await recentMails(store.db, limit, values.to)
  if (mails.length === 0) {
    process.stdout.write(values.to === undefined ? 'No mails yet.\n' : `No mails to ${values.to}.\n`)
    return 0
  }
  const blocks = mails.map((m) => {
    const state = m.status === 'pending' && m.attempts > 0 ? `pending (tried ${m.attempts}×: ${m.last_error ?? ''})` : m.status === 'failed' ? `failed: ${m.last_error ?? ''}` : m.status
    return [
      `${isoMicros(Number(m.created_at))}  ${state}`,
      `  To:      ${m.to_address}`,
      `  Subject: ${m.subject}`,
      ...linksIn(m.text).map((link) => `  Link:    ${link}`),
    ].join('\n')
  })
  process.stdout.write(`${blocks.join('\n\n')}\n`)
  return 0
}
