// Signing in: email and password, or (when the program allows it) a one-time code or link by
// email; the one-use links a merchant's app mints (POST /v1/partners:sign-in-url); signing out.
import type { FastifyInstance } from 'fastify'
import { DomainError } from '../../domain-errors.js'
import { partnerByIdentity, type PartnerRow } from '../../modules/partners/service.js'
import { confirmEmail, isVerified } from '../../modules/partners/account.js'
import { closeEverySession, LINK_MS, mintToken, redeemCode, redeemToken, signInWithPassword } from '../../modules/sign-in/service.js'
import { mailSignInCode } from '../../mail/account.js'
import { Field, Form, Submit } from '../layout/form.js'
import { CodeForm } from '../session/code-form.js'
import { Frame } from './frame.js'
import { endSession, startSession } from './session.js'
import { field, portalPage, refusal, type PageContext, type PortalDeps } from './route.js'

// Per account and per address: enough for typos, too few to guess a password.
const ATTEMPTS = { perAccount: 10, perIp: 50, windowSeconds: 15 * 60 }

function SignInPage({ ctx, email, error, unverified }: { ctx: PageContext; email?: string; error?: string; unverified?: boolean }) {
  const portal = ctx.program.settings.portal
  return (
    <Frame ctx={ctx} title="Sign in" narrow notice={error ? { kind: 'error', text: error } : undefined}>
      <h1>Sign in to {ctx.program.name}</h1>
      <Form action={ctx.path('/sign-in')} label="Sign in with your password">
        {ctx.query.next && <input type="hidden" name="next" value={ctx.query.next} />}
        <Field name="email" label="Email" type="email" value={email} autocomplete="email" required />
        <Field name="password" label="Password" type="password" autocomplete="current-password" required />
        <Submit>Sign in</Submit>
      </Form>
      {unverified && (
        <Form action={ctx.path('/verify')} label="Send the confirmation link again">
          <input type="hidden" name="email" value={email} />
          <button type="submit" class="quiet">Send the link again</button>
        </Form>
      )}
      <p><a href={ctx.path('/forgot-password')}>Forgot your password?</a></p>
      {portal.passwordless_login_enabled && (
        <section class="card">
          <h2>Sign in without a password</h2>
          <Form action={ctx.path('/sign-in/code')} label="Email me a sign-in code">
            {/* Its own id: the password form above has an email field too, and with one id this
                field had no label (a browser test found it: its label focused the other field). */}
            <Field id="f-code-email" name="email" label="Email" type="email" value={email} autocomplete="email" required />
            <Submit>Email me a code</Submit>
          </Form>
        </section>
      )}
      {!portal.registration_disabled && <p>New here? <a href={ctx.path('/apply')}>Apply to become a partner</a>.</p>}
    </Frame>
  )
}

function CodePage({ ctx, email, error }: { ctx: PageContext; email: string; error?: string }) {
  return (
    <Frame ctx={ctx} title="Type your code" narrow notice={error ? { kind: 'error', text: error } : undefined}>
      <CodeForm action={ctx.path('/sign-in/code/check')} email={email} />
    </Frame>
  )
}


export function signInPages(app: FastifyInstance, deps: PortalDeps) {
  const perIp = deps.limits.perIp('portal-sign-in', ATTEMPTS.perIp, ATTEMPTS.windowSeconds)
  const perAccount = deps.limits.perSubject('portal-sign-in-account', ATTEMPTS.perAccount, ATTEMPTS.windowSeconds)
  /** The address a sign-in form names, once this address and that account may try again. */
  const limited = async (ctx: PageContext) => {
    const email = field(ctx.form, 'email')
    await perIp(ctx.request, ctx.reply)
    await perAccount(ctx.request, ctx.reply, `${ctx.program.id}:${email}`)
    return email
  }

  portalPage(app, deps, { method: 'GET', path: '/sign-in', access: 'guest', handle: async (ctx) => <SignInPage ctx={ctx} /> })

  portalPage(app, deps, {
    method: 'POST', path: '/sign-in', access: 'guest',
    async handle(ctx) {
      const email = await limited(ctx)
      try {
        return await startSession(ctx, await signInWithPassword(ctx.db, ctx.program, email, field(ctx.form, 'password')))
      } catch (err) {
        const unverified = err instanceof DomainError && err.code === 'email_not_verified'
        return { status: 401, page: <SignInPage ctx={ctx} email={email} error={refusal(err, 'unauthorized', 'refused').message} unverified={unverified} /> }
      }
    },
  })

  portalPage(app, deps, {
    method: 'POST', path: '/sign-in/code', access: 'guest',
    async handle(ctx) {
      if (!ctx.program.settings.portal.passwordless_login_enabled) return { redirect: ctx.path('/sign-in') }
      const email = await limited(ctx)
      const partner = email === '' ? undefined : await partnerByIdentity(ctx.db, ctx.program, { email })
      // The same answer whether or not the address is a partner's: the page tells nobody who is one.
      if (partner && (partner.status === 'active' || partner.status === 'pending')) {
        const minted = await mintToken(ctx.db, partner, 'link', LINK_MS.link, { code: true })
        await mailSignInCode(ctx.db, ctx.program, partner, minted.code as string, ctx.absolute(`/sign-in/${minted.token}`), LINK_MS.link)
      }
      return { redirect: ctx.path(`/sign-in/code?notice=code-sent&email=${encodeURIComponent(email)}`) }
    },
  })

  portalPage(app, deps, {
    method: 'GET', path: '/sign-in/code', access: 'guest',
    handle: async (ctx) => <CodePage ctx={ctx} email={ctx.query.email ?? ''} />,
  })

  portalPage(app, deps, {
    method: 'POST', path: '/sign-in/code/check', access: 'guest',
    async handle(ctx) {
      const email = await limited(ctx)
      try {
        return await startSession(ctx, await provedOwner(ctx, await redeemCode(ctx.db, ctx.program, email, field(ctx.form, 'code'))))
      } catch (err) {
        return { status: 401, page: <CodePage ctx={ctx} email={email} error={refusal(err, 'unauthorized', 'refused').message} /> }
      }
    },
  })

  // A one-use link: from the mail (with the code) or minted by the merchant's app. Used, replaced
  // or run out, it answers 410 and says which.
  portalPage(app, deps, {
    method: 'GET', path: '/sign-in/:token', access: 'open',
    async handle(ctx) {
      await perIp(ctx.request, ctx.reply)
      const { partner } = await redeemToken(ctx.db, ctx.program, ['url', 'link'], ctx.params.token as string)
      return startSession(ctx, await provedOwner(ctx, partner))
    },
  })

  portalPage(app, deps, {
    method: 'POST', path: '/sign-out', access: 'partner', pending: true,
    async handle(ctx) {
      await endSession(ctx)
      return { redirect: ctx.path('/sign-in?notice=signed-out') }
    },
  })

  portalPage(app, deps, {
    method: 'POST', path: '/sign-out-everywhere', access: 'partner', pending: true,
    async handle(ctx) {
      await closeEverySession(ctx.db, ctx.session!.partner)
      await endSession(ctx)
      return { redirect: ctx.path('/sign-in?notice=signed-out-everywhere') }
    },
  })
}

/** A code or link from the partner's mailbox proves the address is theirs. */
async function provedOwner(ctx: PageContext, partner: PartnerRow) {
  if (isVerified(partner)) return partner
  return confirmEmail(ctx.db, ctx.program, partner, partner.email, ctx.origin)
}
