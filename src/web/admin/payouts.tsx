// Payouts: the program's payout requests by status, one request with its statement and the
// merchant's decisions on it (the API's POST /v1/payout_requests/{id}/{action}), the mass-pay
// files and statements as downloads, and the automatic payout settings (PUT /v1/program's
// program_settings). Every change goes through the API's own service, then into the audit log.
import type { FastifyInstance } from 'fastify'
import type { Static } from 'typebox'
import { check, compileInput } from '../../http/validation.js'
import type { FieldErrors } from '../../domain-errors.js'
import { parseAmount } from '../../money/parse.js'
import { actOnPayout, listPayouts, payoutNumber, requireAffiliatePayouts } from '../../modules/payouts/service.js'
import { exportPayouts, payoutStatement, payoutStatementCsv } from '../../modules/payouts/statement.js'
import { ExportInput, ReasonInput } from '../../modules/payouts/schemas.js'
import { PAYOUT_REQUEST_STATUSES, TRANSITIONS, type PayoutAction } from '../../modules/payouts/status.js'
import type { PayoutView } from '../../modules/payouts/representation.js'
import { payoutRules } from '../../modules/programs/payout-settings.js'
import type { Program } from '../../modules/programs/service.js'
import { record } from '../../modules/users/audit.js'
import { may } from '../../modules/users/roles.js'
import { decimalText } from '../../money/micros.js'
import type { PayoutRequestStatus } from '../../store/schema.js'
import { Check, Field, Form, Select, Submit } from '../layout/form.js'
import { date, money } from '../layout/format.js'
import { PostButton } from '../layout/post-button.js'
import { Pager, pageNumber, Table } from '../layout/table.js'
import type { Notice } from '../layout/shell.js'
import { Frame } from './frame.js'
import { saveProgramChanges } from './program-changes.js'
import { adminPage, field, refusal, type AdminContext, type AdminDeps } from './route.js'

const PAGE = 25

export const STATUS_LABELS: Record<PayoutRequestStatus, string> = {
  requested: 'Requested', approved: 'Approved', finished: 'Paid', rejected: 'Rejected',
  resubmit_requested: 'Sent back', resubmitted: 'Resubmitted',
}

/** The merchant's actions on one request, as the admin posts them: the shared list the security test walks. */
export const PAYOUT_ACTIONS: ReadonlyArray<{ path: string; action: PayoutAction; label: string; notice: string; reason?: 'optional' | 'required' }> = [
  { path: 'approve', action: 'approve', label: 'Approve', notice: 'payout-approved' },
  { path: 'reject', action: 'reject', label: 'Reject', notice: 'payout-rejected', reason: 'optional' },
  { path: 'request-resubmit', action: 'request_resubmit', label: 'Ask to resubmit', notice: 'payout-resubmit-requested', reason: 'required' },
  { path: 'mark-paid', action: 'mark_as_paid', label: 'Mark as paid', notice: 'payout-paid' },
]

const amountOf = (p: PayoutView) => money(exact(p.amount), p.amount_units)
function exact(amount: number): bigint {
  const parsed = parseAmount(amount)
  return 'micros' in parsed ? parsed.micros : 0n
}

function statusOf(raw: string | undefined): PayoutRequestStatus | undefined {
  return PAYOUT_REQUEST_STATUSES.find((s) => s === raw)
}

function program(ctx: AdminContext): Program {
  return requireAffiliatePayouts(ctx.session!.program)
}

async function PayoutsPage({ ctx, settingsErrors, posted }: { ctx: AdminContext; settingsErrors?: FieldErrors; posted?: Record<string, string> }) {
  const p = program(ctx)
  const status = statusOf(ctx.query.status)
  const page = pageNumber(ctx.query.page)
  const rows = await listPayouts(ctx.db, p, { sort: 'desc', offset: (page - 1) * PAGE, fetch: PAGE + 1, status })
  const shown = rows.slice(0, PAGE)
  const rules = payoutRules(p)
  const s = p.settings.program
  const value = (name: string, current: unknown) => posted?.[name] ?? (current === null || current === undefined ? '' : String(current))
  const href = (to: { status?: string; page?: number }) => {
    const q = new URLSearchParams()
    if (to.status) q.set('status', to.status)
    if (to.page && to.page > 1) q.set('page', String(to.page))
    const text = q.toString()
    return `/admin/payouts${text ? `?${text}` : ''}`
  }
  const csrf = ctx.session!.csrf
  return (
    <Frame ctx={ctx} title="Payouts" section="payouts" notice={settingsErrors ? { kind: 'error', text: 'The payout settings were not saved: see the messages below.' } : undefined}>
      <h1>Payouts</h1>
      <nav aria-label="Payout request status">
        <p class="link-row">
          <a href={href({})} aria-current={status === undefined ? 'page' : undefined}>All</a>
          {PAYOUT_REQUEST_STATUSES.map((st) => (
            <a key={st} href={href({ status: st })} aria-current={status === st ? 'page' : undefined}>{STATUS_LABELS[st]}</a>
          ))}
        </p>
      </nav>
      <Table
        caption={`Payout requests${status ? `, ${STATUS_LABELS[status].toLowerCase()}` : ''}, newest first`}
        rows={shown} rowKey={(r) => r.id}
        empty={status ? `No ${STATUS_LABELS[status].toLowerCase()} payout requests.` : 'No payout requests yet.'}
        columns={[
          { label: 'Request', cell: (r) => <a href={`/admin/payouts/${r.id}`}>{`#${r.id}`}</a> },
          { label: 'Partner', cell: (r) => (r.partner ? `${r.partner.name || r.partner.email}${r.partner.name ? ` (${r.partner.email})` : ''}` : '—') },
          { label: 'Amount', num: true, cell: amountOf },
          { label: 'Method', cell: (r) => r.gateway ?? '—' },
          { label: 'Status', cell: (r) => <span class="state">{STATUS_LABELS[r.status]}</span> },
          { label: 'Requested', cell: (r) => date(r.created_at) },
        ]}
      />
      <Pager page={page} hasMore={rows.length > PAGE} href={(n) => href({ status, page: n })} />

      <section class="card" aria-labelledby="files">
        <h2 id="files">Mass payout files</h2>
        <form method="get" action="/admin/payouts/export" aria-label="Download a mass payout file">
          <Select name="status" label="Requests in status" value="approved"
            options={PAYOUT_REQUEST_STATUSES.map((st) => ({ value: st, label: STATUS_LABELS[st] }))} />
          <Select name="format" label="File" value="paypal"
            options={[{ value: 'paypal', label: 'PayPal Payouts (PayPal and Venmo)' }, { value: 'wise', label: 'Wise batch' }, { value: 'csv', label: 'CSV (every method)' }]} />
          <Submit>Download</Submit>
        </form>
      </section>

      {may(ctx.session!.role, 'change') && (
      <section class="card" aria-labelledby="automation">
        <h2 id="automation">Payout settings</h2>
        <Form action="/admin/payouts/settings" csrf={csrf} label="Payout settings">
          <Field name="payout_threshold" label={`Payout threshold (${p.currency})`} inputmode="decimal" errors={settingsErrors}
            value={value('payout_threshold', decimalText(rules.threshold))} />
          <Field name="payout_referred_customers_threshold" label="Paying referred customers a partner needs" type="number" errors={settingsErrors}
            value={value('payout_referred_customers_threshold', s.payout_referred_customers_threshold)} />
          <Check name="payout_automation_enabled" label="Make payout requests automatically"
            checked={posted ? posted.payout_automation_enabled === 'on' : s.payout_automation_enabled} />
          <Select name="payout_automation_schedule" label="Schedule (UTC)" errors={settingsErrors}
            value={value('payout_automation_schedule', s.payout_automation_schedule)}
            options={[{ value: '', label: 'Not set' }, { value: 'daily', label: 'Daily' }, { value: 'weekly', label: 'Weekly (Mondays)' }, { value: 'monthly', label: 'Monthly (the 1st)' }]} />
          <Field name="payout_automation_min" label={`Smallest automatic payout (${p.currency})`} inputmode="decimal" errors={settingsErrors}
            value={value('payout_automation_min', decimalText(rules.automation.min))} />
          <Field name="payout_automation_max" label={`Largest automatic payout (${p.currency})`} inputmode="decimal" errors={settingsErrors}
            hint="Empty keeps the current value (no limit unless one was set)."
            value={value('payout_automation_max', rules.automation.max === null ? '' : decimalText(rules.automation.max))} />
          <Submit>Save payout settings</Submit>
        </Form>
      </section>
      )}
    </Frame>
  )
}

async function PayoutPage({ ctx, number, errors, failed, status = 200 }: { ctx: AdminContext; number: number; errors?: FieldErrors; failed?: string; status?: number }) {
  const statement = await payoutStatement(ctx.db, program(ctx), number)
  const r = statement.payout_request
  const csrf = ctx.session!.csrf
  const notice: Notice | undefined = failed ? { kind: 'error', text: failed } : undefined
  // What this request's status allows, and only for a role that may change things.
  const actions = may(ctx.session!.role, 'change') ? PAYOUT_ACTIONS.filter((a) => TRANSITIONS[a.action].from.includes(r.status)) : []
  const body = (
    <Frame ctx={ctx} title={`Payout request ${r.id}`} section="payouts" notice={notice}>
      <p><a href="/admin/payouts">All payout requests</a></p>
      <h1>{`Payout request #${r.id}`}</h1>
      <dl class="figures">
        <div><dt>Partner</dt><dd>{r.partner ? `${r.partner.name || r.partner.email} (${r.partner.email})` : '—'}</dd></div>
        <div><dt>Amount</dt><dd>{amountOf(r)}</dd></div>
        <div><dt>Method</dt><dd>{r.gateway ?? '—'}{Object.entries(r.payout_settings).map(([k, v]) => ` · ${k}: ${v}`).join('')}</dd></div>
        <div><dt>Status</dt><dd><span class="state">{STATUS_LABELS[r.status]}</span></dd></div>
        <div><dt>Requested</dt><dd>{date(r.created_at)}</dd></div>
        {r.approved_at && <div><dt>Approved</dt><dd>{date(r.approved_at)}</dd></div>}
        {r.paid_at && <div><dt>Paid</dt><dd>{date(r.paid_at)}</dd></div>}
        {r.reason && <div><dt>Reason</dt><dd>{r.reason}</dd></div>}
      </dl>
      {actions.length > 0 && (
      <section class="card" aria-labelledby="decide">
        <h2 id="decide">Actions</h2>
        {actions.map((a) => (a.reason
          ? (
            <Form key={a.path} action={`/admin/payouts/${r.id}/${a.path}`} csrf={csrf} label={a.label}>
              <Field name="reason" id={`reason-${a.path}`} label={a.reason === 'required' ? 'What the partner should change' : 'Reason (optional)'}
                required={a.reason === 'required'} maxlength={1000} errors={errors ? { reason: errors.reason ?? [] } : undefined} />
              <Submit>{a.label}</Submit>
            </Form>
          )
          : <PostButton key={a.path} action={`/admin/payouts/${r.id}/${a.path}`} csrf={csrf} label={a.label} />))}
      </section>
      )}
      <h2>Statement</h2>
      <p><a href={`/admin/payouts/${r.id}/statement.csv`} download>{`Statement ${r.id} (CSV)`}</a></p>
      <Table
        caption={`What payout request ${r.id} covers`} rows={statement.lines} rowKey={(l) => l.reward_id}
        empty="This request covers no lines."
        columns={[
          { label: 'Reward', cell: (l) => String(l.reward_id) },
          { label: 'Type', cell: (l) => l.type },
          { label: 'Transaction', cell: (l) => l.transaction ?? '—' },
          { label: 'Customer', cell: (l) => l.customer ?? '—' },
          { label: 'Description', cell: (l) => l.description ?? '' },
          { label: 'Earned', cell: (l) => date(l.earned_at) },
          { label: 'Amount', num: true, cell: (l) => money(exact(l.amount), l.amount_units) },
        ]}
      />
    </Frame>
  )
  return status === 200 ? body : { status, page: body }
}

function attachment(ctx: AdminContext, filename: string, body: string) {
  ctx.reply.code(200).headers({
    'content-type': 'text/csv; charset=utf-8',
    'content-disposition': `attachment; filename="${filename}"`,
    'x-content-type-options': 'nosniff',
    'cache-control': 'no-store',
  })
  ctx.reply.send(body)
}

const SETTINGS_FIELDS = ['payout_threshold', 'payout_referred_customers_threshold', 'payout_automation_schedule', 'payout_automation_min', 'payout_automation_max'] as const

export function payoutPages(app: FastifyInstance, deps: AdminDeps) {
  adminPage(app, deps, { method: 'GET', path: '/payouts', access: 'user', handle: (ctx) => PayoutsPage({ ctx }) })

  // The mass-payout file, as GET /v1/payout_requests:export answers it.
  adminPage(app, deps, {
    method: 'GET', path: '/payouts/export', access: 'user',
    async handle(ctx) {
      const input = check<Static<typeof ExportInput>>(compileInput(ExportInput), {
        ...(ctx.query.status ? { status: ctx.query.status } : {}), ...(ctx.query.format ? { format: ctx.query.format } : {}),
        ...(ctx.query.amount_units ? { amount_units: ctx.query.amount_units } : {}),
      })
      const status = input.status ?? 'approved'
      const format = input.format ?? 'csv'
      const file = await exportPayouts(ctx.db, program(ctx), { status, format, currency: input.amount_units?.toUpperCase() })
      attachment(ctx, `payouts-${status}-${format}.csv`, file)
    },
  })

  adminPage(app, deps, {
    method: 'POST', path: '/payouts/settings', access: 'user',
    async handle(ctx) {
      // Refuses a program without payouts before anything is read.
      program(ctx)
      const posted: Record<string, string> = { payout_automation_enabled: field(ctx.form, 'payout_automation_enabled') }
      const settings: Record<string, unknown> = { payout_automation_enabled: posted.payout_automation_enabled === 'on' }
      for (const name of SETTINGS_FIELDS) {
        posted[name] = field(ctx.form, name)
        // Empty leaves the setting as it is (the API cannot clear these either).
        if (posted[name] !== '') settings[name] = posted[name]
      }
      const errors = await saveProgramChanges(ctx, { program_settings: settings }, 'program.payout_settings_updated')
      if (errors) return { status: 422, page: await PayoutsPage({ ctx, settingsErrors: errors, posted }) }
      return { redirect: '/admin/payouts?notice=payout-settings-saved' }
    },
  })

  adminPage(app, deps, {
    method: 'GET', path: '/payouts/:number', access: 'user',
    handle: (ctx) => PayoutPage({ ctx, number: payoutNumber(ctx.params.number as string) }),
  })

  adminPage(app, deps, {
    method: 'GET', path: '/payouts/:number/statement.csv', access: 'user',
    async handle(ctx) {
      const number = payoutNumber(ctx.params.number as string)
      attachment(ctx, `payout-${number}-statement.csv`, await payoutStatementCsv(ctx.db, program(ctx), number))
    },
  })

  for (const a of PAYOUT_ACTIONS) {
    adminPage(app, deps, {
      method: 'POST', path: `/payouts/:number/${a.path}`, access: 'user',
      async handle(ctx) {
        const p = program(ctx)
        const number = payoutNumber(ctx.params.number as string)
        const given = field(ctx.form, 'reason')
        let view: PayoutView
        try {
          const { reason } = check<Static<typeof ReasonInput>>(compileInput(ReasonInput), a.reason && given !== '' ? { reason: given } : {})
          view = await actOnPayout(ctx.db, p, number, a.action, { reason })
        } catch (err) {
          const e = refusal(err, 'invalid', 'refused')
          return PayoutPage({ ctx, number, errors: e.errors, failed: e.message, status: e.kind === 'invalid' ? 422 : 400 })
        }
        await record(ctx.db, {
          programId: p.id, userId: ctx.session!.user.id, action: TRANSITIONS[a.action].event, objectType: 'payout_request', objectId: view.id,
          detail: { status: view.status, ...(a.reason && given !== '' ? { reason: given } : {}) },
        })
        return { redirect: `/admin/payouts/${view.id}?notice=${a.notice}` }
      },
    })
  }
}
