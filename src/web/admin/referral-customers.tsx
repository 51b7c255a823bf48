// A refer-a-friend program's customers (what /admin/customers shows for one): the list with who
// referred each, how many it referred and its balance; and one customer's page: its referral links,
// the friends it referred, its rewards, its balance and statistics, and crediting its balance (the
// merchant applied the reward: a discount, a gift card). Its hidden earner row is never shown: every
// figure is read through the customer's own services, as the API answers them.
import type { ComponentChildren } from 'preact'
import { customerBalance, creditBalance, customerStats } from '../../modules/customers/balance.js'
import type { ReferralCustomerView } from '../../modules/customers/referral-representation.js'
import { listReferralCustomers, reloadReferralCustomer, resolveReferralCustomer, viewReferralCustomer } from '../../modules/customers/referral-service.js'
import type { Program } from '../../modules/programs/service.js'
import { POINTS, rewardsOfEarner, type RewardRow } from '../../modules/rewards/service.js'
import { record } from '../../modules/users/audit.js'
import { may } from '../../modules/users/roles.js'
import { decimalText } from '../../money/micros.js'
import { parseAmount } from '../../money/parse.js'
import { Field, Form, Select, Submit, type FieldErrors } from '../layout/form.js'
import { date, money } from '../layout/format.js'
import { Pager, pageNumber, Table } from '../layout/table.js'
import { Frame } from './frame.js'
import { field, refusal, refusalText, type AdminContext, type Outcome } from './route.js'
import { adminHref, SALES_ACTIONS, SALES_PAGES } from './sales-paths.js'

const PAGE_SIZE = 25

export const CREDIT_PATH = SALES_ACTIONS.creditBalance

type Balance = Awaited<ReturnType<typeof customerBalance>>['balance']
type BalanceLine = Balance['currency'][number]

/** An amount of a currency or of points, as the page shows it. */
export function amountText(micros: bigint, unit: string): string {
  return unit === POINTS || unit === 'points' ? `${decimalText(micros)} points` : money(micros, unit)
}

/** A wire amount (major units as a number) as the page shows it. */
function lineText(line: BalanceLine): string {
  const parsed = parseAmount(String(line.amount))
  return 'micros' in parsed ? amountText(parsed.micros, line.amount_units) : `${line.amount} ${line.amount_units}`
}

const balanceText = (b: Balance) => [...b.currency, ...b.points].map(lineText).join(', ')

const nameOf = (c: { name: string | null; surname: string | null }) => [c.name, c.surname].filter(Boolean).join(' ')

function Who({ c }: { c: { name: string | null; surname: string | null; email: string | null } }) {
  const name = nameOf(c)
  return <>{name}{name && c.email ? <br /> : null}{c.email ?? (name ? '' : 'no name or email')}</>
}

const customerHref = (id: string) => adminHref(SALES_PAGES.customer, { key: id })

const FILTERS = [
  { value: '', label: 'All customers' },
  { value: 'referred', label: 'Referred by a customer' },
  { value: 'not_referred', label: 'Not referred' },
]

export async function ReferralCustomersPage({ ctx, program }: { ctx: AdminContext; program: Program }) {
  const page = pageNumber(ctx.query.page)
  const filter = FILTERS.some((f) => f.value === ctx.query.referred) ? ctx.query.referred as string : ''
  const rows = await listReferralCustomers(ctx.db, program, {
    sort: 'desc', offset: (page - 1) * PAGE_SIZE, fetch: PAGE_SIZE + 1, referred: filter === '' ? undefined : filter === 'referred',
  }, ctx.origin)
  const shown = rows.slice(0, PAGE_SIZE)
  const balances = new Map(await Promise.all(shown.map(async (c) => [c.id, (await customerBalance(ctx.db, program, c.id, ctx.origin)).balance] as const)))
  return (
    <Frame ctx={ctx} title="Customers" section="customers">
      <h1>Customers</h1>
      <form method="get" action="/admin/customers" aria-label="Filter customers" class="toolbar">
        <Select name="referred" label="Show" value={filter} options={FILTERS} />
        <button type="submit">Filter</button>
      </form>
      <Table<ReferralCustomerView>
        caption="Customers, newest first" rows={shown} rowKey={(c) => c.id}
        empty={filter ? 'No customer matches this filter.' : 'No customers yet. Your site\'s sign-ups and the API add them.'}
        columns={[
          { label: 'Id', cell: (c) => <a href={customerHref(c.id)}>{c.id}</a> },
          { label: 'Name and email', cell: (c) => <Who c={c} /> },
          { label: 'Referred by', cell: (c) => c.referring_customer ? <a href={customerHref(c.referring_customer.id)}>{c.referring_customer.id}</a> : 'nobody' },
          { label: 'Referrals', num: true, cell: (c) => String(c.referrals_count) },
          { label: 'Balance', num: true, cell: (c) => balanceText(balances.get(c.id) as Balance) },
        ]}
      />
      <Pager page={page} hasMore={rows.length > PAGE_SIZE}
        href={(n) => `/admin/customers?${new URLSearchParams([...(filter ? [['referred', filter]] : []), ['page', String(n)]])}`} />
    </Frame>
  )
}

const OWN = Symbol('own')
const DELETED = 'a deleted customer'

/** "Sale of bob", "Sign-up of cid", or "Its own sign-up" (a friend's reward for joining). */
function forText(r: RewardRow, forWhom: Map<number, string | typeof OWN>): string {
  const what = r.kind === 'signup' ? 'sign-up' : r.kind
  if (r.customer_id === null) return `A ${what}`
  const whose = forWhom.get(Number(r.customer_id)) ?? DELETED
  return whose === OWN ? `Its own ${what}` : `${what[0]!.toUpperCase()}${what.slice(1)} of ${whose}`
}

function rewardState(status: string): string {
  return status === 'review_period' ? 'in review' : status === 'ok' ? 'payable' : status
}

interface CreditForm { values: Record<string, string>; errors?: FieldErrors }

function Section({ id, title, children }: { id: string; title: string; children: ComponentChildren }) {
  return <section class="card" aria-labelledby={id}><h2 id={id}>{title}</h2>{children}</section>
}

export async function ReferralCustomerPage({ ctx, program, ref, credit, failed }: { ctx: AdminContext; program: Program; ref: string; credit?: CreditForm; failed?: string }) {
  const row = await resolveReferralCustomer(ctx.db, program, ref)
  const view = await viewReferralCustomer(ctx.db, program, row, ctx.origin)
  const friendsPage = pageNumber(ctx.query.friends)
  const rewardsPage = pageNumber(ctx.query.rewards)
  const earnerId = Number(row.earner_id)
  const [friends, rewards, { balance }, stats] = await Promise.all([
    listReferralCustomers(ctx.db, program, { sort: 'desc', offset: (friendsPage - 1) * PAGE_SIZE, fetch: PAGE_SIZE + 1, referrerEarnerId: earnerId }, ctx.origin),
    row.earner_id === null ? [] : rewardsOfEarner(ctx.db, program.id, earnerId, { offset: (rewardsPage - 1) * PAGE_SIZE, fetch: PAGE_SIZE + 1 }),
    customerBalance(ctx.db, program, view.id, ctx.origin),
    customerStats(ctx.db, program, view.id),
  ])
  // Whose sign-up or sale each reward is for: the customer itself (a friend's reward) or one of its friends.
  const forWhom = new Map<number, string | typeof OWN>()
  for (const id of new Set(rewards.slice(0, PAGE_SIZE).map((r) => r.customer_id).filter((id) => id !== null))) {
    const friend = await reloadReferralCustomer(ctx.db, program, Number(id)).catch(() => undefined)
    forWhom.set(Number(id), friend === undefined ? DELETED : Number(friend.id) === Number(row.id) ? OWN : (friend.key ?? DELETED))
  }
  const here = customerHref(view.id)
  const pageLink = (name: string) => (n: number) => `${here}?${name}=${n}`
  const title = nameOf(view) || view.id
  return (
    <Frame ctx={ctx} title={`Customer ${view.id}`} section="customers" notice={failed ? { kind: 'error', text: failed } : undefined}>
      <p><a href="/admin/customers">All customers</a></p>
      <h1>{title}</h1>
      <dl>
        <dt>Id</dt><dd>{view.id}</dd>
        <dt>Email</dt><dd>{view.email ?? 'none'}</dd>
        <dt>Referred by</dt><dd>{view.referring_customer ? <a href={customerHref(view.referring_customer.id)}>{view.referring_customer.id}</a> : 'nobody'}</dd>
        <dt>Approved</dt><dd>{view.approved ? 'yes' : 'no'}</dd>
        <dt>Customer since</dt><dd>{date(view.created_at)}</dd>
      </dl>

      <Section id="links-title" title="Referral links">
        {view.referral_links.length === 0 ? <p>None.</p> : <ul>{view.referral_links.map((url) => <li key={url}><code>{url}</code></li>)}</ul>}
      </Section>

      <Section id="stats-title" title="Statistics">
        <dl class="figures">
          <div><dt>Clicks</dt><dd>{String(stats.clicks)}</dd></div>
          <div><dt>Sign-ups</dt><dd>{String(stats.signups)}</dd></div>
          <div><dt>Purchases</dt><dd>{String(stats.purchases)}</dd></div>
          <div><dt>Revenue</dt><dd>{stats.revenue.length === 0 ? money(0n, program.currency) : stats.revenue.map((r) => lineText({ amount: r.amount, amount_units: r.currency, is_currency: true })).join(', ')}</dd></div>
        </dl>
      </Section>

      <Section id="balance-title" title="Balance">
        <ul id="balance">{[...balance.currency, ...balance.points].map((line) => <li key={line.amount_units}>{lineText(line)}</li>)}</ul>
        <CreditSection ctx={ctx} program={program} id={view.id} balance={balance} credit={credit} />
      </Section>

      <h2>Friends referred</h2>
      <Table<ReferralCustomerView>
        caption="The customers it referred" rows={friends.slice(0, PAGE_SIZE)} rowKey={(c) => c.id} empty="Nobody yet."
        columns={[
          { label: 'Id', cell: (c) => <a href={customerHref(c.id)}>{c.id}</a> },
          { label: 'Name and email', cell: (c) => <Who c={c} /> },
          { label: 'Since', cell: (c) => date(c.created_at) },
          { label: 'State', cell: (c) => `${c.approved ? 'approved' : 'not approved'}, ${c.status}` },
        ]}
      />
      <Pager page={friendsPage} hasMore={friends.length > PAGE_SIZE} href={pageLink('friends')} />

      <h2>Rewards</h2>
      <Table<RewardRow>
        caption="What it earned, newest first" rows={rewards.slice(0, PAGE_SIZE)} rowKey={(r) => Number(r.id)} empty="No rewards yet."
        columns={[
          { label: 'Date', cell: (r) => date(Number(r.created_at)) },
          { label: 'For', cell: (r) => forText(r, forWhom) },
          { label: 'Amount', num: true, cell: (r) => amountText(BigInt(r.amount), r.currency) },
          { label: 'State', cell: (r) => rewardState(r.status) },
        ]}
      />
      <Pager page={rewardsPage} hasMore={rewards.length > PAGE_SIZE} href={pageLink('rewards')} />
    </Frame>
  )
}

function CreditSection({ ctx, program, id, balance, credit }: { ctx: AdminContext; program: Program; id: string; balance: Balance; credit?: CreditForm }) {
  if (!may(ctx.session!.role, 'change')) return <p class="hint">{`Your role (${ctx.session!.role}) may see the balance but not credit it.`}</p>
  const units = [...new Set([program.currency, ...balance.currency.map((l) => l.amount_units), 'points'])]
  return (
    <Form action={adminHref(CREDIT_PATH, { key: id })} csrf={ctx.session!.csrf} label="Credit balance">
      <h3>Credit balance</h3>
      <p class="hint">Takes the amount off the balance: you gave the customer its reward (a discount, a gift card). No more than the balance.</p>
      <Field name="amount" label="Amount" inputmode="decimal" required value={credit?.values.amount} errors={credit?.errors} />
      <Select name="amount_units" label="In" value={credit?.values.amount_units || program.currency} errors={credit?.errors}
        options={units.map((u) => ({ value: u, label: u === 'points' ? 'Points' : u }))} />
      <Submit>Credit balance</Submit>
    </Form>
  )
}

/** POST /admin/customers/:key/credit: the credit, and its audit entry; a refusal shows on the form. */
export async function creditFromPage(ctx: AdminContext, program: Program): Promise<Outcome> {
  const ref = ctx.params.key as string
  const values = { amount: field(ctx.form, 'amount'), amount_units: field(ctx.form, 'amount_units') }
  let id: string
  try {
    const units = values.amount_units || program.currency
    const done = await creditBalance(ctx.db, program, ref, { amount: values.amount, amount_units: units, is_currency: units.toLowerCase() !== 'points' }, ctx.origin)
    id = done.customer.id
    await record(ctx.db, {
      programId: program.id, userId: ctx.session!.user.id, action: 'customer.credited', objectType: 'customer', objectId: id,
      detail: { amount: values.amount, amount_units: units },
    })
  } catch (err) {
    const refused = refusal(err, 'invalid')
    return { status: 422, page: await ReferralCustomerPage({ ctx, program, ref, credit: { values, errors: refused.errors }, failed: `The balance was not credited: ${refusalText(refused)}` }) }
  }
  return { redirect: `${customerHref(id)}?notice=balance-credited` }
}
