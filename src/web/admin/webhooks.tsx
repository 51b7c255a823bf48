// Webhooks: the program's subscriptions (GET /v1/webhooks), made, changed, switched off and on and
// deleted through the API's own service and checks, and one subscription's delivery log with a
// redelivery (same webhook-id, same signed body) and a test event (one of the subscription's own
// events with `{"test": true}` as its data, as POST /v1/webhooks/{key}/test sends it).
import type { FastifyInstance } from 'fastify'
import type { FieldErrors } from '../../domain-errors.js'
import { check, compileInput } from '../../http/validation.js'
import { may } from '../../modules/users/roles.js'
import { record } from '../../modules/users/audit.js'
import { WEBHOOK_EVENTS } from '../../modules/webhooks/events.js'
import { webhookView } from '../../modules/webhooks/representation.js'
import { NewWebhookInput, UpdateWebhookInput } from '../../modules/webhooks/schemas.js'
import {
  changeSubscription, createSubscription, listWebhookDeliveries, listWebhooks, redeliver, removeSubscription, requireSubscription, sendTestEvent,
  type WebhookSettings,
} from '../../modules/webhooks/service.js'
import { Check, Field, Form, Select, Submit } from '../layout/form.js'
import { date } from '../layout/format.js'
import { PostButton } from '../layout/post-button.js'
import { Pager, pageNumber, Table } from '../layout/table.js'
import { Frame } from './frame.js'
import { adminPage, field, fields, refusal, type AdminContext, type AdminDeps } from './route.js'

const PAGE = 25

/** A subscription's one-click changes: the shared list the security test walks. */
export const WEBHOOK_SWITCHES = [
  { path: 'activate', active: true, action: 'webhook.activated', notice: 'webhook-on' },
  { path: 'deactivate', active: false, action: 'webhook.deactivated', notice: 'webhook-off' },
] as const

type Posted = { name?: string; url?: string; key?: string; events?: string[]; is_active?: boolean }

const when = (iso: string | null) => (iso ? `${date(iso)} ${iso.slice(11, 19)} UTC` : '—')

function WebhookForm({ ctx, action, posted, errors, isNew }: { ctx: AdminContext; action: string; posted: Posted; errors?: FieldErrors; isNew: boolean }) {
  const chosen = new Set(posted.events ?? [])
  const eventErrors = Object.entries(errors ?? {}).filter(([k]) => k === 'events' || k.startsWith('events.')).flatMap(([, v]) => v)
  return (
    <Form action={action} csrf={ctx.session!.csrf} label={isNew ? 'New webhook' : 'Edit webhook'}>
      <Field name="name" label="Name" required maxlength={255} value={posted.name} errors={errors} />
      <Field name="url" label="URL that receives the events" type="url" required maxlength={2048} value={posted.url} errors={errors} />
      {isNew && <Field name="key" label="Key (optional)" hint="Letters, digits, _ and -; made for you when empty." value={posted.key} errors={errors} />}
      <fieldset aria-describedby={eventErrors.length ? 'events-error' : undefined}>
        <legend>Events</legend>
        {WEBHOOK_EVENTS[ctx.session!.program.type].map((e) => (
          <label class="check" key={e}><input type="checkbox" name="events" value={e} checked={chosen.has(e)} />{e}</label>
        ))}
        {eventErrors.length > 0 && <p class="field-error" id="events-error">{eventErrors.join(' ')}</p>}
      </fieldset>
      <label class="check"><input type="checkbox" name="is_active" value="on" checked={posted.is_active !== false} />Active</label>
      <Submit>{isNew ? 'Create webhook' : 'Save webhook'}</Submit>
    </Form>
  )
}

async function WebhooksPage({ ctx, posted, errors }: { ctx: AdminContext; posted?: Posted; errors?: FieldErrors }) {
  const page = pageNumber(ctx.query.page)
  const rows = await listWebhooks(ctx.db, ctx.session!.program, { offset: (page - 1) * PAGE, fetch: PAGE + 1 })
  const canChange = may(ctx.session!.role, 'change')
  return (
    <Frame ctx={ctx} title="Webhooks" section="webhooks" notice={errors ? { kind: 'error', text: 'The webhook was not created: see the messages below.' } : undefined}>
      <h1>Webhooks</h1>
      <Table
        caption="Webhooks, newest first" rows={rows.slice(0, PAGE)} rowKey={(w) => w.key}
        empty="No webhooks yet."
        columns={[
          { label: 'Name', cell: (w) => <a href={`/admin/webhooks/${encodeURIComponent(w.key)}`}>{w.name}</a> },
          { label: 'URL', cell: (w) => w.url },
          { label: 'Events', cell: (w) => w.events.join(', ') },
          { label: 'State', cell: (w) => (w.is_active ? 'On' : `Off${w.disabled_reason ? `: ${w.disabled_reason}` : ''}`) },
        ]}
      />
      <Pager page={page} hasMore={rows.length > PAGE} href={(n) => `/admin/webhooks?page=${n}`} />
      {canChange && (
        <section class="card" aria-labelledby="new">
          <h2 id="new">New webhook</h2>
          <WebhookForm ctx={ctx} action="/admin/webhooks" posted={posted ?? {}} errors={errors} isNew />
        </section>
      )}
    </Frame>
  )
}

async function WebhookPage({ ctx, key, posted, errors, failed, confirmError, status = 200 }: { ctx: AdminContext; key: string; posted?: Posted; errors?: FieldErrors; failed?: string; confirmError?: string; status?: number }) {
  const sub = await requireSubscription(ctx.db, ctx.session!.program, key)
  const w = webhookView(sub)
  const page = pageNumber(ctx.query.page)
  const deliveries = await listWebhookDeliveries(ctx.db, sub, { offset: (page - 1) * PAGE, fetch: PAGE + 1 })
  const csrf = ctx.session!.csrf
  const canChange = may(ctx.session!.role, 'change')
  const base = `/admin/webhooks/${encodeURIComponent(w.key)}`
  const body = (
    <Frame ctx={ctx} title={`Webhook ${w.name}`} section="webhooks" notice={failed ? { kind: 'error', text: failed } : undefined}>
      <p><a href="/admin/webhooks">All webhooks</a></p>
      <h1>{w.name}</h1>
      <dl class="figures">
        <div><dt>Key</dt><dd>{w.key}</dd></div>
        <div><dt>URL</dt><dd>{w.url}</dd></div>
        <div><dt>State</dt><dd>{w.is_active ? 'On' : 'Off'}</dd></div>
        {w.disabled_reason && <div><dt>Switched off by delivery</dt><dd>{w.disabled_reason}</dd></div>}
        <div><dt>Events</dt><dd>{w.events.join(', ')}</dd></div>
      </dl>
      {canChange && (
        <>
          <details>
            <summary>Signing secret</summary>
            <p><code>{w.signature}</code></p>
          </details>
          <section class="card" aria-labelledby="act">
            <h2 id="act">Actions</h2>
            {w.is_active
              ? <PostButton action={`${base}/deactivate`} csrf={csrf} label="Switch off" />
              : <PostButton action={`${base}/activate`} csrf={csrf} label="Switch on" />}
            {w.is_active && (
              <Form action={`${base}/test`} csrf={csrf} label="Send a test event">
                <Select name="event" label="Test event" options={w.events.map((e) => ({ value: e, label: e }))} errors={errors} />
                <Submit>Send a test event</Submit>
              </Form>
            )}
            <Form action={`${base}/delete`} csrf={csrf} label="Delete webhook">
              <Check name="confirm" required label="Yes, delete this webhook and its delivery log" />
              {confirmError && <p class="field-error">{confirmError}</p>}
              <Submit>Delete webhook</Submit>
            </Form>
          </section>
          <section class="card" aria-labelledby="edit">
            <h2 id="edit">Edit</h2>
            <WebhookForm ctx={ctx} action={base} isNew={false} errors={errors}
              posted={posted ?? { name: w.name, url: w.url, events: w.events, is_active: w.is_active }} />
          </section>
        </>
      )}
      <h2>Deliveries</h2>
      <Table
        caption="Deliveries, newest first" rows={deliveries.slice(0, PAGE)} rowKey={(d) => d.id}
        empty="Nothing delivered yet."
        columns={[
          { label: 'Event', cell: (d) => d.event },
          { label: 'Made', cell: (d) => when(d.created_at) },
          { label: 'Status', cell: (d) => <span class="state">{d.status}</span> },
          { label: 'Attempts', num: true, cell: (d) => String(d.attempts) },
          { label: 'Last attempt', cell: (d) => when(d.last_attempt_at) },
          { label: 'Answer', cell: (d) => `${d.last_status_code ?? '—'}${d.last_error ? ` ${d.last_error.slice(0, 200)}` : ''}` },
          { label: 'Id', cell: (d) => <code>{d.id}</code> },
          ...(canChange && w.is_active
            ? [{ label: 'Send again', cell: (d: { id: string }) => <PostButton action={`${base}/deliveries/${encodeURIComponent(d.id)}/redeliver`} csrf={csrf} label="Redeliver" quiet /> }]
            : []),
        ]}
      />
      <Pager page={page} hasMore={deliveries.length > PAGE} href={(n) => `${base}?page=${n}`} />
    </Frame>
  )
  return status === 200 ? body : { status, page: body }
}

function postedOf(ctx: AdminContext): Posted {
  return {
    name: field(ctx.form, 'name'), url: field(ctx.form, 'url'), key: field(ctx.form, 'key'),
    events: fields(ctx.form, 'events'), is_active: field(ctx.form, 'is_active') === 'on',
  }
}

/** The posted fields as the API takes them: empty text is left out, so the API's own rule names it. */
function inputOf(posted: Posted): Record<string, unknown> {
  return {
    ...(posted.name ? { name: posted.name } : {}), ...(posted.url ? { url: posted.url } : {}),
    ...(posted.key ? { key: posted.key } : {}), events: posted.events ?? [], is_active: posted.is_active,
  }
}

export function webhookPages(app: FastifyInstance, deps: AdminDeps) {
  const settings: WebhookSettings = deps.webhooks ?? { allowPrivateUrls: false }
  const who = (ctx: AdminContext) => ({ programId: ctx.session!.program.id, userId: ctx.session!.user.id })
  const keyOf = (ctx: AdminContext) => ctx.params.key as string
  const back = (key: string, notice: string) => ({ redirect: `/admin/webhooks/${encodeURIComponent(key)}?notice=${notice}` })

  adminPage(app, deps, { method: 'GET', path: '/webhooks', access: 'user', handle: (ctx) => WebhooksPage({ ctx }) })

  adminPage(app, deps, {
    method: 'POST', path: '/webhooks', access: 'user', oneTransaction: false,
    async handle(ctx) {
      const posted = postedOf(ctx)
      let key: string
      try {
        const input = check<NewWebhookInput>(compileInput(NewWebhookInput), inputOf(posted))
        key = (await createSubscription(ctx.db, ctx.session!.program, input, settings)).key
      } catch (err) {
        const e = refusal(err, 'invalid')
        return { status: 422, page: await WebhooksPage({ ctx, posted, errors: e.errors ?? {} }) }
      }
      await record(ctx.db, { ...who(ctx), action: 'webhook.created', objectType: 'webhook', objectId: key, detail: { name: posted.name, url: posted.url, events: posted.events } })
      return back(key, 'webhook-created')
    },
  })

  adminPage(app, deps, { method: 'GET', path: '/webhooks/:key', access: 'user', handle: (ctx) => WebhookPage({ ctx, key: keyOf(ctx) }) })

  adminPage(app, deps, {
    method: 'POST', path: '/webhooks/:key', access: 'user', oneTransaction: false,
    async handle(ctx) {
      const key = keyOf(ctx)
      const posted = postedOf(ctx)
      try {
        const { key: _ignored, ...changes } = inputOf(posted)
        const input = check<UpdateWebhookInput>(compileInput(UpdateWebhookInput), { name: '', url: '', ...changes })
        await changeSubscription(ctx.db, ctx.session!.program, key, input, settings)
      } catch (err) {
        const e = refusal(err, 'invalid')
        return WebhookPage({ ctx, key, posted, errors: e.errors ?? {}, failed: 'The webhook was not saved: see the messages below.', status: 422 })
      }
      await record(ctx.db, { ...who(ctx), action: 'webhook.updated', objectType: 'webhook', objectId: key, detail: { name: posted.name, url: posted.url, events: posted.events, is_active: posted.is_active } })
      return back(key, 'webhook-saved')
    },
  })

  for (const s of WEBHOOK_SWITCHES) {
    adminPage(app, deps, {
      method: 'POST', path: `/webhooks/:key/${s.path}`, access: 'user',
      async handle(ctx) {
        const key = keyOf(ctx)
        await changeSubscription(ctx.db, ctx.session!.program, key, { is_active: s.active }, settings)
        await record(ctx.db, { ...who(ctx), action: s.action, objectType: 'webhook', objectId: key })
        return back(key, s.notice)
      },
    })
  }

  adminPage(app, deps, {
    method: 'POST', path: '/webhooks/:key/delete', access: 'user',
    async handle(ctx) {
      const key = keyOf(ctx)
      // Deleting drops the delivery log too: the form's box must be ticked (no script needed to ask).
      if (field(ctx.form, 'confirm') !== 'on') {
        const text = 'Tick the box to confirm the deletion.'
        return WebhookPage({ ctx, key, failed: text, confirmError: text, status: 422 })
      }
      await removeSubscription(ctx.db, ctx.session!.program, key)
      await record(ctx.db, { ...who(ctx), action: 'webhook.deleted', objectType: 'webhook', objectId: key })
      return { redirect: '/admin/webhooks?notice=webhook-deleted' }
    },
  })

  adminPage(app, deps, {
    method: 'POST', path: '/webhooks/:key/deliveries/:id/redeliver', access: 'user',
    async handle(ctx) {
      const key = keyOf(ctx)
      try {
        await redeliver(ctx.db, ctx.session!.program, key, ctx.params.id as string)
      } catch (err) {
        const e = refusal(err, 'refused')
        return WebhookPage({ ctx, key, failed: e.message, status: 400 })
      }
      await record(ctx.db, { ...who(ctx), action: 'webhook.redelivered', objectType: 'webhook', objectId: key, detail: { delivery: ctx.params.id } })
      return back(key, 'webhook-redelivered')
    },
  })

  adminPage(app, deps, {
    method: 'POST', path: '/webhooks/:key/test', access: 'user',
    async handle(ctx) {
      const key = keyOf(ctx)
      const event = field(ctx.form, 'event')
      let delivery: string
      try {
        delivery = (await sendTestEvent(ctx.db, ctx.session!.program, key, event === '' ? undefined : event)).webhook_id
      } catch (err) {
        const e = refusal(err, 'refused', 'invalid')
        return WebhookPage({ ctx, key, errors: e.errors, failed: e.message, status: e.kind === 'invalid' ? 422 : 400 })
      }
      await record(ctx.db, { ...who(ctx), action: 'webhook.tested', objectType: 'webhook', objectId: key, detail: { event, delivery } })
      return back(key, 'webhook-tested')
    },
  })
}
