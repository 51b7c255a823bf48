// The program's partners: the list (the API's search by name, email, id or key, a status filter,
// a page at a time) with approve / reject / archive / restore on each row and on the checked rows
// at once; and one partner's page: its figures, links, customers, rewards, payout method, its own
// commission, a manual bonus and opening the portal as the partner. Every change goes through the
// service the API's route calls (so it emits the same events and webhooks), then into the audit log.
import type { FastifyInstance } from 'fastify'
import { DomainError, type FieldErrors } from '../../domain-errors.js'
import { check, compileInput } from '../../http/validation.js'
import { changeStatus, partnerRows, requireAffiliate, resolvePartner, type PartnerRow } from '../../modules/partners/service.js'
import { SearchPartnersInput } from '../../modules/partners/schemas.js'
import { partnerFigures } from '../../modules/partners/account.js'
import { ownCommission, setPartnerCommission } from '../../modules/partners/commission.js'
import { grantBonus } from '../../modules/partners/bonus.js'
import { savedMethod } from '../../modules/partners/payout-method.js'
import { PartnerCommissionInput } from '../../modules/commissions/schemas.js'
import { BonusInput } from '../../modules/rewards/schemas.js'
import { linksOf } from '../../modules/referral-links/service.js'
import { partnerReferrals } from '../../modules/customers/service.js'
import { partnerRewards } from '../../modules/rewards/partner-view.js'
import { mintSignInUrl } from '../../modules/sign-in/service.js'
import { record } from '../../modules/users/audit.js'
import { may } from '../../modules/users/roles.js'
import type { PartnerStatus } from '../../store/schema.js'
import { Field, Form, Select, Submit } from '../layout/form.js'
import { Pager, pageNumber, Table } from '../layout/table.js'
import { PostButton } from '../layout/post-button.js'
import { date, money } from '../layout/format.js'
import type { Notice } from '../layout/shell.js'
import { Frame } from './frame.js'
import { adminPage, field, fields, refusal, type AdminContext, type AdminDeps } from './route.js'

const PAGE = 25
/** The most partners one bulk form changes: a page's worth, and a bound on one request's work. */
const BULK_MAX = 100
/** How long the portal link "open the portal as this partner" lasts, in seconds. */
const IMPERSONATION_TTL = 120

export const STATUSES: readonly PartnerStatus[] = ['pending', 'active', 'rejected', 'archived']
const SEARCH_BY = ['name', 'email', 'id', 'key'] as const
type SearchBy = (typeof SEARCH_BY)[number]

/** The row actions, each the API's state action of the same name (restore is `revoke-archive`). */
export const PARTNER_ACTIONS = {
  approve: { transition: 'approve', audit: 'partner.approved', label: 'Approve', notice: 'partner-approved' },
  reject: { transition: 'reject', audit: 'partner.rejected', label: 'Reject', notice: 'partner-rejected' },
  archive: { transition: 'archive', audit: 'partner.archived', label: 'Archive', notice: 'partner-archived' },
  restore: { transition: 'revoke-archive', audit: 'partner.restored', label: 'Restore', notice: 'partner-restored' },
} as const
type ActionName = keyof typeof PARTNER_ACTIONS
const ACTION_NAMES = Object.keys(PARTNER_ACTIONS) as ActionName[]

/** The actions that apply to a partner in its state (the service refuses the others). */
function actionsFor(p: { status: string; approved: boolean }): ActionName[] {
  switch (p.status) {
    case 'archived': return ['restore']
    case 'pending': return ['approve', 'reject', 'archive']
    case 'rejected': return ['approve', 'archive']
    default: return p.approved ? ['reject', 'archive'] : ['approve', 'reject', 'archive']
  }
}

const partnerPath = (id: string) => `/admin/partners/${encodeURIComponent(id)}`
const fullName = (p: { name: string | null; surname: string | null }) => [p.name, p.surname].filter(Boolean).join(' ')

function program(ctx: AdminContext) {
  const p = ctx.session!.program
  requireAffiliate(p)
  return p
}

async function audit(ctx: AdminContext, action: string, partnerId: string, detail?: unknown) {
  await record(ctx.db, { programId: ctx.session!.program.id, userId: ctx.session!.user.id, action, objectType: 'partner', objectId: partnerId, detail })
}

// ---------------------------------------------------------------- the list

interface ListQuery {
  q: string
  by: SearchBy
  status: PartnerStatus | ''
  page: number
  /** The row id of the last partner of the page before (from its "Next page" link): this page starts after it. */
  after?: number
}

function listQuery(query: Record<string, string | undefined>): ListQuery {
  const by = SEARCH_BY.find((b) => b === query.by) ?? 'name'
  const status = STATUSES.find((s) => s === query.status) ?? ''
  const page = pageNumber(query.page)
  // A cursor only means something past the first page; anything but a row id is no cursor.
  const after = page > 1 && /^[1-9][0-9]{0,15}$/.test(query.after ?? '') ? Number(query.after) : undefined
  return { q: (query.q ?? '').trim(), by, status, page, after }
}

/** The list's address; `after` (the last row id shown) makes the next page start by index, not by counting. */
function listHref(q: ListQuery, page = q.page, after?: number): string {
  const params = new URLSearchParams()
  if (q.q) params.set('q', q.q)
  if (q.q && q.by !== 'name') params.set('by', q.by)
  if (q.status) params.set('status', q.status)
  if (page > 1) params.set('page', String(page))
  if (page > 1 && after !== undefined) params.set('after', String(after))
  const text = params.toString()
  return `/admin/partners${text ? `?${text}` : ''}`
}

interface BulkResult {
  action: ActionName
  changed: string[]
  refused: Array<{ id: string; why: string }>
}

/** What the list shows of a partner, straight from its row (no API representation to build). */
interface ListRow { rowId: number; id: string; email: string; name: string | null; surname: string | null; key: string; status: string; approved: boolean; created_at: number }

function listRow(r: Awaited<ReturnType<typeof partnerRows>>[number]): ListRow {
  return {
    rowId: Number(r.id), id: r.public_id, email: r.email, name: r.name, surname: r.surname, key: r.default_key ?? '',
    status: r.status, approved: r.approved === 1, created_at: Number(r.created_at),
  }
}

async function ListPage({ ctx, query, status = 200, failure, bulk }: { ctx: AdminContext; query: ListQuery; status?: number; failure?: string; bulk?: BulkResult }) {
  const p = program(ctx)
  let errors: FieldErrors | undefined
  let rows: ListRow[] = []
  try {
    const search = query.q ? check<Record<string, string>>(compileInput(SearchPartnersInput), { [query.by]: query.q }) : {}
    rows = (await partnerRows(ctx.db, p, {
      sort: 'desc', offset: query.after === undefined ? (query.page - 1) * PAGE : 0, after: query.after, fetch: PAGE + 1,
      filters: { ...search, ...(query.status ? { status: query.status } : {}) },
    })).map(listRow)
  } catch (err) {
    errors = { q: Object.values(refusal(err, 'invalid').errors ?? {}).flat() }
    status = 422
  }
  const hasMore = rows.length > PAGE
  const shown = rows.slice(0, PAGE)
  const csrf = ctx.session!.csrf
  // A viewer is offered no change (the routes refuse it anyway; found by admin.browser.test.ts).
  const changes = may(ctx.session!.role, 'change')
  const notice: Notice | undefined = failure ? { kind: 'error', text: failure }
    : bulk ? { kind: bulk.refused.length ? 'info' : 'ok', text: `${PARTNER_ACTIONS[bulk.action].label}: ${bulk.changed.length} changed, ${bulk.refused.length} refused.` }
    : undefined
  const page = (
    <Frame ctx={ctx} title="Partners" section="partners" notice={notice}>
      <h1>Partners</h1>
      <form method="get" action="/admin/partners" class="toolbar" role="search" aria-label="Find partners">
        <Field name="q" label="Search" value={query.q} errors={errors} maxlength={255} />
        <Select name="by" label="In" value={query.by} options={SEARCH_BY.map((b) => ({ value: b, label: b === 'id' ? 'ID' : b[0]!.toUpperCase() + b.slice(1) }))} />
        <Select name="status" label="Status" value={query.status}
          options={[{ value: '', label: 'Any' }, ...STATUSES.map((s) => ({ value: s, label: s[0]!.toUpperCase() + s.slice(1) }))]} />
        <Submit>Find</Submit>
      </form>
      {bulk && bulk.refused.length > 0 && (
        <section class="card" aria-labelledby="refused">
          <h2 id="refused">Not changed</h2>
          <ul>{bulk.refused.map((r) => <li key={r.id}><strong>{r.id}</strong>{`: ${r.why}`}</li>)}</ul>
        </section>
      )}
      <Table
        caption="Partners, newest first"
        rows={shown}
        rowKey={(r) => r.id}
        empty={query.q || query.status ? 'No partner matches. Try another search or status.' : 'No partners yet. They appear here when they sign up in the portal or are added through the API.'}
        columns={[
          ...(changes ? [{ label: 'Select', cell: (r: (typeof shown)[number]) => <input type="checkbox" name="ids[]" value={r.id} form="bulk" aria-label={`Select ${r.email}`} /> }] : []),
          { label: 'Partner', cell: (r) => <><a href={partnerPath(r.id)}>{fullName(r) || r.email}</a><br /><span class="why">{r.email}</span></> },
          { label: 'ID', cell: (r) => r.id },
          { label: 'Key', cell: (r) => r.key },
          { label: 'Status', cell: (r) => <span class="state">{r.status}</span> },
          { label: 'Joined', cell: (r) => date(r.created_at) },
          ...(changes ? [{
            label: 'Actions',
            cell: (r: (typeof shown)[number]) => actionsFor(r).map((a) => (
              <PostButton key={a} action={`${partnerPath(r.id)}/${a}`} csrf={csrf} label={PARTNER_ACTIONS[a].label} quiet fields={{ back: 'list' }} />
            )),
          }] : []),
        ]}
      />
      {changes && shown.length > 0 && (
        <form method="post" action="/admin/partners/bulk" id="bulk" class="toolbar" aria-label="Change the checked partners">
          <input type="hidden" name="_csrf" value={csrf} />
          <Select name="action" label="With the checked partners" options={ACTION_NAMES.map((a) => ({ value: a, label: PARTNER_ACTIONS[a].label }))} />
          <Submit>Apply</Submit>
        </form>
      )}
      <Pager page={query.page} hasMore={hasMore} href={(n) => listHref(query, n, n > query.page ? shown[shown.length - 1]?.rowId : undefined)} />
    </Frame>
  )
  return { status, page }
}

// ---------------------------------------------------------------- one partner

const REWARD_KIND: Record<string, string> = { sale: 'Sale', manual: 'Bonus', lead: 'Lead' }
const REWARD_STATE: Record<string, string> = { review_period: 'In review', ok: 'Approved', rejected: 'Rejected' }

interface PartnerForms {
  failure?: string
  commission?: { errors: FieldErrors; values: Record<string, string> }
  bonus?: { errors: FieldErrors; values: Record<string, string> }
}

async function PartnerPage({ ctx, row, forms = {}, status = 200 }: { ctx: AdminContext; row: PartnerRow; forms?: PartnerForms; status?: number }) {
  const p = program(ctx)
  const [figures, links, customers, rewards] = await Promise.all([
    partnerFigures(ctx.db, p, row),
    linksOf(ctx.db, p, row, { offset: 0, fetch: 50 }, ctx.origin),
    partnerReferrals(ctx.db, p, row.id, { offset: 0, fetch: 20 }),
    partnerRewards(ctx.db, p.id, row.id, { limit: 20 }),
  ])
  const cur = figures.currency
  const method = savedMethod(row.payout)
  const own = ownCommission(row)
  const csrf = ctx.session!.csrf
  // A viewer is offered no change (the routes refuse it anyway; found by admin.browser.test.ts).
  const changes = may(ctx.session!.role, 'change')
  const here = partnerPath(row.public_id)
  const name = fullName(row) || row.email
  const commissionValues = forms.commission?.values ?? (own ? { type: own.type, value: String(own.value), period: typeof own.period === 'string' ? own.period : '' } : {})
  const page = (
    <Frame ctx={ctx} title={name} section="partners" notice={forms.failure ? { kind: 'error', text: forms.failure } : undefined}>
      <p><a href="/admin/partners">All partners</a></p>
      <h1>{name}</h1>
      <p>{row.email}{` · ID ${row.public_id} · `}<span class="state">{row.status}</span>{` · joined ${date(Number(row.created_at))}`}</p>
      {changes && <div class="toolbar">
        {actionsFor({ status: row.status, approved: row.approved === 1 }).map((a) => (
          <PostButton key={a} action={`${here}/${a}`} csrf={csrf} label={PARTNER_ACTIONS[a].label} fields={{ back: 'partner' }} />
        ))}
        <PostButton action={`${here}/impersonate`} csrf={csrf} label="Open the portal as this partner" quiet />
      </div>}
      <dl class="figures">
        <div><dt>Clicks</dt><dd>{figures.clicks}</dd></div>
        <div><dt>Sign-ups</dt><dd>{figures.signups}</dd></div>
        <div><dt>Customers</dt><dd>{figures.customers}</dd></div>
        <div><dt>Sales</dt><dd>{figures.sales}</dd></div>
        <div><dt>Revenue</dt><dd>{money(figures.revenue, cur)}</dd></div>
        <div><dt>In review</dt><dd>{money(figures.inReview, cur)}</dd></div>
        <div><dt>Payable</dt><dd>{money(figures.payable, cur)}</dd></div>
        <div><dt>Paid</dt><dd>{money(figures.paid, cur)}</dd></div>
      </dl>

      <h2>Links</h2>
      <Table caption="Referral links" rows={links} rowKey={(l) => l.key} empty="No referral links."
        columns={[
          { label: 'Key', cell: (l) => <>{l.key}{l.default ? ' (default)' : ''}</> },
          { label: 'Address', cell: (l) => l.url },
        ]} />

      <h2>Customers</h2>
      <Table caption="Customers the partner brought, newest first" rows={customers} rowKey={(c) => c.id} empty="No customers yet."
        columns={[
          { label: 'Customer', cell: (c) => fullName(c) || '—' },
          { label: 'Email', cell: (c) => c.email ?? '—' },
          { label: 'Status', cell: (c) => c.status },
          { label: 'Sales', num: true, cell: (c) => c.sales },
          { label: 'Since', cell: (c) => date(c.since) },
        ]} />

      <h2>Rewards</h2>
      <Table caption="The partner's rewards, newest first" rows={rewards} rowKey={(r) => r.id} empty="No rewards yet."
        columns={[
          { label: 'Date', cell: (r) => date(r.createdAt) },
          { label: 'Kind', cell: (r) => REWARD_KIND[r.kind] ?? r.kind },
          { label: 'What for', cell: (r) => r.description ?? (r.sale ? `Sale ${r.sale.key ?? ''} of ${money(r.sale.amount, r.sale.currency)}` : '—') },
          { label: 'State', cell: (r) => REWARD_STATE[r.status] ?? r.status },
          { label: 'Amount', num: true, cell: (r) => money(r.amount, r.currency) },
        ]} />

      <section class="card" aria-labelledby="payout">
        <h2 id="payout">Payout method</h2>
        {method
          ? <dl>{[['Gateway', method.gateway], ...Object.entries(method.settings)].map(([k, v]) => <div key={k}><dt>{k}</dt><dd>{v}</dd></div>)}</dl>
          : <p class="empty">The partner has not saved a payout method yet.</p>}
      </section>

      <section class="card" aria-labelledby="commission">
        <h2 id="commission">Commission</h2>
        <p>{own ? 'This partner has its own rate, in place of the program\'s rules.' : 'This partner earns by the program\'s rules.'}</p>
        {changes && <Form action={`${here}/commission`} csrf={csrf} label="The partner's own commission">
          <Select name="type" label="Type" value={commissionValues.type ?? 'percent'} errors={forms.commission?.errors}
            options={[{ value: 'percent', label: 'Percent of the sale' }, { value: 'static', label: `Fixed amount (${cur})` }]} />
          <Field name="value" label="Rate" value={commissionValues.value} required inputmode="decimal" errors={forms.commission?.errors} />
          <Field name="period" label="For how long (optional)" value={commissionValues.period} hint='"lifetime", "3 sales", "12 months"…' errors={forms.commission?.errors} maxlength={32} />
          <Submit>Set the partner's rate</Submit>
        </Form>}
        {changes && own && <PostButton action={`${here}/commission/remove`} csrf={csrf} label="Back to the program's rules" quiet />}
      </section>

      {changes && <section class="card" aria-labelledby="bonus">
        <h2 id="bonus">Bonus</h2>
        <Form action={`${here}/bonus`} csrf={csrf} label="Grant a bonus">
          <Field name="amount" id="f-bonus-amount" label={`Amount (${cur})`} value={forms.bonus?.values.amount} required inputmode="decimal" errors={forms.bonus?.errors} />
          <Field name="description" id="f-bonus-description" label="Why (shown to the partner)" value={forms.bonus?.values.description} maxlength={255} errors={forms.bonus?.errors} />
          <Submit>Grant the bonus</Submit>
        </Form>
      </section>}
    </Frame>
  )
  return { status, page }
}

/** A service's field messages on the form's own fields (`period.count` is the period's, `commission.value` the value's); any other on `fallback`. */
function formErrors(err: DomainError, names: readonly string[], fallback: string): FieldErrors {
  const out: FieldErrors = {}
  for (const [key, messages] of Object.entries(err.errors ?? {})) {
    const name = key.split(/[./]/).find((part) => names.includes(part)) ?? fallback
    out[name] = [...(out[name] ?? []), ...messages]
  }
  if (Object.keys(out).length === 0) out[fallback] = [err.message]
  return out
}

// ---------------------------------------------------------------- routes

export function partnerPages(app: FastifyInstance, deps: AdminDeps) {
  adminPage(app, deps, {
    method: 'GET', path: '/partners', access: 'user',
    handle: async (ctx) => ListPage({ ctx, query: listQuery(ctx.query) }),
  })

  adminPage(app, deps, {
    method: 'POST', path: '/partners/bulk', access: 'user',
    async handle(ctx) {
      const p = program(ctx)
      const action = ACTION_NAMES.find((a) => a === field(ctx.form, 'action'))
      const ids = [...new Set(fields(ctx.form, 'ids[]'))]
      const query = listQuery({})
      if (!action) return ListPage({ ctx, query, status: 422, failure: 'Choose what to do with the checked partners.' })
      if (ids.length === 0) return ListPage({ ctx, query, status: 422, failure: 'Check the partners to change first.' })
      if (ids.length > BULK_MAX) return ListPage({ ctx, query, status: 422, failure: `Change at most ${BULK_MAX} partners at once.` })
      const result: BulkResult = { action, changed: [], refused: [] }
      // One at a time, each through the same service call (and its own transaction) as the API's.
      for (const id of ids) {
        try {
          const view = await changeStatus(ctx.db, p, id, PARTNER_ACTIONS[action].transition, ctx.origin)
          await audit(ctx, PARTNER_ACTIONS[action].audit, view.id, { bulk: true })
          result.changed.push(view.id)
        } catch (err) {
          result.refused.push({ id, why: refusal(err, 'refused', 'not_found').message })
        }
      }
      return ListPage({ ctx, query, bulk: result })
    },
  })

  adminPage(app, deps, {
    method: 'GET', path: '/partners/:id', access: 'user',
    handle: async (ctx) => PartnerPage({ ctx, row: await resolvePartner(ctx.db, program(ctx), ctx.params.id as string) }),
  })

  for (const action of ACTION_NAMES) {
    adminPage(app, deps, {
      method: 'POST', path: `/partners/:id/${action}`, access: 'user',
      async handle(ctx) {
        const p = program(ctx)
        const back = field(ctx.form, 'back') === 'partner' ? 'partner' : 'list'
        try {
          const view = await changeStatus(ctx.db, p, ctx.params.id as string, PARTNER_ACTIONS[action].transition, ctx.origin)
          await audit(ctx, PARTNER_ACTIONS[action].audit, view.id)
          return { redirect: `${back === 'partner' ? partnerPath(view.id) : '/admin/partners'}?notice=${PARTNER_ACTIONS[action].notice}` }
        } catch (err) {
          const failure = refusal(err, 'refused').message
          if (back === 'list') return ListPage({ ctx, query: listQuery({}), status: 400, failure })
          return PartnerPage({ ctx, row: await resolvePartner(ctx.db, p, ctx.params.id as string), forms: { failure }, status: 400 })
        }
      },
    })
  }

  adminPage(app, deps, {
    method: 'POST', path: '/partners/:id/commission', access: 'user',
    async handle(ctx) {
      const p = program(ctx)
      const row = await resolvePartner(ctx.db, p, ctx.params.id as string)
      const values = { type: field(ctx.form, 'type'), value: field(ctx.form, 'value'), period: field(ctx.form, 'period') }
      try {
        const input = check<PartnerCommissionInput>(compileInput(PartnerCommissionInput), {
          type: values.type, value: values.value, ...(values.period ? { period: values.period } : {}),
        })
        const view = await setPartnerCommission(ctx.db, p, row.public_id, input, ctx.origin)
        await audit(ctx, 'partner.commission_set', row.public_id, { type: view.type, value: view.value, period: view.period })
        return { redirect: `${partnerPath(row.public_id)}?notice=commission-set` }
      } catch (err) {
        const refused = refusal(err, 'invalid', 'refused')
        return PartnerPage({ ctx, row, forms: { commission: { errors: formErrors(refused, ['type', 'value', 'period'], 'value'), values } }, status: 422 })
      }
    },
  })

  adminPage(app, deps, {
    method: 'POST', path: '/partners/:id/commission/remove', access: 'user',
    async handle(ctx) {
      const p = program(ctx)
      const row = await resolvePartner(ctx.db, p, ctx.params.id as string)
      await setPartnerCommission(ctx.db, p, row.public_id, null, ctx.origin)
      await audit(ctx, 'partner.commission_removed', row.public_id)
      return { redirect: `${partnerPath(row.public_id)}?notice=commission-removed` }
    },
  })

  adminPage(app, deps, {
    method: 'POST', path: '/partners/:id/bonus', access: 'user',
    async handle(ctx) {
      const p = program(ctx)
      const row = await resolvePartner(ctx.db, p, ctx.params.id as string)
      const values = { amount: field(ctx.form, 'amount'), description: field(ctx.form, 'description') }
      try {
        const input = check<{ amount: string; description?: string }>(compileInput(BonusInput), {
          amount: values.amount, ...(values.description ? { description: values.description } : {}),
        })
        const reward = await grantBonus(ctx.db, p, row.public_id, input)
        await audit(ctx, 'partner.bonus_granted', row.public_id, { reward: reward.id, amount: reward.amount, currency: reward.amount_units ?? p.currency })
        return { redirect: `${partnerPath(row.public_id)}?notice=bonus-granted` }
      } catch (err) {
        const refused = refusal(err, 'invalid', 'refused')
        return PartnerPage({ ctx, row, forms: { bonus: { errors: formErrors(refused, ['amount', 'description'], 'amount'), values } }, status: 422 })
      }
    },
  })

  // The merchant sees what the partner sees: a one-use portal sign-in link, minted as the API's
  // POST /v1/partners:sign-in-url mints it, and the browser sent there.
  adminPage(app, deps, {
    method: 'POST', path: '/partners/:id/impersonate', access: 'user',
    async handle(ctx) {
      const p = program(ctx)
      const row = await resolvePartner(ctx.db, p, ctx.params.id as string)
      const { url } = await mintSignInUrl(ctx.db, p, { id: row.public_id }, IMPERSONATION_TTL, ctx.origin)
      await audit(ctx, 'partner.impersonated', row.public_id)
      return { redirect: url }
    },
  })
}
