// What a sale does to the money: records it, rewards the referring partner (and the partners up
// its referring chain), and takes it back on refund, delete or archive. Every counter it moves —
// the partner's revenue, sales and paid accounts, the program's daily rollups, the ledger — moves
// in the caller's transaction, so they are always true together.
import { randomToken } from '../api-keys/service.js'
import { emit } from '../../events/outbox.js'
import { ApiError, badRequest, invalidField, notFound } from '../../http/errors.js'
import { readJson, writeJson } from '../../store/json.js'
import type { Db, RewardStatus } from '../../store/schema.js'
import { epochDay } from '../../wire-time.js'
import { applyRate, commissionOn, fixedReward, levelRate, rateFor, type AppliedRule, type SaleFacts } from '../commissions/engine.js'
import { MAX_LEVELS } from '../commissions/rules.js'
import { ownCommission } from '../commissions/service.js'
import type { CustomerRow } from '../customers/store.js'
import { bumpLiveSales } from '../customers/store.js'
import { announceReward, postReward } from '../rewards/service.js'
import { PARTNER_AMOUNT } from '../partners/representation.js'
import { bumpPartnerAmounts, bumpPartnerCounts, findPartnerByRowId, partnerAmount, type PartnerRow } from '../partners/store.js'
import type { Program } from '../programs/store.js'
import { METRIC } from '../stats/metrics.js'
import { bumpRollups } from '../stats/store.js'
import { transactionView } from './representation.js'
import {
  adjustReward, findTransactionById, insertReward, insertTransaction, liveTransactionsOf, markArchived, markDeleted, rewardsOf,
  takeRefund, type RewardRow, type RewardWithPartner, type TransactionRow,
} from './store.js'

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
  rewards: RewardWithPartner[]
}

/** Records a sale and rewards it. A key already taken breaks the unique index: withUniqueKey() makes that the 422. */
export async function recordSale(tx: Db, program: Program, customer: CustomerRow, sale: Sale, now: number): Promise<RecordedSale> {
  const row = await insertTransaction(tx, {
    program_id: program.id, key: sale.key ?? `tr_${randomToken(20)}`, deleted_key: null, customer_id: customer.id,
    partner_id: customer.partner_id, action: sale.action, amount: sale.amount, currency: sale.currency,
    product: writeJson(sale.product), rewardable: sale.rewardable ? 1 : 0, rewarded: sale.rewarded ? 1 : 0,
    archived_at: null, extra: writeJson(sale.extra), created_at: sale.createdAt, recorded_at: now, deleted_at: null,
  })
  const partner = await countSale(tx, program, row, 1, now)
  return { row, rewards: await rewardSale(tx, program, customer, partner, row, sale, now) }
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
    await postReward(tx, program, changed, 'reversal', -back, Number(after.created_at), now)
  }
  return after
}

/** Why a refund did not apply, judged on the row as it is now (another request may have changed it). */
async function refundRefusal(tx: Db, t: TransactionRow): Promise<ApiError> {
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
  await countSale(tx, program, gone, -1, now)
  await settleRewards(tx, program, gone, 'remove', now)
  return true
}

/** Archive takes the sale and its rewards out of every counter; revoke-archive puts them back. */
export async function archiveSale(tx: Db, program: Program, t: TransactionRow, archive: boolean, now: number): Promise<TransactionRow | undefined> {
  const changed = await markArchived(tx, t, archive ? now : null)
  if (!changed) return undefined
  await countSale(tx, program, changed, archive ? -1 : 1, now)
  await settleRewards(tx, program, changed, archive ? 'archive' : 'restore', now)
  return changed
}

/** Deleting a customer deletes its sales. */
export async function removeSalesOf(tx: Db, program: Program, customer: CustomerRow, now: number): Promise<void> {
  for (const t of await liveTransactionsOf(tx, program.id, customer.id)) {
    const view = await transactionView(tx, t)
    if (await removeSale(tx, program, t, now)) await emit(tx, program.id, 'transaction.deleted', view, now)
  }
}

/** Revenue, purchases, the customer's live sales and the partner's sales and paid accounts; the partner after. */
async function countSale(tx: Db, program: Program, t: TransactionRow, sign: 1 | -1, now: number): Promise<PartnerRow | undefined> {
  await moveRevenue(tx, program, t, BigInt(sign) * (BigInt(t.amount) - BigInt(t.refunded)))
  await bumpRollups(tx, program.id, epochDay(Number(t.created_at)), [{ metric: METRIC.purchases, value: sign }])
  const liveSales = await bumpLiveSales(tx, program.id, Number(t.customer_id), sign)
  const paidAccount = liveSales === (sign === 1 ? 1 : 0) ? sign : 0
  if (paidAccount !== 0) await bumpRollups(tx, program.id, epochDay(now), [{ metric: METRIC.paidAccounts, value: paidAccount }])
  if (t.partner_id === null) return undefined
  const after = await bumpPartnerCounts(tx, program.id, Number(t.partner_id), { sales_count: sign, paid_accounts: paidAccount })
  if (after && Number(after.sales_count) === (sign === 1 ? 1 : 0)) {
    await bumpRollups(tx, program.id, epochDay(now), [{ metric: METRIC.partnersActive, value: sign }])
  }
  return after
}

async function moveRevenue(tx: Db, program: Program, t: TransactionRow, by: bigint): Promise<void> {
  await bumpRollups(tx, program.id, epochDay(Number(t.created_at)), [{ metric: METRIC.revenue, currency: t.currency, value: by }])
  if (t.partner_id !== null) {
    await bumpPartnerAmounts(tx, program.id, Number(t.partner_id), [{ metric: PARTNER_AMOUNT.revenue, currency: t.currency, value: by }])
  }
}

/**
 * Who earns on a sale, and how much: the referring partner (as counting the sale left it), then up
 * the referring chain.
 */
async function rewardSale(tx: Db, program: Program, customer: CustomerRow, partner: PartnerRow | undefined, t: TransactionRow, sale: Sale, now: number): Promise<RewardWithPartner[]> {
  const earned: RewardWithPartner[] = []
  if (!sale.rewardable || sale.rewarded || customer.status !== 'active' || customer.archived === 1 || !partner) return earned
  if (Number(customer.self_referral) === 1 && !program.settings.program.reward_self_referrals) return earned
  const rules = program.settings.commission
  const facts = await saleFacts(tx, program, customer, partner, sale)
  const rate = rateFor(rules, ownCommission(partner), facts)
  // The commission period is over: this customer earns nobody anything any more.
  if (!rate) return earned
  let earner: PartnerRow | undefined = partner
  for (let level = 1; level <= MAX_LEVELS && earner; level++) {
    const applied = level === 1
      ? (sale.reward !== undefined ? fixedReward(sale.reward, facts) : applyRate(rate, facts, rules.rounding))
      : maybeApply(levelRate(rules, level), facts, rules.rounding)
    const reward = applied && earner.status === 'active' ? await addReward(tx, program, t, customer, earner, level, applied, now) : undefined
    if (reward) earned.push({ ...reward, partner_public_id: earner.public_id })
    earner = earner.referring_partner_id === null ? undefined : await findPartnerByRowId(tx, program.id, Number(earner.referring_partner_id))
  }
  return earned
}

function maybeApply(rate: ReturnType<typeof levelRate>, facts: SaleFacts, rounding: boolean): AppliedRule | undefined {
  return rate ? applyRate(rate, facts, rounding) : undefined
}

async function saleFacts(tx: Db, program: Program, customer: CustomerRow, partner: PartnerRow, sale: Sale): Promise<SaleFacts> {
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
    // Read before this sale was counted: the customer's earlier live sales.
    customerSalesBefore: Number(customer.live_sales),
    saleAt: sale.createdAt,
  }
}

async function addReward(tx: Db, program: Program, t: TransactionRow, customer: CustomerRow, partner: PartnerRow, level: number, rule: AppliedRule, now: number): Promise<RewardRow | undefined> {
  const amount = commissionOn(rule, BigInt(t.amount))
  if (amount === 0n) return undefined
  const reviewDays = program.settings.commission.review_days
  const reviewUntil = reviewDays > 0 ? Number(t.created_at) + reviewDays * DAY_MS : null
  const status: RewardStatus = reviewUntil !== null && reviewUntil > now ? 'review_period' : 'ok'
  const reward = await insertReward(tx, {
    program_id: program.id, transaction_id: t.id, partner_id: partner.id, customer_id: t.customer_id, level, kind: 'sale',
    rule: writeJson(rule), amount, currency: rule.currency, status, review_until: reviewUntil, archived: 0,
    description: null, created_at: now,
  })
  await postReward(tx, program, reward, 'accrual', amount, Number(t.created_at), now)
  await announceReward(tx, program.id, reward, 'reward.created', now, {
    partner_public_id: partner.public_id, transaction_key: t.key, customer_key: customer.key ?? customer.deleted_key,
  })
  return reward
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
    await postReward(tx, program, changed, how === 'restore' ? 'reinstatement' : 'reversal', signed, Number(t.created_at), now)
  }
}

