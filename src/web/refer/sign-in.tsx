// A referring customer signs in to its page with a one-time code (and link) mailed to its own
// address, or with a one-use link the merchant's app minted (POST /v1/customers:sign-in-url). The
// session is its earner row's, as a partner's is its own (web/portal/session.ts).
import type { FastifyInstance } from 'fastify'
import { referralCustomerByRef } from '../../modules/customers/service.js'
import { findPartnerByRowId } from '../../modules/partners/service.js'
import { LINK_MS, mintToken, redeemCodeOf, redeemToken } from '../../modules/sign-in/service.js'
import { mailCustomerSignInCode } from '../../mail/account.js'
import { Field, Form, Submit } from '../layout/form.js'
import { CodeForm } from '../session/code-form.js'
import { endSession, startSession } from '../portal/session.js'
import { field, portalPage, refusal, REFER, type PageContext, type PortalDeps } from '../portal/route.js'
import { ReferFrame } from './frame.js'

const ATTEMPTS = { perAccount: 10, perIp: 50, windowSeconds: 15 * 60 }

function SignInPage({ ctx, email }: { ctx: PageContext; email?: string }) {
  return (
    <ReferFrame ctx={ctx} title="Your referral page" narrow>
      <h1>Refer friends to {ctx.program.name}</h1>
      <p>Sign in with the address you gave {ctx.program.name}: we email you a code.</p>
      <Form action={ctx.path('/sign-in')} label="Email me a sign-in code">
        <Field name="email" label="Email" type="email" value={email} autocomplete="email" required />
        <Submit>Email me a code</Submit>
      </Form>
    </ReferFrame>
  )
}

function CodePage({ ctx, email, error }: { ctx: PageContext; email: string; error?: string }) {
  return (
    <ReferFrame ctx={ctx} title="Type your code" narrow notice={error ? { kind: 'error', text: error } : undefined}>
      <CodeForm action={ctx.path('/sign-in/code')} email={email} />
    </ReferFrame>
  )
}

/** The earner row of the customer with this address, when there is one. */
async function earnerOf(ctx: PageContext, email: string) {
  const customer = email === '' ? undefined : await referralCustomerByRef(ctx.db, ctx.program, { email })
  if (!customer?.email || customer.earner_id === null) return undefined
  const earner = await findPartnerByRowId(ctx.db, ctx.program.id, Number(customer.earner_id))
  return earner && { earner, customer: { email: customer.email, name: customer.name } }
}

export function referSignInPages(app: FastifyInstance, deps: PortalDeps) {
  const perIp = deps.limits.perIp('refer-sign-in', ATTEMPTS.perIp, ATTEMPTS.windowSeconds)
  const perAccount = deps.limits.perSubject('refer-sign-in-account', ATTEMPTS.perAccount, ATTEMPTS.windowSeconds)
  const limited = async (ctx: PageContext) => {
    const email = field(ctx.form, 'email')
    await perIp(ctx.request, ctx.reply)
    await perAccount(ctx.request, ctx.reply, `${ctx.program.id}:${email.toLowerCase()}`)
    return email
  }

  portalPage(app, deps, { method: 'GET', path: '/sign-in', access: 'guest', handle: async (ctx) => <SignInPage ctx={ctx} /> }, REFER)

  portalPage(app, deps, {
    method: 'POST', path: '/sign-in', access: 'guest',
    async handle(ctx) {
      const email = await limited(ctx)
      const found = await earnerOf(ctx, email)
      // The same answer whether or not the address is a customer's: the page tells nobody who is one.
      if (found) {
        const minted = await mintToken(ctx.db, found.earner, 'link', LINK_MS.link, { code: true })
        await mailCustomerSignInCode(ctx.db, ctx.program, found.customer, minted.code as string, ctx.absolute(`/sign-in/${minted.token}`), LINK_MS.link)
      }
      return { redirect: ctx.path(`/sign-in/code?notice=customer-code-sent&email=${encodeURIComponent(email)}`) }
    },
  }, REFER)

  portalPage(app, deps, {
    method: 'GET', path: '/sign-in/code', access: 'guest', handle: async (ctx) => <CodePage ctx={ctx} email={ctx.query.email ?? ''} />,
  }, REFER)

  portalPage(app, deps, {
    method: 'POST', path: '/sign-in/code', access: 'guest',
    async handle(ctx) {
      const email = await limited(ctx)
      try {
        return await startSession(ctx, await redeemCodeOf(ctx.db, (await earnerOf(ctx, email))?.earner, field(ctx.form, 'code')))
      } catch (err) {
        return { status: 401, page: <CodePage ctx={ctx} email={email} error={refusal(err, 'unauthorized', 'refused').message} /> }
      }
    },
  }, REFER)

  portalPage(app, deps, {
    method: 'GET', path: '/sign-in/:token', access: 'open',
    async handle(ctx) {
      await perIp(ctx.request, ctx.reply)
      const { partner } = await redeemToken(ctx.db, ctx.program, ['url', 'link'], ctx.params.token as string)
      return startSession(ctx, partner)
    },
  }, REFER)

  portalPage(app, deps, {
    method: 'POST', path: '/sign-out', access: 'partner',
    async handle(ctx) {
      await endSession(ctx)
      return { redirect: ctx.path('/sign-in?notice=signed-out') }
    },
  }, REFER)
}
