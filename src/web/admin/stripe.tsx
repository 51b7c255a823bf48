// Stripe: the address to give Stripe as the webhook endpoint, and the endpoint's signing secret
// and dispute handling (the same service as PUT /v1/integrations/stripe). The secret is never shown.
import type { FastifyInstance } from 'fastify'
import { configureStripe, stripeSettingsOf } from '../../modules/integrations/stripe/service.js'
import { record } from '../../modules/users/audit.js'
import type { FieldErrors } from '../../domain-errors.js'
import { Check, Field } from '../layout/form.js'
import { date } from '../layout/format.js'
import { Frame } from './frame.js'
import { adminPage, field, refusal, type AdminContext, type AdminDeps } from './route.js'
import { SaveButton, SettingsForm, SettingsNav } from './settings-nav.js'

async function StripePage({ ctx, errors, failed }: { ctx: AdminContext; errors?: FieldErrors; failed?: string }) {
  const p = ctx.session!.program
  const settings = p.type === 'newsletter' ? undefined : await stripeSettingsOf(ctx.db, p)
  const configured = settings !== undefined && settings.webhook_secret !== ''
  const endpoint = `${ctx.origin}/integrations/stripe/${p.publicId}/webhook`
  return (
    <Frame ctx={ctx} title="Stripe" section="settings" notice={failed ? { kind: 'error', text: failed } : undefined}>
      <SettingsNav current="stripe" session={ctx.session!} />
      <h1>Stripe</h1>
      {p.type === 'newsletter'
        ? <p>Stripe sales tracking is for affiliate and refer-a-friend programs.</p>
        : (
          <>
            <p>
              In Stripe's dashboard, add a webhook endpoint at <code id="stripe-endpoint">{endpoint}</code>{' '}
              <button type="button" class="quiet" data-copy="stripe-endpoint">Copy</button>{' '}
              for the events <code>checkout.session.completed</code>, <code>invoice.paid</code>, <code>charge.refunded</code>,{' '}
              <code>charge.dispute.created</code> and <code>charge.dispute.closed</code> (and <code>invoice_payment.paid</code> on API
              versions from 2025-03-31), then paste its signing secret here. A payment credits the partner who referred its customer,
              found by <code>metadata.customer_key</code>, <code>client_reference_id</code> or the email.
            </p>
            <p>{configured ? `Connected: events signed with the secret are accepted (set ${date(Number(settings!.updated_at))}).` : 'Not connected yet: Stripe\'s events are refused until a secret is set.'}</p>
            <SettingsForm role={ctx.session!.role} action="/admin/settings/stripe" csrf={ctx.session!.csrf} label="Stripe settings">
              <Field name="webhook_secret" label="Signing secret" type="password" autocomplete="off" errors={errors}
                hint={configured ? 'whsec_…; empty keeps the current secret.' : 'whsec_…, as Stripe shows it for the endpoint.'} />
              <Check name="reverse_on_dispute" label="An open or lost dispute takes the commission back"
                checked={ctx.request.method === 'POST' ? ctx.form.reverse_on_dispute === 'on' : settings === undefined || settings.reverse_on_dispute === 1} />
              <SaveButton role={ctx.session!.role} />
            </SettingsForm>
          </>
        )}
    </Frame>
  )
}

export function stripePages(app: FastifyInstance, deps: AdminDeps) {
  adminPage(app, deps, { method: 'GET', path: '/settings/stripe', access: 'user', handle: (ctx) => StripePage({ ctx }) })
  adminPage(app, deps, {
    method: 'POST', path: '/settings/stripe', access: 'user',
    async handle(ctx) {
      const p = ctx.session!.program
      const secret = field(ctx.form, 'webhook_secret')
      const reverseOnDispute = ctx.form.reverse_on_dispute === 'on'
      try {
        await configureStripe(ctx.db, p, { webhookSecret: secret === '' ? undefined : secret, reverseOnDispute })
      } catch (err) {
        const e = refusal(err, 'invalid', 'refused')
        return { status: e.kind === 'invalid' ? 422 : 400, page: await StripePage({ ctx, errors: e.errors, failed: e.kind === 'invalid' ? 'Nothing was saved: see the messages below.' : e.message }) }
      }
      // What changed, never the secret itself.
      await record(ctx.db, {
        programId: p.id, userId: ctx.session!.user.id, action: 'stripe.updated', objectType: 'program', objectId: p.publicId,
        detail: { secret_changed: secret !== '', reverse_on_dispute: reverseOnDispute },
      })
      return { redirect: '/admin/settings/stripe?notice=stripe-saved' }
    },
  })
}
