// The dashboard: what the partner brought and earned, how far it is from a payout, its commission
// over the last 30 days, and what happened last. Read from maintained counters and the partner's
// own recent rewards, so it costs the same in a program of ten partners or a million.
import type { FastifyInstance } from 'fastify'
import { partnerFigures } from '../../modules/partners/account.js'
import { partnerDailyCommission, partnerRewards } from '../../modules/rewards/partner-view.js'
import { payoutRules } from '../../modules/programs/payout-settings.js'
import { BarChart } from '../layout/chart.js'
import { date, money } from '../layout/format.js'
import { Frame } from './frame.js'
import { RewardState, whyText } from './commissions.js'
import { portalPage, type PageContext, type PortalDeps } from './route.js'

const DAY = 86_400_000
const CHART_DAYS = 30

function Pending({ ctx }: { ctx: PageContext }) {
  return (
    <Frame ctx={ctx} title="Application" narrow>
      <h1>Your application is in</h1>
      <p>{ctx.program.name} reviews new partners. We will email you as soon as yours is approved; your links and earnings appear here then.</p>
    </Frame>
  )
}

async function Dashboard({ ctx }: { ctx: PageContext }) {
  const { program } = ctx
  const partner = ctx.session!.partner
  const now = Date.now()
  const today = Math.floor(now / DAY)
  const [figures, recent, daily] = await Promise.all([
    partnerFigures(ctx.db, program, partner),
    partnerRewards(ctx.db, program.id, partner.id, { limit: 5 }),
    partnerDailyCommission(ctx.db, program.id, partner.id, program.currency, (today - CHART_DAYS + 1) * DAY),
  ])
  const threshold = payoutRules(program).threshold
  const progress = threshold === 0n ? 100 : Math.min(100, Number((figures.payable * 100n) / threshold))
  const cur = figures.currency
  const bars = Array.from({ length: CHART_DAYS }, (_, i) => {
    const day = today - CHART_DAYS + 1 + i
    const micros = daily.get(day) ?? 0n
    return { label: date(day * DAY), value: Number(micros) / 1e6, shown: money(micros, cur) }
  })
  const stat = (label: string, value: string) => <div><dt>{label}</dt><dd>{value}</dd></div>
  return (
    <Frame ctx={ctx} title="Dashboard" section="dashboard">
      <h1>Welcome{partner.name ? `, ${partner.name}` : ''}</h1>
      <dl class="figures">
        {stat('Clicks', figures.clicks.toLocaleString('en'))}
        {stat('Sign-ups', figures.signups.toLocaleString('en'))}
        {stat('Paying customers', figures.customers.toLocaleString('en'))}
        {stat('Sales', figures.sales.toLocaleString('en'))}
        {stat('Revenue', money(figures.revenue, cur))}
        {stat('In review', money(figures.inReview, cur))}
        {stat('Payable', money(figures.payable, cur))}
        {stat('Paid', money(figures.paid, cur))}
      </dl>
      <section class="card" aria-labelledby="payout-progress">
        <h2 id="payout-progress">Next payout</h2>
        {threshold === 0n
          ? <p>Any payable balance can be paid out.</p>
          : <p>{money(figures.payable, cur)} of the {money(threshold, cur)} needed for a payout.</p>}
        <svg class="progress" viewBox="0 0 100 4" preserveAspectRatio="none" role="img" aria-label={`${progress}% of the payout threshold`}>
          <rect width="100" height="4" class="track" /><rect width={progress} height="4" class="bar" />
        </svg>
        <p><a href={ctx.path('/payouts')}>Payouts</a></p>
      </section>
      <BarChart title={`Commission per day, last ${CHART_DAYS} days (${cur})`} bars={bars} />
      <h2>Recent activity</h2>
      {recent.length === 0
        ? <p class="empty">Nothing yet. Share <a href={ctx.path('/links')}>your link</a>: the sales it brings show up here.</p>
        : (
          <table id="recent">
            <caption class="visually-hidden">Your newest commissions</caption>
            <thead><tr><th scope="col">Date</th><th scope="col">Commission</th><th scope="col" class="num">Amount</th><th scope="col">State</th></tr></thead>
            <tbody>
              {recent.map((r) => (
                <tr key={r.id}>
                  <td>{date(r.createdAt)}</td>
                  <td>{whyText(r)}</td>
                  <td class="num">{money(r.amount, r.currency)}</td>
                  <td><RewardState reward={r} /></td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
    </Frame>
  )
}

export function dashboardPage(app: FastifyInstance, deps: PortalDeps) {
  portalPage(app, deps, {
    method: 'GET', path: '/', access: 'partner', pending: true,
    handle: async (ctx) => (ctx.session!.partner.status === 'pending' ? <Pending ctx={ctx} /> : await Dashboard({ ctx })),
  })
}
