// The partner's own account: its name, its address (a new one counts once verified), its password,
// the mails it wants, its language, and signing out on every device.
import type { FastifyInstance } from 'fastify'
import { invalidField } from '../../domain-errors.js'
import { LANGUAGES, mailsTurnedOff, OPTIONAL_MAILS, passwordMatches, setPreferences, type OptionalMail } from '../../modules/partners/account.js'
import { partnerByIdentity, updatePartner } from '../../modules/partners/service.js'
import { Check, Field, Form, Select, Submit, type FieldErrors } from '../layout/form.js'
import { Frame } from './frame.js'
import { sendVerification } from './apply.js'
import { startSession } from './session.js'
import { closeEverySession } from '../../modules/sign-in/service.js'
import { field, portalPage, refusal, type PageContext, type PortalDeps } from './route.js'

const MAIL_LABELS: Record<OptionalMail, string> = {
  'new-commission': 'A mail for each new commission',
  'payout-sent': 'A mail when a payout is sent',
}
const LANGUAGE_NAMES: Record<string, string> = { en: 'English' }
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/

function ProfilePage({ ctx, errors, failed }: { ctx: PageContext; errors?: FieldErrors; failed?: string }) {
  const partner = ctx.session!.partner
  const csrf = ctx.session!.csrf
  const off = mailsTurnedOff(partner)
  return (
    <Frame ctx={ctx} title="Profile" section="profile" notice={failed ? { kind: 'error', text: failed } : undefined}>
      <h1>Your profile</h1>
      <section class="card" aria-labelledby="about">
        <h2 id="about">About you</h2>
        <Form action={ctx.path('/profile')} csrf={csrf} label="Name">
          <Field name="name" label="First name" value={partner.name ?? ''} autocomplete="given-name" maxlength={255} errors={errors} />
          <Field name="surname" label="Last name" value={partner.surname ?? ''} autocomplete="family-name" maxlength={255} errors={errors} />
          <Submit>Save</Submit>
        </Form>
      </section>
      <section class="card" aria-labelledby="address">
        <h2 id="address">Email address</h2>
        <p>{`Mail goes to ${partner.email}. A new address counts once you follow the link we send to it.`}</p>
        <Form action={ctx.path('/profile/email')} csrf={csrf} label="Change email address">
          <Field name="email" label="New email address" type="email" autocomplete="email" required maxlength={255} errors={errors} />
          <Submit>Send the link</Submit>
        </Form>
      </section>
      <section class="card" aria-labelledby="pw">
        <h2 id="pw">Password</h2>
        <Form action={ctx.path('/profile/password')} csrf={csrf} label="Change password">
          <Field name="current_password" label="Current password" type="password" autocomplete="current-password" required errors={errors} />
          <Field name="password" label="New password" type="password" autocomplete="new-password" required minlength={8} errors={errors}
            hint="At least 8 characters, with a lower-case letter, an upper-case letter and a digit." />
          <Submit>Change the password</Submit>
        </Form>
      </section>
      <section class="card" aria-labelledby="prefs">
        <h2 id="prefs">Mail and language</h2>
        <Form action={ctx.path('/profile/preferences')} csrf={csrf} label="Mail and language">
          <fieldset>
            <legend>Mails you want</legend>
            {OPTIONAL_MAILS.map((kind) => <Check key={kind} name="mails" value={kind} checked={!off.includes(kind)} label={MAIL_LABELS[kind]} />)}
          </fieldset>
          <Select name="language" label="Language" value={partner.language ?? 'en'} options={LANGUAGES.map((l) => ({ value: l, label: LANGUAGE_NAMES[l] ?? l }))} />
          <Submit>Save</Submit>
        </Form>
      </section>
      <section class="card" aria-labelledby="devices">
        <h2 id="devices">Devices</h2>
        <Form action={ctx.path('/sign-out-everywhere')} csrf={csrf} label="Sign out everywhere">
          <p>Signed in somewhere you should not be? This signs you out on every device, this one too.</p>
          <Submit>Sign out everywhere</Submit>
        </Form>
      </section>
    </Frame>
  )
}

/** A change refused by the service, as the page with its messages. */
async function orForm(ctx: PageContext, work: () => Promise<unknown>, notice: string) {
  try {
    await work()
  } catch (err) {
    const refused = refusal(err, 'invalid', 'unauthorized')
    return { status: 422, page: <ProfilePage ctx={ctx} errors={refused.errors} failed={refused.errors ? 'That was not saved.' : refused.message} /> }
  }
  return { redirect: ctx.path(`/profile?notice=${notice}`) }
}

export function profilePages(app: FastifyInstance, deps: PortalDeps) {
  portalPage(app, deps, { method: 'GET', path: '/profile', access: 'partner', pending: true, handle: async (ctx) => <ProfilePage ctx={ctx} /> })

  portalPage(app, deps, {
    method: 'POST', path: '/profile', access: 'partner', pending: true,
    handle: (ctx) => orForm(ctx, () => updatePartner(ctx.db, ctx.program, async () => ctx.session!.partner,
      { name: field(ctx.form, 'name').slice(0, 255), surname: field(ctx.form, 'surname').slice(0, 255) }, ctx.origin), 'profile-saved'),
  })

  portalPage(app, deps, {
    method: 'POST', path: '/profile/email', access: 'partner', pending: true,
    handle: (ctx) => orForm(ctx, async () => {
      const email = field(ctx.form, 'email')
      if (!EMAIL.test(email) || email.length > 255) throw invalidField('email', 'Type a whole email address.')
      const taken = await partnerByIdentity(ctx.db, ctx.program, { email })
      if (taken) throw invalidField('email', 'That address is already used by a partner of this program.')
      await sendVerification(ctx, ctx.session!.partner, email)
    }, 'verification-sent'),
  })

  portalPage(app, deps, {
    method: 'POST', path: '/profile/password', access: 'partner', pending: true,
    handle: (ctx) => orForm(ctx, async () => {
      const partner = ctx.session!.partner
      if (!await passwordMatches(partner, field(ctx.form, 'current_password'))) {
        throw invalidField('current_password', 'That is not your current password.')
      }
      await updatePartner(ctx.db, ctx.program, async () => partner, { password: field(ctx.form, 'password') }, ctx.origin)
      // Whoever knew the old password is signed out everywhere; this browser gets a new session.
      await closeEverySession(ctx.db, partner)
      await startSession(ctx, partner)
    }, 'password-changed'),
  })

  portalPage(app, deps, {
    method: 'POST', path: '/profile/preferences', access: 'partner', pending: true,
    handle: (ctx) => orForm(ctx, async () => {
      const wanted = [ctx.form.mails ?? []].flat()
      const language = field(ctx.form, 'language')
      await setPreferences(ctx.db, ctx.session!.partner, {
        mailsOff: OPTIONAL_MAILS.filter((k) => !wanted.includes(k)),
        language: (LANGUAGES as readonly string[]).includes(language) ? language : 'en',
      })
    }, 'profile-saved'),
  })
}
