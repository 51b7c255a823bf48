// The admin's first page, the program's dashboard: its figures as GET /v1/program reports them
// (a refer-a-friend program's: customers, referring and referred ones, participation, sales),
// revenue over the last 30 days from the daily rollups, and the things waiting for the merchant
// (partners to approve, payout requests, rewards in review, failing webhooks), each with a link to
// its list. Read from maintained counters (and each webhook's newest delivery, by index): it costs
// the same in a program of ten partners or a million.
// Below, who is signed in and the switch to the user's other programs.
import type { FastifyInstance } from 'fastify'
import { programsOf, type ProgramMembership } from '../../modules/users/service.js'
import { switchProgram } from '../../modules/users/sign-in.js'
import { programDetails } from '../../modules/programs/service.js'
import { dailyRollup } from '../../modules/stats/service.js'
import { failingWebhookCount } from '../../modules/webhooks/service.js'
import { METRIC } from '../../modules/stats/metrics.js'
import { epochDay } from '../../wire-time.js'
import { readCookie } from '../session/cookie.js'
import { Form, Select, Submit } from '../layout/form.js'
import { BarChart } from '../layout/chart.js'
import { date, money } from '../layout/format.js'
import { Frame } from './frame.js'
import { adminPage, COOKIE_SCOPE, field, type AdminContext, type AdminDeps } from './route.js'

const DAY = 86_400_000
const CHART_DAYS = 30

type Details = Awaited<ReturnType<typeof programDetails>>
type AffiliateStats = NonNullable<Extract<Details, { stats: unknown }>['stats']>

/** Every currency's amount of a per-currency map ({usd: "$1.00", eur: "€2.00"}), or the zero of the program's. */
function amounts(map: Record<string, string> | string[], zero: string): string {
  const values = Array.isArray(map) ? map : Object.values(map)
  return values.length > 0 ? values.join(', ') : zero
}

/** "+12.5% on the 30 days before", as GET /v1/program's *_growth fields give it. */
function growthText(growth: number): string {
  if (growth === 0) return 'as in the 30 days before'
  return `${growth > 0 ? '+' : ''}${growth}% on the 30 days before`
}

function Figures({ stats, zero }: { stats: AffiliateStats; zero: string }) {
  const items: Array<[string, string, number | undefined]> = [
    ['Partners', stats.total_partners, stats.total_partners_growth],
    ['Clicks', stats.affiliate_referred_visitors_clicks, stats.affiliate_referred_visitors_clicks_growth],
    ['Sign-ups', stats.total_signups, stats.total_signups_growth],
    ['Customers', stats.total_paid_accounts, stats.total_paid_accounts_growth],
    ['Revenue', amounts(stats.total_revenue, zero), stats.total_revenue_growth],
    ['Commissions pending', amounts(stats.total_pending, zero), undefined],
    ['Commissions paid', amounts(stats.total_paid, zero), undefined],
  ]
  return (
    <>
      <dl class="figures">
        {items.map(([label, value, growth]) => (
          <div key={label}><dt>{label}</dt><dd>{value}</dd>{growth !== undefined && <dd class="why">{growthText(growth)}</dd>}</div>
        ))}
      </dl>
      <p class="hint">Changes compare the last 30 days with the 30 days before them.</p>
    </>
  )
}

/** A refer-a-friend program's figures as GET /v1/program gives them (referralFigures: names with `_growth` beside). */
type ReferralFiguresShape = Record<string, unknown> & { total_revenue_from_sales: Record<string, string> }

function ReferralFigures({ details, zero }: { details: ReferralFiguresShape; zero: string }) {
  const count = (name: string) => Number(details[name] ?? 0)
  const items: Array<[string, string, string | undefined]> = [
    ['Customers', String(count('total_customers')), growthText(count('total_customers_growth'))],
    ['Referring customers', String(count('total_referring_customers')), growthText(count('total_referring_customers_growth'))],
    ['Referred customers', String(count('total_referred_customers')), growthText(count('total_referred_customers_growth'))],
    // Participation's change is in percentage points, not a percent of itself.
    ['Participation', `${count('participation')}%`, pointsText(count('participation_growth'))],
    ['Sales by referred customers', String(count('total_sales')), growthText(count('total_sales_growth'))],
    ['Revenue from their sales', amounts(details.total_revenue_from_sales, zero), undefined],
    ['Active rewards', String(count('active_rewards')), growthText(count('active_rewards_growth'))],
  ]
  return (
    <>
      <dl class="figures">
        {items.map(([label, value, growth]) => (
          <div key={label}><dt>{label}</dt><dd>{value}</dd>{growth !== undefined && <dd class="why">{growth}</dd>}</div>
        ))}
      </dl>
      <p class="hint">Participation is the share of customers who referred someone. Changes compare the last 30 days with the 30 days before them.</p>
      <ul>
        <li><a href="/admin/customers?referred=referred">Referred customers</a></li>
        <li><a href="/admin/settings/rewards">Reward rules</a></li>
      </ul>
    </>
  )
}

function pointsText(points: number): string {
  if (points === 0) return 'as in the 30 days before'
  return `${points > 0 ? '+' : ''}${points} points on the 30 days before`
}

function Waiting({ stats, zero, failingWebhooks }: { stats: AffiliateStats; zero: string; failingWebhooks: number }) {
  const requested = stats.payout_status_breakdown.requested as { count: number; amounts: Record<string, string> }
  const inReview = Object.values(stats.rewards_breakdown.in_review).filter((v) => v !== zero)
  return (
    <section class="card" aria-labelledby="waiting">
      <h2 id="waiting">Waiting for you</h2>
      <ul>
        <li><a href="/admin/partners?status=pending">{`Partners waiting for approval: ${stats.partner_activity.waiting_for_approval}`}</a></li>
        <li><a href="/admin/payouts?status=requested">{`Payout requests: ${requested.count}`}{requested.count > 0 ? ` (${amounts(requested.amounts, zero)})` : ''}</a></li>
        {/* The rollups keep rewards in review as money, not a count: the amount it is. */}
        <li><a href="/admin/commissions?state=review">{`Rewards in review: ${inReview.length > 0 ? inReview.join(', ') : 'none'}`}</a></li>
        <li><a href="/admin/webhooks">{`Webhooks failing: ${failingWebhooks}`}</a></li>
      </ul>
    </section>
  )
}

async function Dashboard({ ctx }: { ctx: AdminContext }) {
  const { program } = ctx.session!
  const today = epochDay(Date.now())
  const first = today - CHART_DAYS + 1
  const [details, daily, failingWebhooks] = await Promise.all([
    programDetails(ctx.store, program, ctx.origin),
    dailyRollup(ctx.db, program.id, METRIC.revenue, program.currency, first),
    failingWebhookCount(ctx.db, program.id),
  ])
  const zero = money(0n, program.currency)
  const referral = 'total_customers' in details
  if (!referral && (!('stats' in details) || !details.stats)) {
    return <p>{`This is a ${program.type} program: its dashboard is the affiliate programs' for now.`}</p>
  }
  const bars = Array.from({ length: CHART_DAYS }, (_, i) => {
    const value = daily.get(first + i) ?? 0n
    return { label: date((first + i) * DAY), value: Number(value), shown: money(value, program.currency) }
  })
  return (
    <>
      {referral
        ? <ReferralFigures details={details as unknown as ReferralFiguresShape} zero={zero} />
        : <Figures stats={(details as { stats: AffiliateStats }).stats} zero={zero} />}
      {referral
        ? <section class="card" aria-labelledby="waiting"><h2 id="waiting">Waiting for you</h2><ul><li><a href="/admin/webhooks">{`Webhooks failing: ${failingWebhooks}`}</a></li></ul></section>
        : <Waiting stats={(details as { stats: AffiliateStats }).stats} zero={zero} failingWebhooks={failingWebhooks} />}
      <BarChart title={`Revenue per day, last ${CHART_DAYS} days (${program.currency})`} bars={bars} id="revenue" />
    </>
  )
}

async function HomePage({ ctx, programs }: { ctx: AdminContext; programs: ProgramMembership[] }) {
  const { user, program, role, csrf } = ctx.session!
  return (
    <Frame ctx={ctx} title="Dashboard" section="dashboard">
      <h1>{program.name}</h1>
      {await Dashboard({ ctx })}
      <section aria-labelledby="you">
        <h2 id="you">You</h2>
        <p>Signed in as <strong>{user.name || user.email}</strong>{user.name ? ` (${user.email})` : ''}.</p>
        <p>Program <strong>{program.name}</strong> ({program.publicId}), your role here: <strong>{role}</strong>.</p>
        {programs.length > 1 && (
          <Form action="/admin/switch" csrf={csrf} label="Switch program">
            <Select
              name="program" label="Work on another program" value={program.publicId}
              options={programs.map((p) => ({ value: p.publicId, label: `${p.name} (${p.publicId}), ${p.role}` }))}
            />
            <Submit>Switch</Submit>
          </Form>
        )}
      </section>
    </Frame>
  )
}

export function homePages(app: FastifyInstance, deps: AdminDeps) {
  adminPage(app, deps, {
    method: 'GET', path: '', access: 'user',
    handle: async (ctx) => HomePage({ ctx, programs: await programsOf(ctx.db, ctx.session!.user.id) }),
  })

  // Any member may move its own session to another of its programs: reading is enough.
  adminPage(app, deps, {
    method: 'POST', path: '/switch', access: 'user', needs: 'read',
    async handle(ctx) {
      await switchProgram(ctx.db, readCookie(ctx.request, COOKIE_SCOPE) as string, field(ctx.form, 'program'))
      return { redirect: '/admin?notice=switched' }
    },
  })
}
