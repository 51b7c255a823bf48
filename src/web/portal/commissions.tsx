// Every commission with its state, amount and sale, and why it is that amount: which rule set the
// rate, when its review ends, what a refund took back. The engine kept the rule it applied; this
// page only puts it in words.
import type { FastifyInstance } from 'fastify'
import { commissionOn } from '../../modules/commissions/engine.js'
import { partnerRewards, type PartnerReward } from '../../modules/rewards/partner-view.js'
import { date, money } from '../layout/format.js'
import { appliedRateText as rateText, ruleSourceText } from '../layout/commission-words.js'
import { Frame } from './frame.js'
import { portalPage, type PortalDeps } from './route.js'

const PAGE = 50

/** One line that says how the amount came about. */
export function whyText(r: PartnerReward): string {
  if (r.kind === 'manual') return r.description ? `Bonus: ${r.description}` : 'Bonus from the merchant'
  if (!r.sale) return `${rateText(r.rule)} by ${ruleSourceText(r.rule, 'partner')}`
  const base = r.rule.type === 'percent' ? `${rateText(r.rule)} of a ${money(r.sale.amount, r.sale.currency)} sale` : `${rateText(r.rule)} for a sale`
  return `${base}, by ${ruleSourceText(r.rule, 'partner')}`
}

/** What refunds took back from this reward (its amount at the sale, less what it is now). */
function refundedText(r: PartnerReward): string | undefined {
  if (!r.sale || r.sale.refunded === 0n) return undefined
  const atSale = commissionOn(r.rule, r.sale.amount)
  const taken = atSale - r.amount
  return `Refund of ${money(r.sale.refunded, r.sale.currency)}: ${money(taken > 0n ? taken : 0n, r.currency)} taken back`
}

export function RewardState({ reward }: { reward: PartnerReward }) {
  if (reward.status === 'rejected') return <span class="state">Rejected</span>
  if (reward.status === 'review_period') {
    return <span class="state">In review{reward.reviewUntil !== null ? ` until ${date(reward.reviewUntil)}` : ''}</span>
  }
  return <span class="state">Approved</span>
}

export function commissionsPage(app: FastifyInstance, deps: PortalDeps) {
  portalPage(app, deps, {
    method: 'GET', path: '/commissions', access: 'partner',
    async handle(ctx) {
      const before = Number(ctx.query.before)
      const rows = await partnerRewards(ctx.db, ctx.program.id, ctx.session!.partner.id, { limit: PAGE + 1, before: Number.isSafeInteger(before) && before > 0 ? before : undefined })
      const page = rows.slice(0, PAGE)
      const last = page[page.length - 1]
      return (
        <Frame ctx={ctx} title="Commissions" section="commissions">
          <h1>Commissions</h1>
          {page.length === 0
            ? <p class="empty">No commissions yet. They appear here when a customer you referred pays.</p>
            : (
              <table>
                <caption class="visually-hidden">Your commissions, newest first</caption>
                <thead><tr><th scope="col">Date</th><th scope="col">Sale</th><th scope="col">Why this amount</th><th scope="col" class="num">Amount</th><th scope="col">State</th></tr></thead>
                <tbody>
                  {page.map((r) => (
                    <tr key={r.id}>
                      <td>{date(r.createdAt)}</td>
                      <td>{r.sale ? <>{r.sale.key ?? '—'}<br /><span class="why">{money(r.sale.amount, r.sale.currency)}</span></> : '—'}</td>
                      <td>{whyText(r)}{refundedText(r) && <><br /><span class="why">{refundedText(r)}</span></>}</td>
                      <td class="num">{money(r.amount, r.currency)}</td>
                      <td><RewardState reward={r} /></td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
          {rows.length > PAGE && last && <p><a href={ctx.path(`/commissions?before=${last.id}`)}>Older commissions</a></p>}
        </Frame>
      )
    },
  })
}
