// Recording clicks: a batch of them in one transaction (see store/group-commit.ts). A visitor's
// repeat on the same link within the counting window is stored once and counted once; each counted
// click adds to its partner's `clicks` and to the program's clicks of the day.
import type { Kysely } from 'kysely'
import type { Database } from '../../store/schema.js'
import { inTransaction } from '../../store/transaction.js'
import { epochDay } from '../../wire-time.js'
import { METRIC } from '../stats/metrics.js'
import { addPartnerClicks } from '../partners/service.js'
import { bumpRollups } from '../stats/service.js'
import { clickIds, liveLinkIds, upsertClicks, type NewClick } from './store.js'

/** The same visitor on the same link within this window counts once. */
export const COUNTING_WINDOW_MS = 3600_000

/** Why a click was not counted, as /t/click tells the page that reported it. */
export type UncountedReason =
  | 'unknown_key' | 'inactive_partner' | 'bot' | 'not_a_visit' | 'duplicate_within_hour' | 'not_recorded'

export interface ClickOutcome {
  clickId: number | undefined
  counted: boolean
  reason?: UncountedReason
}

const pairOf = (c: { linkId: number; visitor: string }) => `${c.linkId}|${c.visitor}`

export async function recordClicks(db: Kysely<Database>, clicks: NewClick[], windowMs = COUNTING_WINDOW_MS): Promise<ClickOutcome[]> {
  // Within one batch (a few milliseconds) a repeat is always inside the window: the first one stands.
  const firsts = new Map<string, NewClick>()
  for (const c of clicks) if (!firsts.has(pairOf(c))) firsts.set(pairOf(c), c)
  // A fixed order, so concurrent batches of several processes lock click rows in the same order.
  const unique = [...firsts.values()].sort((a, b) => a.linkId - b.linkId || (a.visitor < b.visitor ? -1 : a.visitor > b.visitor ? 1 : 0))
  const { ids, counted } = await inTransaction(db, async (tx) => {
    // A link deleted since its click was looked up takes the click with it.
    const live = await liveLinkIds(tx, [...new Set(unique.map((c) => c.linkId))])
    const countedRows = await upsertClicks(tx, unique.filter((c) => live.has(c.linkId)), windowMs)
    const ids = new Map(countedRows.map((r) => [pairOf(r), r.id]))
    const counted = new Set(ids.keys())
    for (const r of await clickIds(tx, unique.filter((c) => live.has(c.linkId) && !ids.has(pairOf(c))))) ids.set(pairOf(r), r.id)
    const perPartner = new Map<number, number>()
    const perProgramDay = new Map<string, { programId: number; day: number; n: number }>()
    for (const c of unique.filter((u) => counted.has(pairOf(u)))) {
      perPartner.set(c.partnerId, (perPartner.get(c.partnerId) ?? 0) + 1)
      const day = epochDay(c.at)
      const slot = perProgramDay.get(`${c.programId}|${day}`) ?? { programId: c.programId, day, n: 0 }
      slot.n += 1
      perProgramDay.set(`${c.programId}|${day}`, slot)
    }
    await addPartnerClicks(tx, perPartner)
    for (const { programId, day, n } of perProgramDay.values()) await bumpRollups(tx, programId, day, [{ metric: METRIC.clicks, value: n }])
    return { ids, counted }
  }, { batched: true })
  const answered = new Set<string>()
  return clicks.map((c) => {
    const pair = pairOf(c)
    const first = !answered.has(pair)
    answered.add(pair)
    const id = ids.get(pair)
    if (first && counted.has(pair)) return { clickId: id, counted: true }
    // Stored but not counted: the visitor's repeat; not stored at all: its link was deleted meanwhile.
    return { clickId: id, counted: false, reason: id === undefined ? 'unknown_key' : 'duplicate_within_hour' }
  })
}
