// Payout requests (spec §3.9, §6): a partner is paid what the ledger says it is owed — its whole
// payable balance in one currency, or chosen rewards — once, and never twice.
//
// A request fixes its lines (reward, amount) when made: the rewards past review with a payable
// balance, plus any negative balance (a clawback: a reward refunded after it was paid), netted.
// mark_as_paid moves exactly those lines from the payable to the paid bucket of the ledger; a
// refund that lands while the request is open leaves a negative balance, netted next time.
// Every change commits with its events and its program counters.
import type { Kysely } from 'kysely'
import { emit } from '../../events/outbox.js'
import { DomainError, badRequest, invalid, invalidField, notFound } from '../../domain-errors.js'
import { microsToDecimal } from '../../money/micros.js'
import { nextNumber, numberOf } from '../../store/counters.js'
import { writeJson } from '../../store/json.js'
import type { Database, Db, PayoutGateway, PayoutRequestStatus } from '../../store/schema.js'
import { inTransaction } from '../../store/transaction.js'
import { withUniqueIndex } from '../../store/unique.js'
import { epochDay } from '../../wire-time.js'
import { move, post, type Posting } from '../ledger/service.js'
import { findPartnerByRowId, partnerByIdentity, partnerRefOf, requireAffiliate, type PartnerRow } from '../partners/service.js'
import type { Program } from '../programs/service.js'
import { announceReward, rejectReward } from '../rewards/service.js'
import { METRIC } from '../stats/metrics.js'
import { bumpRollups, type RollupDelta } from '../stats/service.js'
import { payoutMethodOf, savedMethod, type PayoutMethod } from '../partners/payout-method.js'
import { payoutView, type PayoutView } from './representation.js'
import type { PayoutSettingsInput } from '../partners/payout-method-schema.js'
import type { NewPayoutInput, ResubmitInput } from './schemas.js'
import { BREAKDOWN, TRANSITIONS, type PayoutAction } from './status.js'
import { payoutRules } from '../programs/payout-settings.js'
import { inWholeMinorUnits } from './whole-units.js'
import {
  findOpenPayout, findPayout, insertLines, insertPayout, linesOf, listPayoutRows, moveStatus, paidBefore, payableLines, rewardIdsOf,
  type PayableLine, type PayoutListQuery, type PayoutRow,
} from './store.js'

export function requireAffiliatePayouts(program: Program): Program {
  requireAffiliate(program)
  return program
}

/** The `{id}` of a path: anything but a request number is a request that does not exist. */
export function payoutNumber(text: string): number {
  const number = numberOf(text)
  if (number === undefined) throw payoutNotFound()
  return number
}

export async function requirePayout(db: Db, program: Program, number: number): Promise<PayoutRow> {
  const row = await findPayout(db, program.id, number)
  if (!row) throw payoutNotFound()
  return row
}

export async function viewPayout(db: Db, program: Program, number: number): Promise<PayoutView> {
  const row = await requirePayout(db, program, number)
  return payoutView(row, (await rewardIdsOf(db, program.id, [row.id])).get(row.id) ?? [])
}

/** A page of rows as the API shows them (one look-up for all their reward ids). */
export async function viewPayouts(db: Db, program: Program, rows: PayoutRow[]): Promise<PayoutView[]> {
  const ids = await rewardIdsOf(db, program.id, rows.map((r) => r.id))
  return rows.map((r) => payoutView(r, ids.get(r.id) ?? []))
}

/** POST /v1/payout_requests: a request for what the partner is owed in one currency. */
export async function requestPayout(db: Kysely<Database>, program: Program, input: NewPayoutInput, now = Date.now()): Promise<PayoutView> {
  const ref = partnerRefOf(input)
  if (ref === undefined) throw invalidField('partner', 'The partner field is required.')
  const currency = (input.amount_units ?? program.currency).toUpperCase()
  const given = givenMethod(input.gateway, input.payout_settings)
  return withOneOpenRequest(() => inTransaction(db, async (tx) => {
    const partner = await partnerByIdentity(tx, program, ref)
    if (!partner) throw badRequest('Invalid partner key', 'invalid_partner')
    if (partner.status !== 'active') throw badRequest(`Only an active partner can be paid; this partner is ${partner.status}.`, 'partner_not_active')
    await refuseSecondOpen(tx, program, partner, currency)
    const lines = inWholeMinorUnits(chosenLines(await payableLines(tx, program.id, partner.id, currency), input.reward_ids), currency)
    const amount = lines.reduce((sum, l) => sum + l.amount, 0n)
    const refusal = shortfall(program, partner, amount, currency)
    if (refusal) throw refusal
    return createRequest(tx, program, partner, currency, lines, methodFor(partner, given), now)
  }))
}

/** Writes a request for `lines` (already checked) and announces it: the automatic payout job uses it too. */
export async function createRequest(tx: Db, program: Program, partner: PartnerRow, currency: string, lines: PayableLine[], method: PayoutMethod, now: number) {
  const amount = lines.reduce((sum, l) => sum + l.amount, 0n)
  const number = await nextNumber(tx, 'payout_counters', program.id)
  const id = await insertPayout(tx, {
    program_id: program.id, number, partner_id: partner.id, currency, amount, status: 'requested',
    gateway: method.gateway, payout_settings: writeJson(method.settings), reason: null,
    created_at: now, updated_at: now, approved_at: null, paid_at: null,
  })
  await insertLines(tx, lines.map((l) => ({ program_id: program.id, payout_id: id, reward_id: l.reward.id, amount: l.amount })))
  await bumpRollups(tx, program.id, epochDay(now), breakdownDeltas(undefined, 'requested', amount, currency))
  return announce(tx, program, number, 'payout.requested', now)
}

export interface ActionInput {
  reason?: string
  resubmit?: ResubmitInput
}

/** approve, reject, request_resubmit, resubmit, mark_as_paid: one conditional status change and its effects. */
export async function actOnPayout(db: Kysely<Database>, program: Program, number: number, action: PayoutAction, input: ActionInput = {}, now = Date.now()) {
  if (action === 'request_resubmit' && input.reason === undefined) throw invalidField('reason', 'The reason field is required: it tells the partner what to change.')
  const wanted = action === 'resubmit' ? givenMethod(input.resubmit?.gateway, input.resubmit?.payout_settings) : {}
  return inTransaction(db, (tx) => applyAction(tx, program, number, action, input.reason, wanted, now))
}

/** The action inside the caller's transaction (the automatic payout job approves what it requests). */
export async function applyAction(tx: Db, program: Program, number: number, action: PayoutAction, reason: string | undefined, wanted: WantedMethod, now: number) {
  const rule = TRANSITIONS[action]
  const payout = await requirePayout(tx, program, number)
  const newMethod = await resubmittedMethod(tx, program, payout, wanted)
  // Only from the status just read: the breakdown moves from exactly that one.
  const changed = rule.from.includes(payout.status) && await moveStatus(tx, program.id, payout.id, payout.status, {
    status: rule.to, updated_at: now,
    ...(action === 'approve' ? { approved_at: now } : {}),
    ...(action === 'mark_as_paid' ? { paid_at: now } : {}),
    ...(action === 'reject' || action === 'request_resubmit' ? { reason: reason ?? null } : {}),
    ...(newMethod ? { gateway: newMethod.gateway, payout_settings: writeJson(newMethod.settings) } : {}),
  })
  if (!changed) {
    // A concurrent action got there first: name the status it left.
    const current = (await requirePayout(tx, program, number)).status
    throw badRequest(`Only ${/^[aeiou]/.test(rule.from[0] ?? '') ? 'an' : 'a'} ${rule.from.join(' or ')} payout request can be ${rule.verb}; this one is ${current}.`, 'payout_status')
  }
  await bumpRollups(tx, program.id, epochDay(now), breakdownDeltas(payout.status, rule.to, BigInt(payout.amount), payout.currency))
  if (action === 'mark_as_paid') await payLines(tx, program, payout, now)
  if (action === 'reject') await rejectLines(tx, program, payout, now)
  return announce(tx, program, number, rule.event, now)
}

/** Resubmitting may change the details: as given, or the partner's saved ones for the gateway named. */
async function resubmittedMethod(tx: Db, program: Program, payout: PayoutRow, wanted: WantedMethod): Promise<PayoutMethod | undefined> {
  if (wanted.method || wanted.gateway === undefined) return wanted.method
  const partner = await findPartnerByRowId(tx, program.id, Number(payout.partner_id))
  if (!partner) throw invalidField('payout_settings', 'The partner no longer exists; send payout_settings.')
  return methodFor(partner, wanted)
}

/** The lines move from payable to paid; each reward paid is announced (reward.paid). */
async function payLines(tx: Db, program: Program, payout: PayoutRow, now: number): Promise<void> {
  const lines = await linesOf(tx, program.id, payout.id)
  const partnerId = Number(payout.partner_id)
  const postings: Posting[] = lines.flatMap((l) =>
    move(partnerId, Number(l.reward_id), 'payout', 'payable', 'paid', BigInt(l.amount), payout.currency).map((p) => ({ ...p, payoutId: payout.id })))
  await post(tx, program.id, postings, now)
  for (const line of lines) if (BigInt(line.amount) > 0n) await announceReward(tx, program.id, line.reward, 'reward.paid', now)
}

/**
 * A rejection is final for the rewards it covers (spec §3.9): each reward never paid before is
 * rejected and its payable balance leaves the ledger, so it can never be requested again. Clawback
 * lines, and rewards an earlier payout already paid some of, stay payable.
 */
async function rejectLines(tx: Db, program: Program, payout: PayoutRow, now: number): Promise<void> {
  const lines = (await linesOf(tx, program.id, payout.id)).filter((l) => BigInt(l.amount) > 0n)
  const paid = await paidBefore(tx, program.id, lines.map((l) => Number(l.reward_id)))
  for (const line of lines.filter((l) => !paid.has(Number(l.reward_id)))) {
    // Rejected first: the row lock makes a concurrent refund wait, then post nothing (the reward is
    // rejected); the balance read after it includes any refund that committed before.
    const rejected = await rejectReward(tx, program.id, Number(line.reward_id))
    if (!rejected) continue
    const [balance] = await payableLines(tx, program.id, Number(payout.partner_id), payout.currency, [rejected.id])
    const amount = balance?.amount ?? 0n
    await post(tx, program.id, [{ partnerId: Number(rejected.partner_id), rewardId: rejected.id, kind: 'reversal', bucket: 'payable', amount: -amount, currency: rejected.currency, payoutId: payout.id }], now)
    // A rejected reward no longer counts in what the program's partners earned.
    await bumpRollups(tx, program.id, epochDay(Number(rejected.created_at)), [{ metric: METRIC.reward, currency: rejected.currency, value: -BigInt(rejected.amount) }])
    await announceReward(tx, program.id, rejected, 'reward.rejected', now)
  }
}

/** The program's payout_status_breakdown follows each request from status to status (count and amount). */
function breakdownDeltas(from: PayoutRequestStatus | undefined, to: PayoutRequestStatus, amount: bigint, currency: string): RollupDelta[] {
  const deltas: RollupDelta[] = []
  const was = from === undefined ? null : BREAKDOWN[from]
  const is = BREAKDOWN[to]
  if (was === is) return deltas
  if (was) deltas.push({ metric: METRIC.payoutCount(was), value: -1 }, { metric: METRIC.payoutAmount(was), currency, value: -amount })
  if (is) deltas.push({ metric: METRIC.payoutCount(is), value: 1 }, { metric: METRIC.payoutAmount(is), currency, value: amount })
  return deltas
}

/** The whole balance, or the chosen rewards (each must be payable now); clawbacks are always netted. */
function chosenLines(lines: PayableLine[], rewardIds: number[] | undefined): PayableLine[] {
  if (rewardIds === undefined) return lines
  const payable = new Set(lines.filter((l) => l.amount > 0n).map((l) => l.reward.id))
  const unknown = [...new Set(rewardIds)].filter((id) => !payable.has(id))
  if (unknown.length > 0) {
    throw invalidField('reward_ids', `These rewards are not payable to this partner in this currency: ${unknown.join(', ')}.`)
  }
  const chosen = new Set(rewardIds)
  return lines.filter((l) => l.amount < 0n || chosen.has(l.reward.id))
}

/** The program's thresholds (spec §6): why a payout of `amount` may not be made, naming what is missing; undefined if it may. */
export function shortfall(program: Program, partner: PartnerRow, amount: bigint, currency: string): DomainError | undefined {
  const { threshold, referredCustomers } = payoutRules(program)
  if (amount <= 0n) return invalidField('amount_units', `Nothing is payable to this partner in ${currency} (balance ${microsToDecimal(amount)} ${currency}).`)
  if (amount < threshold) {
    return invalidField('amount_units', `The payable balance of ${microsToDecimal(amount)} ${currency} is below the payout threshold of ${microsToDecimal(threshold)}: ${microsToDecimal(threshold - amount)} ${currency} short.`)
  }
  const referred = Number(partner.paid_accounts)
  if (referred < referredCustomers) {
    return invalidField('partner', `The partner has ${referred} paying referred customers; the program asks for ${referredCustomers} before a payout: ${referredCustomers - referred} short.`)
  }
  return undefined
}

async function refuseSecondOpen(tx: Db, program: Program, partner: PartnerRow, currency: string): Promise<void> {
  const open = await findOpenPayout(tx, program.id, partner.id, currency)
  if (open) throw secondOpen(`payout request ${Number(open.number)} is ${open.status}`)
}

/** Two requests racing for the same partner and currency: the unique index lets one in; the other gets the same 400. */
function withOneOpenRequest<T>(work: () => Promise<T>): Promise<T> {
  return withUniqueIndex(work, () => 'partner', () => secondOpen('another request was just made'))
}

function secondOpen(which: string) {
  return badRequest(`The partner already has an open payout request in this currency (${which}); finish or reject it first.`, 'payout_open')
}

/** What a request names: a gateway, and its details if given (checked before anything is read). */
export interface WantedMethod {
  gateway?: PayoutGateway
  method?: PayoutMethod
}

function givenMethod(gateway: PayoutGateway | undefined, settings: PayoutSettingsInput | undefined): WantedMethod {
  if (gateway === undefined && settings !== undefined) throw invalidField('gateway', 'The gateway field is required when payout settings are given.')
  return { gateway, method: gateway !== undefined && settings !== undefined ? payoutMethodOf(gateway, settings) : undefined }
}

/** The method a request uses: as given, or the partner's saved one (for the gateway named, if any). Without details, a 422. */
export function methodFor(partner: PartnerRow, wanted: WantedMethod): PayoutMethod {
  if (wanted.method) return wanted.method
  const saved = savedMethod(partner.payout)
  if (saved && (wanted.gateway === undefined || saved.gateway === wanted.gateway)) return saved
  throw invalid({ payout_settings: ['The partner has no saved payout details for this gateway; send gateway and payout_settings.'] }, 'No payout details.')
}

async function announce(tx: Db, program: Program, number: number, event: string, now: number): Promise<PayoutView> {
  const view = await viewPayout(tx, program, number)
  await emit(tx, program.id, event, view, now)
  return view
}

const payoutNotFound = () => notFound('Payout request not found')

/** One window of the program's payout requests (narrowed by partner, currency, status), as the API shows them. */
export async function listPayouts(db: Db, program: Program, q: PayoutListQuery): Promise<PayoutView[]> {
  return viewPayouts(db, program, await listPayoutRows(db, program.id, q))
}
