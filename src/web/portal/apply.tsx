// Applying to the program: the form (email, password, name, the program's own questions, its
// terms), the partner made exactly as POST /v1/partners makes one (so the merchant's webhooks see
// the same partner.created), and the address verified by a link before the password signs in.
import type { FastifyInstance } from 'fastify'
import { invalid } from '../../domain-errors.js'
import { check, compileInput } from '../../http/validation.js'
import { NewPartnerInput, type NewPartnerInput as NewPartner } from '../../modules/partners/schemas.js'
import { createPartner, partnerByIdentity, type PartnerRow } from '../../modules/partners/service.js'
import { confirmEmail, isVerified } from '../../modules/partners/account.js'
import { LINK_MS, mintToken, redeemToken } from '../../modules/sign-in/service.js'
import type { Program } from '../../modules/programs/service.js'
import { mailVerification } from '../../mail/account.js'
import { Check, Field, Form, Submit, type FieldErrors } from '../layout/form.js'
import { Frame } from './frame.js'
import { field, portalPage, refusal, type Form as Posted, type PageContext, type PortalDeps } from './route.js'

const newPartner = compileInput(NewPartnerInput)

/** The program's own questions (portal_settings.signup_fields). */
function questions(program: Program) {
  return program.settings.portal.signup_fields
}

function termsUrl(program: Program): string | undefined {
  return program.settings.portal.terms_url ?? undefined
}

function ApplyPage({ ctx, form = {}, errors }: { ctx: PageContext; form?: Posted; errors?: FieldErrors }) {
  const terms = termsUrl(ctx.program)
  const error = errors && Object.keys(errors).length ? { kind: 'error' as const, text: 'Some answers need another look.' } : undefined
  return (
    <Frame ctx={ctx} title="Apply" narrow notice={error}>
      <h1>Become a partner of {ctx.program.name}</h1>
      <Form action={ctx.path('/apply')} label="Application">
        <Field name="name" label="Your name" value={field(form, 'name')} autocomplete="name" required errors={errors} maxlength={255} />
        <Field name="email" label="Email" type="email" value={field(form, 'email')} autocomplete="email" required errors={errors} maxlength={255} />
        <Field name="password" label="Password" type="password" autocomplete="new-password" required errors={errors} minlength={8} maxlength={255}
          hint="At least 8 characters, with a lower-case letter, an upper-case letter and a digit." />
        {questions(ctx.program).map((q) => (
          <Field key={q.key} name={`custom_${q.key}`} label={q.label} value={field(form, `custom_${q.key}`)} required={q.required} errors={errors} maxlength={2000} />
        ))}
        {terms && (
          <>
            <Check name="tos" required checked={field(form, 'tos') === 'on'} label={<>I agree to the&nbsp;<a href={terms} rel="noopener noreferrer">partner terms</a></>} />
            {errors?.tos && <p class="field-error">{errors.tos.join(' ')}</p>}
          </>
        )}
        <Submit>Apply</Submit>
      </Form>
      <p>Already a partner? <a href={ctx.path('/sign-in')}>Sign in</a>.</p>
    </Frame>
  )
}

function Closed({ ctx }: { ctx: PageContext }) {
  return (
    <Frame ctx={ctx} title="Applications closed" narrow>
      <h1>Applications are closed</h1>
      <p>{ctx.program.name} is not taking new partners at the moment.</p>
    </Frame>
  )
}

/** The form's answers as POST /v1/partners takes them; a missing required answer is a field error. */
function applicationOf(program: Program, form: Posted): NewPartner {
  const errors: FieldErrors = {}
  const custom: Record<string, string> = {}
  for (const q of questions(program)) {
    const answer = field(form, `custom_${q.key}`)
    if (answer !== '') custom[q.key] = answer
    else if (q.required) errors[`custom_${q.key}`] = [`Please answer: ${q.label}.`]
  }
  if (termsUrl(program) && field(form, 'tos') !== 'on') errors.tos = ['Please agree to the partner terms.']
  if (field(form, 'password') === '') errors.password = ['Choose a password.']
  if (Object.keys(errors).length) throw invalid(errors)
  return check<NewPartner>(newPartner, {
    email: field(form, 'email'), name: field(form, 'name') || undefined, password: field(form, 'password'),
    tos: field(form, 'tos') === 'on', ...(Object.keys(custom).length ? { custom_fields: custom } : {}),
  })
}

export async function sendVerification(ctx: PageContext, partner: PartnerRow, to: string) {
  const minted = await mintToken(ctx.db, partner, 'verify', LINK_MS.verify, { email: to })
  await mailVerification(ctx.db, ctx.program, partner, to, ctx.absolute(`/verify/${minted.token}`), LINK_MS.verify)
}

export function applyPages(app: FastifyInstance, deps: PortalDeps) {
  const perIp = deps.limits.perIp('portal-apply', 20, 3600)
  const closed = (ctx: PageContext) => ctx.program.settings.portal.registration_disabled

  portalPage(app, deps, {
    method: 'GET', path: '/apply', access: 'guest',
    handle: async (ctx) => (closed(ctx) ? { status: 403, page: <Closed ctx={ctx} /> } : <ApplyPage ctx={ctx} />),
  })

  portalPage(app, deps, {
    method: 'POST', path: '/apply', access: 'guest',
    async handle(ctx) {
      if (closed(ctx)) return { status: 403, page: <Closed ctx={ctx} /> }
      await perIp(ctx.request, ctx.reply)
      try {
        const input = applicationOf(ctx.program, ctx.form)
        await createPartner(ctx.db, ctx.program, input, ctx.origin, Date.now(), { applicant: true })
        const partner = await partnerByIdentity(ctx.db, ctx.program, { email: input.email })
        if (partner) await sendVerification(ctx, partner, partner.email)
        return { redirect: ctx.path('/sign-in?notice=applied') }
      } catch (err) {
        return { status: 422, page: <ApplyPage ctx={ctx} form={ctx.form} errors={refusal(err, 'invalid').errors} /> }
      }
    },
  })

  // The link in the verification mail: the address is the partner's (a new one replaces the old).
  portalPage(app, deps, {
    method: 'GET', path: '/verify/:token', access: 'open',
    async handle(ctx) {
      const { partner, email } = await redeemToken(ctx.db, ctx.program, ['verify'], ctx.params.token as string)
      await confirmEmail(ctx.db, ctx.program, partner, email ?? partner.email, ctx.origin)
      return { redirect: ctx.path(ctx.session ? '/profile?notice=verified' : '/sign-in?notice=verified') }
    },
  })

  // "I did not get the mail": a new link, to a partner who has not verified yet; the same answer for anyone else.
  portalPage(app, deps, {
    method: 'POST', path: '/verify', access: 'guest',
    async handle(ctx) {
      await perIp(ctx.request, ctx.reply)
      const partner = await partnerByIdentity(ctx.db, ctx.program, { email: field(ctx.form, 'email') || '-' })
      if (partner && !isVerified(partner)) await sendVerification(ctx, partner, partner.email)
      return { redirect: ctx.path('/sign-in?notice=applied') }
    },
  })
}
