// Automatic payouts (spec §6): on a program's schedule (daily, weekly on Mondays, monthly on the
// 1st, UTC) every active partner with a saved payout method and a payable balance gets a payout
// request, approved at once, for each currency — at least the program's minimum, at most its
// maximum (the oldest rewards that fit). The merchant still sends the money and marks it paid.
//
// Exactly once with several processes: a run claims its program's slot (payout_runs) in the same
// transaction as the requests it makes. A second process waits on that row and finds it taken; a
// run that fails rolls back whole, claim included, and the next tick tries again.
import type { Kysely } from 'kysely'
import type { Database, Db } from '../../store/schema.js'
import { inTransaction } from '../../store/transaction.js'
import { isoDate } from '../../wire-time.js'
import { findPartnerByRowId } from '../partners/service.js'
import { listPrograms, type Program } from '../programs/service.js'
import { savedMethod } from '../partners/payout-method.js'
import { applyAction, createRequest, shortfall } from './service.js'
import { payoutRules, type PayoutSchedule } from '../programs/payout-settings.js'
import { claimRun, findOpenPayout, payableBalances, payableLines, type PayableLine } from './store.js'
import { inWholeMinorUnits } from './whole-units.js'

const DAY_MS = 86_400_000

/** The schedule period `now` falls in: one run per slot. */
export function slotOf(schedule: PayoutSchedule, now: number): string {
  if (schedule === 'monthly') return `m${isoDate(now).slice(0, 7)}`
  if (schedule === 'weekly') return `w${isoDate(now - ((new Date(now).getUTCDay() + 6) % 7) * DAY_MS)}`
  return `d${isoDate(now)}`
}

/** Runs every program whose current slot has not run yet; answers how many requests were made. */
export async function runAutomaticPayouts(db: Kysely<Database>, now = Date.now()): Promise<number> {
  let made = 0
  for (const program of await listPrograms(db)) {
    const { automation } = payoutRules(program)
    if (program.type !== 'affiliate' || !automation.enabled || automation.schedule === null) continue
    const slot = slotOf(automation.schedule, now)
    made += await inTransaction(db, async (tx) => (await claimRun(tx, program.id, slot, now) ? payEveryone(tx, program, now) : 0))
  }
  return made
}

async function payEveryone(tx: Db, program: Program, now: number): Promise<number> {
  const { automation } = payoutRules(program)
  let made = 0
  for (const { partnerId, currency } of await payableBalances(tx, program.id)) {
    const partner = await findPartnerByRowId(tx, program.id, partnerId)
    const method = partner && savedMethod(partner.payout)
    if (!partner || !method || partner.status !== 'active' || await findOpenPayout(tx, program.id, partnerId, currency)) continue
    const lines = inWholeMinorUnits(capped(await payableLines(tx, program.id, partnerId, currency), automation.max), currency)
    const amount = lines.reduce((sum, l) => sum + l.amount, 0n)
    if (amount < automation.min || shortfall(program, partner, amount, currency)) continue
    const payout = await createRequest(tx, program, partner, currency, lines, method, now)
    await applyAction(tx, program, payout.id, 'approve', undefined, {}, now)
    made++
  }
  return made
}

/** Clawbacks always, then the oldest rewards that keep the payout within `max`. */
export function capped(lines: PayableLine[], max: bigint | null): PayableLine[] {
  if (max === null) return lines
  const chosen = lines.filter((l) => l.amount < 0n)
  let total = chosen.reduce((sum, l) => sum + l.amount, 0n)
  for (const line of lines.filter((l) => l.amount > 0n)) {
    if (total + line.amount > max) continue
    chosen.push(line)
    total += line.amount
  }
  return chosen
}
