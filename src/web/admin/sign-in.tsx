// Signing in to the admin: the one-time link `partnerkit users create` prints (or, later, an
// invitation mail), email and password, and signing out.
import type { FastifyInstance } from 'fastify'
import { DomainError } from '../../domain-errors.js'
import { redeemLink, signInWithPassword } from '../../modules/users/sign-in.js'
import { Field, Form, Submit } from '../layout/form.js'
import { Frame } from './frame.js'
import { endSession, startSession } from './session.js'
import { adminPage, field, type AdminContext, type AdminDeps } from './route.js'

// Per account and per address, as the portal's: enough for typos, too few to guess a password.
const ATTEMPTS = { perAccount: 10, perIp: 50, windowSeconds: 15 * 60 }

function SignInPage({ ctx, email, error }: { ctx: AdminContext; email?: string; error?: string }) {
  return (
    <Frame ctx={ctx} title="Sign in" narrow notice={error ? { kind: 'error', text: error } : undefined}>
      <h1>Sign in to the admin</h1>
      <Form action="/admin/sign-in" label="Sign in with your password">
        {ctx.query.next && <input type="hidden" name="next" value={ctx.query.next} />}
        <Field name="email" label="Email" type="email" value={email} autocomplete="email" required />
        <Field name="password" label="Password" type="password" autocomplete="current-password" required />
        <Submit>Sign in</Submit>
      </Form>
      <p><a href="/admin/password/forgot">Forgot your password?</a></p>
      <p>No password yet? Sign in with the one-time link an owner sent you, or that
        <code> partnerkit users create</code> printed on the server.</p>
    </Frame>
  )
}

export function signInPages(app: FastifyInstance, deps: AdminDeps) {
  const perIp = deps.limits.perIp('admin-sign-in', ATTEMPTS.perIp, ATTEMPTS.windowSeconds)
  const perAccount = deps.limits.perSubject('admin-sign-in-account', ATTEMPTS.perAccount, ATTEMPTS.windowSeconds)

  adminPage(app, deps, { method: 'GET', path: '/sign-in', access: 'guest', handle: async (ctx) => <SignInPage ctx={ctx} /> })

  adminPage(app, deps, {
    method: 'POST', path: '/sign-in', access: 'guest',
    async handle(ctx) {
      const email = field(ctx.form, 'email')
      await perIp(ctx.request, ctx.reply)
      await perAccount(ctx.request, ctx.reply, email)
      try {
        const { user, programId } = await signInWithPassword(ctx.db, email, field(ctx.form, 'password'))
        return await startSession(ctx, user.id, programId)
      } catch (err) {
        // A refused sign-in is a message on the form; anything else is the error page's.
        if (!(err instanceof DomainError && err.kind === 'unauthorized')) throw err
        return { status: 401, page: <SignInPage ctx={ctx} email={email} error={err.message} /> }
      }
    },
  })

  // A one-use link. Used, replaced or run out, it answers 410 and says which.
  adminPage(app, deps, {
    method: 'GET', path: '/sign-in/:token', access: 'open',
    async handle(ctx) {
      await perIp(ctx.request, ctx.reply)
      const { user, programId } = await redeemLink(ctx.db, 'link', ctx.params.token as string)
      return startSession(ctx, user.id, programId)
    },
  })

  adminPage(app, deps, {
    method: 'POST', path: '/sign-out', access: 'user', needs: 'read',
    async handle(ctx) {
      await endSession(ctx)
      return { redirect: '/admin/sign-in?notice=signed-out' }
    },
  })
}
