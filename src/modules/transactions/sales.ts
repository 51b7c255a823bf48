// What a sale does to the money: records it, rewards the referring partner (and the partners up
// its referring chain), and takes it back on refund, delete or archive. Every counter it moves —
// the partner's revenue, sales and paid accounts, the program's daily rollups, the ledger — moves
// in the caller's transaction, so they are always true together.
import { randomToken } from '../../tokens.js'
import { emit } from '../../events/outbox.js'
import { DomainError, badRequest, invalidField, notFound } from '../../domain-errors.js'
import { readJson, writeJson } from '../../store/json.js'
import type { Insertable } from 'kysely'
import type { Db, RewardStatus, RewardTable } from '../../store/schema.js'
import { epochDay } from '../../wire-time.js'
import { applyRate, commissionOn, fixedReward, levelRate, rateFor, type AppliedRule, type SaleFacts } from '../commissions/engine.js'
import { MAX_LEVELS } from '../commissions/rules.js'
import { ownCommission } from '../partners/commission.js'
import { announceRewarded, bumpLiveSales, livePartnerId, type CustomerRow } from '../customers/service.js'
import { planReferralRewards } from './referral-rewards.js'
import { announceReward, postReward } from '../rewards/service.js'
import { bumpPartnersCounts, findPartnerByRowId, type PartnerRow } from '../partners/service.js'
import type { Program } from '../programs/service.js'
import { METRIC } from '../stats/metrics.js'
import { PARTNER_AMOUNT, bumpPartnerAmounts, bumpRollups, partnerAmount } from '../stats/service.js'
import { programSaleView, transactionViewOf, type SaleView } from './representation.js'
import { adjustReward, insertRewards, rewardsOf, type RewardWithPartner } from '../rewards/service.js'
import { findTransactionById, insertTransactions, liveTransactionsOf, markArchived, markDeleted, takeRefund, type TransactionRow } from './store.js'

const DAY_MS = 86_400_000

export interface Sale {
  key?: string
  action: string
  amount: bigint
  currency: string
  product: { product_id?: string | string[]; product_type?: string | string[] }
  rewardable: boolean
  rewarded: boolean
  /** The transaction's `reward`: this commission instead of the computed one. */
  reward?: bigint
  createdAt: number
  extra: Record<string, unknown>
}

/** A sale just recorded, with the rewards it earned (level order): enough to show it without reading it back. */
export interface RecordedSale {
  row: TransactionRow
  customer: CustomerRow
  rewards: RewardWithPartner[]
}

/** A sale to record, and whose it is. */
export interface CustomerSale {
  customer: CustomerRow
  sale: Sale
}

/** The key of a sale sent without one. */
export function newSaleKey(): string {
  return `tr_${randomToken(20)}`
}

/** Whether a sale whose key is taken fails the whole call (the unique index breaks), or is only left out. */
export interface TakenKeys {
  skipTaken?: boolean
}

/**
 * Records sales (of one program, any customers) and rewards them, in the caller's order. However
 * many there are, each table takes one statement: the sales, the customers' and partners' counts,
 * the rewards. A key already taken breaks the unique index (withUniqueKey() makes that the 422),
 * or, with `skipTaken`, leaves that sale out of what is recorded and returned.
 */
export async function recordSales(tx: Db, program: Program, given: CustomerSale[], now: number, { skipTaken = false }: TakenKeys = {}): Promise<RecordedSale[]> {
  if (given.length === 0) return []
  const values = given.map(({ customer, sale }) => ({
    program_id: program.id, key: sale.key ?? newSaleKey(), deleted_key: null, customer_id: customer.id,
    partner_id: livePartnerId(customer), action: sale.action, amount: sale.amount, currency: sale.currency,
    product: writeJson(sale.product), rewardable: sale.rewardable ? 1 : 0, rewarded: sale.rewarded ? 1 : 0,
    archived_at: null, extra: writeJson(sale.extra), created_at: sale.createdAt, recorded_at: now, deleted_at: null,
  }))
  // The rows come back in no set order: matched to their sales by key.
  const inserted = new Map((await insertTransactions(tx, values, skipTaken)).map((row) => [row.key as string, row]))
  const sales = given.flatMap((s, i) => {
    const row = inserted.get(values[i]?.key as string)
    return row ? [{ ...s, row }] : []
  })
  if (!skipTaken && sales.length < given.length) throw new Error('the insert returned fewer rows than sales')
  const counted = await countSales(tx, program, sales.map((s) => s.row), 1, now)
  const planned: PlannedReward[] = []
  for (const [i, s] of sales.entries()) planned.push(...await planRewards(tx, program, { ...s, ...counted[i] as Counted }, now))
  const rewards = await storeRewards(tx, program, planned, now)
  return sales.map(({ row, customer }) => ({ row, customer, rewards: rewards.filter((r) => Number(r.transaction_id) === Number(row.id)) }))
}

/** The rows a statement returned (in whatever order), in the order of `keys`. */
function inOrder<Row>(rows: Row[], keys: string[], keyOf: (row: Row) => string): Row[] {
  const byKey = new Map(rows.map((row) => [keyOf(row), row]))
  return keys.map((key) => {
    const row = byKey.get(key)
    if (!row) throw new Error(`the insert returned no row for ${key}`)
    return row
  })
}

/** Records one sale inside the caller's transaction and announces it as GET shows it. */
export async function addSale(tx: Db, program: Program, customer: CustomerRow, sale: Sale, now: number): Promise<SaleView> {
  return (await addSales(tx, program, [{ customer, sale }], now))[0] as SaleView
}

/** Records sales inside the caller's transaction (recordSales) and announces each as GET shows it. */
export async function addSales(tx: Db, program: Program, sales: CustomerSale[], now: number, taken: TakenKeys = {}): Promise<SaleView[]> {
  const views: SaleView[] = []
  for (const { row, customer, rewards } of await recordSales(tx, program, sales, now, taken)) {
    // A refer-a-friend sale (Stripe's, a lead's) names the referrer and the buyer: read as GET shows it.
    const view: SaleView = program.type === 'referral' ? await programSaleView(tx, program, row)
      : transactionViewOf(row, { customer_key: customer.key, partner_public_id: customer.partner_public_id }, rewards)
    await emit(tx, program.id, 'transaction.created', view, now)
    views.push(view)
  }
  return views
}

/** A partial refund: revenue and every reward of the sale go down by c(net before) − c(net after). */
export async function refundSale(tx: Db, program: Program, t: TransactionRow, amount: bigint, now: number): Promise<TransactionRow> {
  const after = await takeRefund(tx, t, amount)
  if (!after) throw await refundRefusal(tx, t)
  const netAfter = BigInt(after.amount) - BigInt(after.refunded)
  const netBefore = netAfter + amount
  await moveRevenue(tx, program, after, -amount)
  for (const reward of await rewardsOf(tx, program.id, t.id)) {
    if (reward.archived === 1) continue
    const rule = readJson<AppliedRule>(reward.rule)
    const back = commissionOn(rule, netBefore) - commissionOn(rule, netAfter)
    if (back === 0n) continue
    const changed = await adjustReward(tx, reward, { by: -back })
    await postReward(tx, program.id, changed, 'reversal', -back, Number(after.created_at), now)
  }
  return after
}

/** Why a refund did not apply, judged on the row as it is now (another request may have changed it). */
async function refundRefusal(tx: Db, t: TransactionRow): Promise<DomainError> {
  const now = await findTransactionById(tx, Number(t.program_id), t.id)
  if (!now || now.deleted_at !== null) return notFound('Transaction not found')
  if (now.archived_at !== null) return badRequest('The transaction is archived; restore it before refunding.', 'archived')
  return invalidField('amount', 'The refund is more than what is left of the transaction.')
}

/**
 * DELETE: the full refund. What is left of the sale and its rewards is taken back; the key is free
 * again. False when another request deleted it first. Works from the row as the delete left it, so
 * a refund or archive that committed in between is accounted for.
 */
export async function removeSale(tx: Db, program: Program, t: TransactionRow, now: number): Promise<boolean> {
  const gone = await markDeleted(tx, t, now)
  if (!gone) return false
  // An archived sale was already taken out of every counter.
  if (gone.archived_at !== null) return true
  await countSales(tx, program, [gone], -1, now)
  await settleRewards(tx, program, gone, 'remove', now)
  return true
}

/** Archive takes the sale and its rewards out of every counter; revoke-archive puts them back. */
export async function archiveSale(tx: Db, program: Program, t: TransactionRow, archive: boolean, now: number): Promise<TransactionRow | undefined> {
  const changed = await markArchived(tx, t, archive ? now : null)
  if (!changed) return undefined
  await countSales(tx, program, [changed], archive ? -1 : 1, now)
  await settleRewards(tx, program, changed, archive ? 'archive' : 'restore', now)
  return changed
}

/** Deleting a customer deletes its sales. */
export async function removeSalesOf(tx: Db, program: Program, customer: CustomerRow, now: number): Promise<void> {
  for (const t of await liveTransactionsOf(tx, program.id, customer.id)) {
    const view = await programSaleView(tx, program, t)
    if (await removeSale(tx, program, t, now)) await emit(tx, program.id, 'transaction.deleted', view, now)
  }
}

/** What counting a sale found: its partner after the count, and the customer's live sales before it. */
interface Counted {
  partner: PartnerRow | undefined
  salesBefore: number
}

/**
 * Revenue, purchases, the customers' live sales and the partners' sales and paid accounts, for sales
 * all added (sign 1) or all taken away (-1); per sale, what the count found. Each customer's and
 * partner's counts move in one statement for all the sales, and the live sales each sale saw are
 * worked out from the total after: a customer's second sale in the list saw its first one.
 */
async function countSales(tx: Db, program: Program, rows: TransactionRow[], sign: 1 | -1, now: number): Promise<Counted[]> {
  for (const t of rows) {
    await moveRevenue(tx, program, t, BigInt(sign) * (BigInt(t.amount) - BigInt(t.refunded)))
    await bumpRollups(tx, program.id, epochDay(Number(t.created_at)), [{ metric: METRIC.purchases, value: sign }])
  }
  const perCustomer = tally(rows.map((t) => Number(t.customer_id)))
  const liveAfter = await bumpLiveSales(tx, program.id, new Map([...perCustomer].map(([id, n]) => [id, sign * n])))
  const seen = new Map<number, number>()
  const partnerDeltas = new Map<number, { sales_count: number; paid_accounts: number }>()
  const perSale = rows.map((t) => {
    const customerId = Number(t.customer_id)
    const nth = (seen.get(customerId) ?? 0) + 1
    seen.set(customerId, nth)
    // The customer's live sales just after this sale was counted: the total less what the later ones added.
    const after = (liveAfter.get(customerId) as number) - sign * ((perCustomer.get(customerId) as number) - nth)
    const paidAccount = after === (sign === 1 ? 1 : 0) ? sign : 0
    if (t.partner_id !== null) {
      const deltas = partnerDeltas.get(Number(t.partner_id)) ?? { sales_count: 0, paid_accounts: 0 }
      partnerDeltas.set(Number(t.partner_id), { sales_count: deltas.sales_count + sign, paid_accounts: deltas.paid_accounts + paidAccount })
    }
    return { salesBefore: after - sign, paidAccount }
  })
  for (const { paidAccount } of perSale) {
    if (paidAccount !== 0) await bumpRollups(tx, program.id, epochDay(now), [{ metric: METRIC.paidAccounts, value: paidAccount }])
  }
  const partners = await bumpPartnersCounts(tx, program.id, partnerDeltas)
  for (const [id, deltas] of partnerDeltas) {
    // A partner whose sales count crossed zero became (or stopped being) an active one.
    const after = partners.get(id)
    if (after && Number(after.sales_count) === (sign === 1 ? deltas.sales_count : 0)) {
      await bumpRollups(tx, program.id, epochDay(now), [{ metric: METRIC.partnersActive, value: sign }])
    }
  }
  return rows.map((t, i) => ({
    partner: t.partner_id === null ? undefined : partners.get(Number(t.partner_id)),
    salesBefore: (perSale[i] as { salesBefore: number }).salesBefore,
  }))
}

/** How many times each number occurs, in first-seen order. */
function tally(numbers: number[]): Map<number, number> {
  const counts = new Map<number, number>()
  for (const n of numbers) counts.set(n, (counts.get(n) ?? 0) + 1)
  return counts
}

async function moveRevenue(tx: Db, program: Program, t: TransactionRow, by: bigint): Promise<void> {
  await bumpRollups(tx, program.id, epochDay(Number(t.created_at)), [{ metric: METRIC.revenue, currency: t.currency, value: by }])
  if (t.partner_id !== null) {
    await bumpPartnerAmounts(tx, program.id, Number(t.partner_id), [{ metric: PARTNER_AMOUNT.revenue, currency: t.currency, value: by }])
  }
}

/** A sale just counted, with what counting it found. */
export interface CountedSale extends CustomerSale, Counted {
  row: TransactionRow
}

/** A reward to store: who earns it, on which sale, and the row. */
export interface PlannedReward {
  earner: PartnerRow
  sale: CountedSale
  values: Insertable<RewardTable>
}

/**
 * Who earns on a sale, and how much: the referring partner (as counting the sale left it), then up
 * the referring chain.
 */
async function planRewards(tx: Db, program: Program, counted: CountedSale, now: number): Promise<PlannedReward[]> {
  if (program.type === 'referral') return planReferralRewards(tx, program, counted, now)
  const { customer, partner, sale } = counted
  const planned: PlannedReward[] = []
  if (!sale.rewardable || sale.rewarded || customer.status !== 'active' || customer.archived === 1 || !partner) return planned
  if (Number(customer.self_referral) === 1 && !program.settings.program.reward_self_referrals) return planned
  const rules = program.settings.commission
  const facts = await saleFacts(tx, program, counted, partner)
  const rate = rateFor(rules, ownCommission(partner), facts)
  // The commission period is over: this customer earns nobody anything any more.
  if (!rate) return planned
  let earner: PartnerRow | undefined = partner
  for (let level = 1; level <= MAX_LEVELS && earner; level++) {
    const applied = level === 1
      ? (sale.reward !== undefined ? fixedReward(sale.reward, facts) : applyRate(rate, facts, rules.rounding))
      : maybeApply(levelRate(rules, level), facts, rules.rounding)
    const values = applied && earner.status === 'active' ? rewardValues(program, counted.row, earner, level, applied, now) : undefined
    if (values) planned.push({ earner, sale: counted, values })
    earner = earner.referring_partner_id === null ? undefined : await findPartnerByRowId(tx, program.id, Number(earner.referring_partner_id))
  }
  return planned
}

function maybeApply(rate: ReturnType<typeof levelRate>, facts: SaleFacts, rounding: boolean): AppliedRule | undefined {
  return rate ? applyRate(rate, facts, rounding) : undefined
}

async function saleFacts(tx: Db, program: Program, { customer, sale, salesBefore }: CountedSale, partner: PartnerRow): Promise<SaleFacts> {
  const list = (v: string | string[] | undefined) => (v === undefined ? [] : Array.isArray(v) ? v : [v])
  return {
    amount: sale.amount,
    currency: sale.currency,
    programCurrency: program.currency,
    productIds: list(sale.product.product_id),
    productTypes: list(sale.product.product_type),
    partner: {
      customers: BigInt(partner.referrals_count),
      signups: BigInt(partner.signups),
      // Read only when a tier needs it: one statement less on every other sale.
      revenue: program.settings.commission.tiers.some((t) => t.metric === 'revenue')
        ? await partnerAmount(tx, program.id, partner.id, PARTNER_AMOUNT.revenue, program.currency)
        : 0n,
    },
    customerSince: Number(customer.created_at),
    // As the customer's live sales stood just before this sale: exact even with other sales of theirs at the same time.
    customerSalesBefore: salesBefore,
    saleAt: sale.createdAt,
  }
}

/** The reward row for one level, or undefined when it comes to nothing. */
function rewardValues(program: Program, t: TransactionRow, partner: PartnerRow, level: number, rule: AppliedRule, now: number): Insertable<RewardTable> | undefined {
  const amount = commissionOn(rule, BigInt(t.amount))
  if (amount === 0n) return undefined
  const reviewDays = program.settings.commission.review_days
  const reviewUntil = reviewDays > 0 ? Number(t.created_at) + reviewDays * DAY_MS : null
  const status: RewardStatus = reviewUntil !== null && reviewUntil > now ? 'review_period' : 'ok'
  return {
    program_id: program.id, transaction_id: t.id, partner_id: partner.id, customer_id: t.customer_id, level, kind: 'sale',
    rule: writeJson(rule), amount, currency: rule.currency, status, review_until: reviewUntil, archived: 0,
    description: null, created_at: now,
  }
}

/** Stores the planned rewards in one statement, posts each to the ledger and announces it; the rewards in plan order. */
async function storeRewards(tx: Db, program: Program, planned: PlannedReward[], now: number): Promise<RewardWithPartner[]> {
  const rows = inOrder(await insertRewards(tx, planned.map((p) => p.values)), planned.map((p) => rewardSlot(p.values)), rewardSlot)
  const stored: RewardWithPartner[] = []
  for (const [i, reward] of rows.entries()) {
    const { earner, sale: { row: t, customer } } = planned[i] as PlannedReward
    await postReward(tx, program.id, reward, 'accrual', BigInt(reward.amount), Number(t.created_at), now)
    if (program.type === 'referral') await announceRewarded(tx, program, earner.id, reward, now)
    else {
      await announceReward(tx, program.id, reward, 'reward.created', now, {
        partner_public_id: earner.public_id, transaction_key: t.key, customer_key: customer.key ?? customer.deleted_key,
      })
    }
    stored.push({ ...reward, partner_public_id: earner.public_id })
  }
  return stored
}

/** A sale has at most one reward per level. */
function rewardSlot(reward: { transaction_id?: unknown; level?: unknown }): string {
  return `${Number(reward.transaction_id)}|${Number(reward.level)}`
}

type Settlement = 'remove' | 'archive' | 'restore'

/** A sale leaving (delete, archive) or coming back (restore): each reward's whole worth moves. */
async function settleRewards(tx: Db, program: Program, t: TransactionRow, how: Settlement, now: number): Promise<void> {
  for (const reward of await rewardsOf(tx, program.id, t.id)) {
    if ((how === 'restore') !== (reward.archived === 1)) continue
    const worth = BigInt(reward.amount)
    const changed = how === 'remove'
      ? await adjustReward(tx, reward, { by: -worth })
      : await adjustReward(tx, reward, { archived: how === 'archive' ? 1 : 0 })
    const signed = how === 'restore' ? worth : -worth
    await postReward(tx, program.id, changed, how === 'restore' ? 'reinstatement' : 'reversal', signed, Number(t.created_at), now)
  }
}

