// What a payout covers, for the partner and the books: each reward it pays, each clawback it nets
// (GET /v1/payout_requests/{id}/statement), and the mass-payout files of many requests
// (GET /v1/payout_requests:export).
import type { Db, PayoutRequestStatus } from '../../store/schema.js'
import { microsToNumber } from '../../money/micros.js'
import type { Program } from '../programs/service.js'
import { rewardNames } from '../rewards/service.js'
import { payoutFile, statementCsv, type ExportFormat } from './export.js'
import { statementLine } from './representation.js'
import { requirePayout, viewPayout, viewPayouts } from './service.js'
import { linesOf, listPayoutRows } from './store.js'

/** Most requests one export file holds. */
const EXPORT_LIMIT = 10_000

export async function payoutStatement(db: Db, program: Program, number: number) {
  const payout = await requirePayout(db, program, number)
  const lines = []
  for (const line of await linesOf(db, program.id, payout.id)) lines.push(statementLine(line, await rewardNames(db, line.reward)))
  return {
    payout_request: await viewPayout(db, program, number),
    lines,
    total: microsToNumber(BigInt(payout.amount)),
    amount_units: payout.currency,
  }
}

export async function payoutStatementCsv(db: Db, program: Program, number: number): Promise<string> {
  return statementCsv((await payoutStatement(db, program, number)).lines)
}

export async function exportPayouts(db: Db, program: Program, q: { status: PayoutRequestStatus; format: ExportFormat; currency?: string }): Promise<string> {
  const rows = await listPayoutRows(db, program.id, { sort: 'asc', offset: 0, fetch: EXPORT_LIMIT, status: q.status, currency: q.currency })
  return payoutFile(q.format, await viewPayouts(db, program, rows))
}
