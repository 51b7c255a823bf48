// A forgotten password: a one-time link by email (the same answer whether or not the address is a
// partner's), then a new password, which ends every session the partner had.
import type { FastifyInstance } from 'fastify'
import { DomainError } from '../../domain-errors.js'
import { partnerByIdentity, updatePartner } from '../../modules/partners/service.js'
import { closeEverySession, LINK_MS, mintToken, redeemToken } from '../../modules/sign-in/service.js'
import { mailPasswordReset } from '../../mail/account.js'
import { Field, Form, Submit, type FieldErrors } from '../layout/form.js'
import { Frame } from './frame.js'
import { startSession } from './session.js'
import { field, portalPage, type PageContext, type PortalDeps } from './route.js'

const RULE = 'At least 8 characters, with a lower-case letter, an upper-case letter and a digit.'

function ForgotPage({ ctx }: { ctx: PageContext }) {
  return (
    <Frame ctx={ctx} title="Forgot your password" narrow>
      <h1>Choose a new password</h1>
      <p>We will email you a link to choose a new password.</p>
      <Form action={ctx.path('/forgot-password')} label="Ask for a reset link">
        <Field name="email" label="Email" type="email" autocomplete="email" required />
        <Submit>Email me a link</Submit>
      </Form>
    </Frame>
  )
}

function ResetPage({ ctx, errors, error }: { ctx: PageContext; errors?: FieldErrors; error?: string }) {
  return (
    <Frame ctx={ctx} title="New password" narrow notice={error ? { kind: 'error', text: error } : undefined}>
      <h1>Choose a new password</h1>
      {/* A partner still signed in in this browser posts it with a session, and a signed-in post must
          carry the session's token (route.ts): without it the link answered 403 there. */}
      <Form action={ctx.path(`/reset-password/${ctx.params.token}`)} csrf={ctx.session?.csrf} label="New password">
        <Field name="password" label="New password" type="password" autocomplete="new-password" required minlength={8} hint={RULE} errors={errors} />
        <Submit>Save and sign in</Submit>
      </Form>
    </Frame>
  )
}

export function passwordPages(app: FastifyInstance, deps: PortalDeps) {
  const perIp = deps.limits.perIp('portal-reset', 20, 3600)
  portalPage(app, deps, { method: 'GET', path: '/forgot-password', access: 'guest', handle: async (ctx) => <ForgotPage ctx={ctx} /> })

  portalPage(app, deps, {
    method: 'POST', path: '/forgot-password', access: 'guest',
    async handle(ctx) {
      await perIp(ctx.request, ctx.reply)
      const partner = await partnerByIdentity(ctx.db, ctx.program, { email: field(ctx.form, 'email') || '-' })
      if (partner && (partner.status === 'active' || partner.status === 'pending')) {
        const minted = await mintToken(ctx.db, partner, 'reset', LINK_MS.reset)
        await mailPasswordReset(ctx.db, ctx.program, partner, ctx.absolute(`/reset-password/${minted.token}`), LINK_MS.reset)
      }
      return { redirect: ctx.path('/sign-in?notice=reset-sent') }
    },
  })

  portalPage(app, deps, { method: 'GET', path: '/reset-password/:token', access: 'open', handle: async (ctx) => <ResetPage ctx={ctx} /> })

  portalPage(app, deps, {
    method: 'POST', path: '/reset-password/:token', access: 'open',
    async handle(ctx) {
      const password = field(ctx.form, 'password')
      // The rule first, so a weak password does not use the link up.
      if (!/[a-z]/.test(password) || !/[A-Z]/.test(password) || !/\d/.test(password) || password.length < 8) {
        return { status: 422, page: <ResetPage ctx={ctx} errors={{ password: [RULE] }} /> }
      }
      try {
        const { partner } = await redeemToken(ctx.db, ctx.program, ['reset'], ctx.params.token as string)
        await updatePartner(ctx.db, ctx.program, async () => partner, { password }, ctx.origin)
        await closeEverySession(ctx.db, partner)
        const after = await partnerByIdentity(ctx.db, ctx.program, { email: partner.email })
        return startSession(ctx, after ?? partner)
      } catch (err) {
        if (err instanceof DomainError && err.kind === 'gone') return { status: 410, page: <ResetPage ctx={ctx} error={err.message} /> }
        throw err
      }
    },
  })
}
