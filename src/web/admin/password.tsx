// A forgotten admin password: a one-time link by mail (the same answer, whether or not the address
// is a user's), then a new password, which ends every session the user had and signs it in here.
// The link works once, for an hour; used, replaced or run out, its page says so (410).
import type { FastifyInstance } from 'fastify'
import type { FieldErrors } from '../../domain-errors.js'
import { mailAdminPasswordReset } from '../../mail/account.js'
import { resetLinkFor } from '../../modules/users/password.js'
import { checkLink, choosePassword, PASSWORD_RULE } from '../../modules/users/sign-in.js'
import { Field, Form, Submit } from '../layout/form.js'
import { Frame } from './frame.js'
import { startSession } from './session.js'
import { adminPage, field, refusal, type AdminContext, type AdminDeps, type Form as Posted } from './route.js'

// Per address: a few mails an hour is all a person needs, and all a stranger may send to one inbox.
// Per client address: enough for an office behind one address, too few to probe many.
const ASKS = { perAddress: 5, perIp: 20, windowSeconds: 3600 }
// Choosing the password: a link is guessed by nobody, but each try costs a password hash.
const CHOICES = { perIp: 50, windowSeconds: 15 * 60 }

/** The new password twice, as the reset page and the account page ask for it. */
export function NewPasswordFields({ errors }: { errors?: FieldErrors }) {
  return (
    <>
      <Field name="password" label="New password" type="password" autocomplete="new-password" required minlength={8} hint={PASSWORD_RULE} errors={errors} />
      <Field name="repeat" label="New password again" type="password" autocomplete="new-password" required minlength={8} errors={errors} />
    </>
  )
}

/** The refusal of a posted pair that differs, before any service sees it. */
export function mismatch(form: Posted): FieldErrors | undefined {
  return field(form, 'password') === field(form, 'repeat') ? undefined : { repeat: ['The two passwords are not the same.'] }
}

function ForgotPage({ ctx }: { ctx: AdminContext }) {
  return (
    <Frame ctx={ctx} title="Forgot your password" narrow>
      <h1>Forgot your password?</h1>
      <p>Give the address you sign in with: we mail it a link to choose a new password. The link works once, for an hour.</p>
      <Form action="/admin/password/forgot" label="Ask for a link to choose a new password">
        <Field name="email" label="Email" type="email" autocomplete="email" required maxlength={255} />
        <Submit>Email me a link</Submit>
      </Form>
      <p><a href="/admin/sign-in">Back to signing in</a></p>
    </Frame>
  )
}

function ResetPage({ ctx, errors }: { ctx: AdminContext; errors?: FieldErrors }) {
  return (
    <Frame ctx={ctx} title="Choose a new password" narrow notice={errors ? { kind: 'error', text: 'The password is not saved: see the messages below.' } : undefined}>
      <h1>Choose a new password</h1>
      <p>Saving it signs you in here and out everywhere else.</p>
      <Form action={`/admin/password/${encodeURIComponent(ctx.params.token ?? '')}`} label="Choose a new password">
        <NewPasswordFields errors={errors} />
        <Submit>Save and sign in</Submit>
      </Form>
    </Frame>
  )
}

function LinkGonePage({ ctx, message }: { ctx: AdminContext; message: string }) {
  return (
    <Frame ctx={ctx} title="This link no longer works" narrow>
      <h1>This link no longer works</h1>
      <p>{message}</p>
      <p><a href="/admin/password/forgot">Ask for a new link</a></p>
    </Frame>
  )
}

/** A link that is not (or no longer) one to use, as its page: 410 once it worked, 404 when it never did. */
function linkRefused(ctx: AdminContext, err: unknown) {
  const e = refusal(err, 'gone', 'not_found')
  return { status: e.kind === 'gone' ? 410 : 404, page: <LinkGonePage ctx={ctx} message={e.message} /> }
}

export function passwordPages(app: FastifyInstance, deps: AdminDeps) {
  const perIp = deps.limits.perIp('admin-password-reset', ASKS.perIp, ASKS.windowSeconds)
  const perAddress = deps.limits.perSubject('admin-password-reset-address', ASKS.perAddress, ASKS.windowSeconds)
  const choicesPerIp = deps.limits.perIp('admin-password-choose', CHOICES.perIp, CHOICES.windowSeconds)

  adminPage(app, deps, { method: 'GET', path: '/password/forgot', access: 'guest', handle: async (ctx) => <ForgotPage ctx={ctx} /> })

  adminPage(app, deps, {
    method: 'POST', path: '/password/forgot', access: 'guest',
    async handle(ctx) {
      const email = field(ctx.form, 'email')
      await perIp(ctx.request, ctx.reply)
      await perAddress(ctx.request, ctx.reply, email)
      const reset = await resetLinkFor(ctx.db, email)
      if (reset) {
        const url = `${ctx.origin}/admin/password/${reset.token}`
        await mailAdminPasswordReset(ctx.db, { to: reset.user.email, programNames: reset.programs.map((p) => p.name), url, validMs: reset.validMs })
      }
      // Known or not, the same answer: the page tells nobody whose address it is.
      return { redirect: '/admin/sign-in?notice=reset-sent' }
    },
  })

  adminPage(app, deps, {
    method: 'GET', path: '/password/:token', access: 'open',
    async handle(ctx) {
      try {
        await checkLink(ctx.db, 'reset', ctx.params.token as string)
      } catch (err) {
        return linkRefused(ctx, err)
      }
      return <ResetPage ctx={ctx} />
    },
  })

  adminPage(app, deps, {
    method: 'POST', path: '/password/:token', access: 'open',
    async handle(ctx) {
      await choicesPerIp(ctx.request, ctx.reply)
      const differ = mismatch(ctx.form)
      if (differ) return { status: 422, page: <ResetPage ctx={ctx} errors={differ} /> }
      try {
        const { user, programId } = await choosePassword(ctx.db, ctx.params.token as string, field(ctx.form, 'password'))
        await startSession(ctx, user.id, programId)
        return { redirect: '/admin?notice=password-chosen' }
      } catch (err) {
        const e = refusal(err, 'invalid', 'gone', 'not_found')
        if (e.kind === 'invalid') return { status: 422, page: <ResetPage ctx={ctx} errors={e.errors} /> }
        return linkRefused(ctx, e)
      }
    },
  })
}
