// The partner portal's settings: who may apply and with which questions, how partners sign in,
// what the portal offers them, its terms, brand colour and own host (PUT /v1/program's
// portal_settings, through its service: the same checks, the same event).
import type { FastifyInstance } from 'fastify'
import { portalUrl } from '../../modules/programs/representation.js'
import type { SignupField } from '../../modules/programs/settings.js'
import type { FieldErrors } from '../../domain-errors.js'
import { Check, Field, Select } from '../layout/form.js'
import { Frame } from './frame.js'
import { currentLogo, LogoSection } from './logo.js'
import type { LogoVersion } from '../../modules/programs/logo.js'
import { offers, saveProgramChanges, shown, ticked } from './program-changes.js'
import { adminPage, column, field, type AdminContext, type AdminDeps, type Form as Posted } from './route.js'
import { SaveButton, SettingsForm, SettingsNav } from './settings-nav.js'

/** Blank question rows under the saved ones: a form without script adds questions this way. */
const BLANK_ROWS = 2
const SWITCHES = ['passwordless_login_enabled', 'custom_link_keys_enabled', 'show_customer_emails', 'payout_requests_enabled'] as const
const SWITCH_LABELS: Record<(typeof SWITCHES)[number], string> = {
  passwordless_login_enabled: 'Partners may sign in with a code sent by email',
  custom_link_keys_enabled: 'Partners may make links with a key of their own',
  show_customer_emails: 'Partners see their customers\' email addresses (otherwise masked)',
  payout_requests_enabled: 'Partners may request payouts',
}

function PortalPage({ ctx, errors, logo }: { ctx: AdminContext; errors?: FieldErrors; logo: LogoVersion | undefined }) {
  const p = ctx.session!.program
  const s = p.settings.portal
  const v = shown(ctx)
  const questions = ctx.request.method === 'POST' ? postedQuestions(ctx.form) : s.signup_fields
  const rows = [...questions, ...Array.from({ length: BLANK_ROWS }, () => ({ key: '', label: '', required: false }))]
  return (
    <Frame ctx={ctx} title="Partner portal settings" section="settings" notice={errors ? { kind: 'error', text: 'Nothing was saved: see the messages below.' } : undefined}>
      <SettingsNav current="portal" session={ctx.session!} />
      <h1>Partner portal</h1>
      <p>Partners apply and sign in at <a href={portalUrl(p, ctx.origin)}>{portalUrl(p, ctx.origin)}</a>.</p>
      <SettingsForm role={ctx.session!.role} action="/admin/settings/portal" csrf={ctx.session!.csrf} label="Partner portal settings">
        <fieldset>
          <legend>Joining</legend>
          <Check name="registration_open" label="Anyone may apply to become a partner" checked={v.box('registration_open', !s.registration_disabled)} />
          {offers(p, 'portal', 'terms_url') && (
            <Field name="terms_url" label="Partner terms (URL)" type="url" value={v.text('terms_url', s.terms_url)} errors={errors}
              hint="Applicants accept them; empty: no terms." />
          )}
        </fieldset>
        {offers(p, 'portal', 'signup_fields') && (
          <fieldset>
            <legend>Questions on the application form</legend>
            <p class="hint">Answers are kept in the partner's custom fields under the key. Leave a row empty to remove it.</p>
            {rows.map((q, i) => <QuestionRow key={i} index={i} question={q} errors={errors} />)}
          </fieldset>
        )}
        <fieldset>
          <legend>What partners may do</legend>
          {SWITCHES.filter((name) => offers(p, 'portal', name)).map((name) => (
            <Check key={name} name={name} label={SWITCH_LABELS[name]} checked={v.box(name, s[name])} />
          ))}
        </fieldset>
        {offers(p, 'portal', 'brand_color') && (
          <fieldset>
            <legend>Look and address</legend>
            <Field name="brand_color" label="Brand colour" type="color" value={v.text('brand_color', s.brand_color)} errors={errors} />
            <Field name="portal_domain" label="Portal host of your own" value={v.text('portal_domain', s.portal_domain)} errors={errors}
              hint="partners.example.com, pointed at this server (DNS and TLS are yours); empty: the address above." />
          </fieldset>
        )}
        <SaveButton role={ctx.session!.role} />
      </SettingsForm>
      {/* Its own form: a file goes as multipart, which the settings above need not be. */}
      {offers(p, 'portal', 'brand_color') && <LogoSection ctx={ctx} logo={logo} />}
    </Frame>
  )
}

function QuestionRow({ index, question, errors }: { index: number; question: SignupField; errors?: FieldErrors }) {
  const at = (name: string) => ({ [`question_${name}`]: errors?.[`signup_fields.${index}.${name}`] ?? [] })
  return (
    <div class="toolbar">
      <Field name="question_key" id={`f-question-key-${index}`} label={`Question ${index + 1}: key`} value={question.key} errors={at('key')} maxlength={40} />
      <Field name="question_label" id={`f-question-label-${index}`} label={`Question ${index + 1}: as asked`} value={question.label} errors={at('label')} maxlength={100} />
      <Select name="question_required" id={`f-question-required-${index}`} label={`Question ${index + 1}: answer`} value={question.required ? 'yes' : 'no'}
        options={[{ value: 'no', label: 'Optional' }, { value: 'yes', label: 'Required' }]} />
    </div>
  )
}

/** The question rows as posted (every row sends all three fields); rows left empty are dropped. */
function postedQuestions(form: Posted): SignupField[] {
  const [keys, labels, required] = [column(form, 'question_key'), column(form, 'question_label'), column(form, 'question_required')]
  return keys.map((key, i) => ({ key, label: labels[i] ?? '', required: required[i] === 'yes' }))
    .filter((q) => q.key !== '' || q.label !== '')
}

export function portalSettingsPages(app: FastifyInstance, deps: AdminDeps) {
  adminPage(app, deps, { method: 'GET', path: '/settings/portal', access: 'user', handle: async (ctx) => <PortalPage ctx={ctx} logo={await currentLogo(ctx)} /> })
  adminPage(app, deps, {
    method: 'POST', path: '/settings/portal', access: 'user',
    async handle(ctx) {
      const p = ctx.session!.program
      const optional = (name: string) => (offers(p, 'portal', name) ? { [name]: field(ctx.form, name) || null } : {})
      const portal: Record<string, unknown> = {
        registration_disabled: ctx.form.registration_open !== 'on',
        ...ticked(p, 'portal', ctx.form, SWITCHES),
        ...optional('terms_url'), ...optional('portal_domain'),
        ...(offers(p, 'portal', 'brand_color') ? { brand_color: field(ctx.form, 'brand_color') } : {}),
        ...(offers(p, 'portal', 'signup_fields') ? { signup_fields: postedQuestions(ctx.form) } : {}),
      }
      const errors = await saveProgramChanges(ctx, { portal_settings: portal }, 'program.portal_updated')
      return errors ? { status: 422, page: <PortalPage ctx={ctx} errors={errors} logo={await currentLogo(ctx)} /> } : { redirect: '/admin/settings/portal?notice=settings-saved' }
    },
  })
}
