// Settings of the program itself: its name, website and currency, how partners join, and how
// referral links look and how long a click counts (PUT /v1/program's fields, through its service).
import type { FastifyInstance } from 'fastify'
import { referralUrl } from '../../modules/programs/referral-urls.js'
import { programDomains, type Program } from '../../modules/programs/service.js'
import type { FieldErrors } from '../../domain-errors.js'
import { Check, Field, Select, TextArea } from '../layout/form.js'
import { Frame } from './frame.js'
import { offers, saveProgramChanges, shown, ticked } from './program-changes.js'
import { adminPage, field, type AdminContext, type AdminDeps } from './route.js'
import { SaveButton, SettingsForm, SettingsNav } from './settings-nav.js'

const NOT_SAVED = { kind: 'error', text: 'Nothing was saved: see the messages below.' } as const

function ProgramPage({ ctx, errors }: { ctx: AdminContext; errors?: FieldErrors }) {
  const p = ctx.session!.program
  const s = p.settings.program
  const v = shown(ctx)
  return (
    <Frame ctx={ctx} title="Program settings" section="settings" notice={errors ? NOT_SAVED : undefined}>
      <SettingsNav current="program" session={ctx.session!} />
      <h1>Program</h1>
      <SettingsForm role={ctx.session!.role} action="/admin/settings/program" csrf={ctx.session!.csrf} label="Program details">
        <Field name="name" label="Name" value={v.text('name', p.name)} required maxlength={255} errors={errors} />
        <Field name="website" label="Website" type="url" value={v.text('website', p.website)} errors={errors}
          hint="Where referral links lead unless a link names its own page." />
        <Field name="currency" label="Currency" value={v.text('currency', p.currency)} pattern="[A-Za-z]{3}" maxlength={3} errors={errors}
          hint="ISO 4217 code (USD, EUR…): commissions and payouts are in it." />
        {offers(p, 'program', 'partner_auto_approve') && (
          <Check name="partner_auto_approve" label="Approve new partners at once (otherwise they wait for you)" checked={v.box('partner_auto_approve', s.partner_auto_approve)} />
        )}
        {offers(p, 'program', 'reward_self_referrals') && (
          <Check name="reward_self_referrals" label="Pay commission on a partner's own purchases" checked={v.box('reward_self_referrals', s.reward_self_referrals)} />
        )}
        {offers(p, 'program', 'partner_email_notifications_enabled') && (
          <Check name="partner_email_notifications_enabled" label="Email partners about their commissions and payouts" checked={v.box('partner_email_notifications_enabled', s.partner_email_notifications_enabled)} />
        )}
        <SaveButton role={ctx.session!.role} />
      </SettingsForm>
    </Frame>
  )
}

async function TrackingPage({ ctx, errors }: { ctx: AdminContext; errors?: FieldErrors }) {
  const p = ctx.session!.program
  const s = p.settings.program
  const v = shown(ctx)
  const domains = (await programDomains(ctx.db, p.id)).map((d) => d.domain)
  return (
    <Frame ctx={ctx} title="Tracking and links" section="settings" notice={errors ? NOT_SAVED : undefined}>
      <SettingsNav current="tracking" session={ctx.session!} />
      <h1>Tracking and links</h1>
      <p>A partner's link looks like <code>{example(p)}</code>.</p>
      <SettingsForm role={ctx.session!.role} action="/admin/settings/tracking" csrf={ctx.session!.csrf} label="Tracking and links">
        <Field name="cookie_lifetime" label="Cookie lifetime (days)" type="number" value={v.text('cookie_lifetime', s.cookie_lifetime)} errors={errors}
          hint="How long after a click a sign-up still credits the partner." />
        <Field name="referral_param" label="Referral parameter" value={v.text('referral_param', s.referral_param)} maxlength={32} errors={errors}
          hint="The name that carries the partner's key in a link: aff, ref, via…" />
        <Select name="referral_link_style" label="Link style" value={v.text('referral_link_style', s.referral_link_style)} errors={errors}
          options={[{ value: 'query', label: `A query: site?${s.referral_param}=key` }, { value: 'path', label: `A path: site/${s.referral_param}/key` }]} />
        <TextArea name="additional_domains" label="Other domains links may use" value={v.text('additional_domains', domains.join('\n'))} errors={errors}
          hint="One host name per line (shop.example.com). Links on a domain you remove go back to the website." />
        <SaveButton role={ctx.session!.role} />
      </SettingsForm>
    </Frame>
  )
}

function example(p: Program): string {
  return referralUrl(p, { key: 'partner-key', landingUrl: null, domain: null }, '')
}

/** The domains as typed, one per line or separated by commas or spaces. */
function domainsOf(text: string): string[] {
  return text.split(/[\s,]+/).filter((d) => d !== '')
}

export function programSettingsPages(app: FastifyInstance, deps: AdminDeps) {
  adminPage(app, deps, { method: 'GET', path: '/settings/program', access: 'user', handle: async (ctx) => <ProgramPage ctx={ctx} /> })
  adminPage(app, deps, {
    method: 'POST', path: '/settings/program', access: 'user',
    async handle(ctx) {
      const p = ctx.session!.program
      const body = {
        name: field(ctx.form, 'name'), website: field(ctx.form, 'website') || undefined,
        program_settings: {
          currency: field(ctx.form, 'currency'),
          ...ticked(p, 'program', ctx.form, ['partner_auto_approve', 'reward_self_referrals', 'partner_email_notifications_enabled']),
        },
      }
      const errors = await saveProgramChanges(ctx, body, 'program.updated')
      return errors ? { status: 422, page: <ProgramPage ctx={ctx} errors={errors} /> } : { redirect: '/admin/settings/program?notice=settings-saved' }
    },
  })

  adminPage(app, deps, { method: 'GET', path: '/settings/tracking', access: 'user', handle: (ctx) => TrackingPage({ ctx }) })
  adminPage(app, deps, {
    method: 'POST', path: '/settings/tracking', access: 'user',
    async handle(ctx) {
      const body = {
        additional_domains: domainsOf(field(ctx.form, 'additional_domains')),
        program_settings: {
          cookie_lifetime: field(ctx.form, 'cookie_lifetime'), referral_param: field(ctx.form, 'referral_param'),
          referral_link_style: field(ctx.form, 'referral_link_style'),
        },
      }
      const errors = await saveProgramChanges(ctx, body, 'program.tracking_updated')
      return errors ? { status: 422, page: await TrackingPage({ ctx, errors: domainErrors(errors) }) } : { redirect: '/admin/settings/tracking?notice=settings-saved' }
    },
  })
}

/** A refused domain (`additional_domains.2`) is told on the one field that lists them. */
function domainErrors(errors: FieldErrors): FieldErrors {
  const out: FieldErrors = {}
  for (const [name, list] of Object.entries(errors)) {
    const key = name.startsWith('additional_domains') ? 'additional_domains' : name
    out[key] = [...(out[key] ?? []), ...list]
  }
  return out
}
