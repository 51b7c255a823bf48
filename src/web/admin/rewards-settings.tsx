// A refer-a-friend program's reward rules (PUT /v1/program's program_settings.referral_rewards) and
// which click credits a friend (referral_attribution), saved through that endpoint's schema and
// service — with a preview of what one imagined sign-up or sale would earn under the rules in the
// form, saved or not, decided by the rules engine itself (rewards/referral-preview.ts).
import type { FastifyInstance } from 'fastify'
import { Type } from 'typebox'
import { invalid, notFound, type FieldErrors } from '../../domain-errors.js'
import { check, compileInput } from '../../http/validation.js'
import { isReferralProgram } from '../../modules/customers/referral-service.js'
import type { Program } from '../../modules/programs/service.js'
import { previewReferral, referralPreviewText, type ImaginedReferral } from '../../modules/rewards/referral-preview.js'
import { referralRewardRules, ReferralRewardsInput } from '../../modules/rewards/referral-rules-input.js'
import type { ReferralRewardRule } from '../../modules/rewards/referral-rules.js'
import { may } from '../../modules/users/roles.js'
import { parseAmount } from '../../money/parse.js'
import { Field, Select } from '../layout/form.js'
import { Frame } from './frame.js'
import { formErrors, saveProgramChanges } from './program-changes.js'
import { adminPage, column, field, refusal, refusalText, type AdminContext, type AdminDeps, type Form as Posted } from './route.js'
import { SaveButton, SettingsNav } from './settings-nav.js'

const PATH = '/settings/rewards'
const PREVIEW = `${PATH}/preview`
const BLANK_ROWS = 1
const MONTHS = 'Give the months as a whole number from 1 to 1200.'
const MAX_ROWS = 20

const SIDES = [{ value: 'referrer', label: 'The referrer' }, { value: 'friend', label: 'The friend' }]
const TRIGGERS = [{ value: 'sale', label: 'the friend\'s sale' }, { value: 'signup', label: 'the friend\'s sign-up' }]
const TYPES = [{ value: 'static', label: 'Fixed amount' }, { value: 'percent', label: 'Percent of the sale' }]
const UNITS = [{ value: 'currency', label: 'Program currency' }, { value: 'points', label: 'Points' }]
const RECURRENCES = [{ value: 'once', label: 'Once (first sale)' }, { value: 'lifetime', label: 'Every sale' }, { value: 'months', label: 'Sales within months' }]
const ATTRIBUTIONS = [{ value: 'last_click', label: 'The last referral link clicked' }, { value: 'first_click', label: 'The first referral link clicked' }]

type Row = Record<(typeof COLUMNS)[number], string>
const COLUMNS = ['side', 'trigger', 'type', 'value', 'unit', 'recurrence', 'months', 'from', 'to', 'review_days'] as const
const BLANK: Row = { side: 'referrer', trigger: 'sale', type: 'static', value: '', unit: 'currency', recurrence: 'once', months: '', from: '', to: '', review_days: '' }

function rowOf(rule: ReferralRewardRule): Row {
  const months = typeof rule.recurrence === 'object' ? String(rule.recurrence.months) : ''
  return {
    side: rule.side, trigger: rule.trigger, type: rule.type, value: rule.value, unit: rule.unit,
    recurrence: typeof rule.recurrence === 'object' ? 'months' : rule.recurrence, months,
    from: rule.from_occurrence === undefined ? '' : String(rule.from_occurrence),
    to: rule.to_occurrence === undefined ? '' : String(rule.to_occurrence),
    review_days: rule.review_days === undefined ? '' : String(rule.review_days),
  }
}

/** The posted rows, columns zipped; a row without a value is no rule (emptying its value removes it). */
function postedRows(form: Posted): Row[] {
  const lists = Object.fromEntries(COLUMNS.map((name) => [name, column(form, `reward_${name}`)]))
  const count = Math.min(MAX_ROWS + BLANK_ROWS + 5, Math.max(0, ...Object.values(lists).map((l) => l.length)))
  const rows = Array.from({ length: count }, (_, i) => Object.fromEntries(COLUMNS.map((name) => [name, lists[name]![i] ?? ''])) as Row)
  return rows.filter((row) => row.value.trim() !== '')
}

/** The rows as PUT /v1/program's rules (text where it takes numbers: its schema coerces). */
function rulesInput(rows: Row[]): Array<Record<string, unknown>> {
  return rows.map((r) => ({
    side: r.side, trigger: r.trigger, type: r.type, value: r.value.trim(), unit: r.unit,
    recurrence: r.recurrence === 'months' ? { months: r.months } : r.recurrence,
    ...(r.from ? { from_occurrence: r.from } : {}), ...(r.to ? { to_occurrence: r.to } : {}), ...(r.review_days ? { review_days: r.review_days } : {}),
  }))
}

function settingsInput(form: Posted) {
  return { referral_rewards: rulesInput(postedRows(form)), referral_attribution: field(form, 'referral_attribution') }
}

interface PageProps { ctx: AdminContext; errors?: FieldErrors; preview?: string; problem?: string }

function RewardsPage({ ctx, errors, preview, problem }: PageProps) {
  const p = ctx.session!.program
  const posted = ctx.request.method === 'POST'
  const saved = p.settings.program
  const rows = posted ? postedRows(ctx.form) : saved.referral_rewards.map(rowOf)
  const blanks = Math.min(MAX_ROWS, Math.max(BLANK_ROWS, posted ? Number(field(ctx.form, 'blank_rows')) || BLANK_ROWS : BLANK_ROWS) + (posted && ctx.form.add_row ? 1 : 0))
  const shown = [...rows, ...Array.from({ length: blanks }, () => BLANK)]
  const attribution = posted ? field(ctx.form, 'referral_attribution') : saved.referral_attribution
  const err = (name: string) => errors?.[name] ?? []
  const ruleErrors = Object.entries(errors ?? {}).filter(([k]) => k.startsWith('referral_rewards'))
  const mayChange = may(ctx.session!.role, 'change')
  return (
    <Frame ctx={ctx} title="Rewards" section="settings" notice={ruleErrors.length > 0 || err('referral_attribution').length > 0 ? { kind: 'error', text: 'Nothing was saved: see the messages below.' } : undefined}>
      <SettingsNav current="rewards" session={ctx.session!} />
      <h1>Rewards</h1>
      {/* A viewer's form only previews: the rules are its to try, not to change. */}
      <form method="post" action={mayChange ? `/admin${PATH}` : `/admin${PREVIEW}`} aria-label="Reward rules" data-preview={`/admin${PREVIEW}`}>
        <input type="hidden" name="_csrf" value={ctx.session!.csrf} />
        <input type="hidden" name="blank_rows" value={String(blanks)} />
        <fieldset>
          <legend>Reward rules</legend>
          <p class="hint">{`Each rule pays one side when a referred friend signs up or buys. Fixed amounts are in ${p.currency} or points. Empty a rule's value to remove it.`}</p>
          {shown.map((r, i) => {
            const at = (name: string) => ({ [`reward_${name}`]: err(`referral_rewards.${i}.${name === 'from' ? 'from_occurrence' : name === 'to' ? 'to_occurrence' : name}`) })
            // The API sees {months: n} as one recurrence: its refusal is the months field's when months were chosen.
            const recurrence = [...err(`referral_rewards.${i}.recurrence`), ...err(`referral_rewards.${i}.recurrence.months`)]
            const monthsWrong = r.recurrence === 'months' && recurrence.length > 0
            const n = `Rule ${i + 1}`
            return (
              <div class="toolbar" key={`r${i}`}>
                <Select name="reward_side" id={`f-side-${i}`} label={`${n}: who earns`} value={r.side} options={SIDES} errors={at('side')} />
                <Select name="reward_trigger" id={`f-trigger-${i}`} label={`${n}: on`} value={r.trigger} options={TRIGGERS} errors={at('trigger')} />
                <Select name="reward_type" id={`f-type-${i}`} label={`${n}: reward`} value={r.type} options={TYPES} errors={at('type')} />
                <Field name="reward_value" id={`f-value-${i}`} label={`${n}: value`} inputmode="decimal" value={r.value} errors={at('value')} />
                <Select name="reward_unit" id={`f-unit-${i}`} label={`${n}: in`} value={r.unit} options={UNITS} errors={at('unit')} />
                <Select name="reward_recurrence" id={`f-recurrence-${i}`} label={`${n}: for`} value={r.recurrence} options={RECURRENCES} errors={{ reward_recurrence: monthsWrong ? [] : recurrence }} />
                <Field name="reward_months" id={`f-months-${i}`} label={`${n}: months`} type="number" value={r.months} errors={{ reward_months: monthsWrong ? [MONTHS] : [] }} />
                <Field name="reward_from" id={`f-from-${i}`} label={`${n}: from friend number`} type="number" value={r.from} errors={at('from')} />
                <Field name="reward_to" id={`f-to-${i}`} label={`${n}: to friend number`} type="number" value={r.to} errors={at('to')} />
                <Field name="reward_review_days" id={`f-review-${i}`} label={`${n}: days in review`} type="number" value={r.review_days} errors={at('review_days')} />
              </div>
            )
          })}
          {ruleErrors.filter(([k]) => !/^referral_rewards\.\d+\./.test(k)).map(([k, list]) => <p class="field-error" key={k}>{list.join(' ')}</p>)}
          <button type="submit" class="quiet" name="add_row" value="1" formaction={`/admin${PREVIEW}`}>Add a row</button>
        </fieldset>
        <fieldset>
          <legend>Attribution</legend>
          <Select name="referral_attribution" label="A friend who clicked several customers' links is referred by" value={attribution} options={ATTRIBUTIONS} errors={{ referral_attribution: err('referral_attribution') }} />
        </fieldset>
        <PreviewSection ctx={ctx} errors={errors} preview={preview} problem={problem} />
        <SaveButton role={ctx.session!.role} />
      </form>
    </Frame>
  )
}

function PreviewSection({ ctx, errors, preview, problem }: PageProps) {
  const p = ctx.session!.program
  const v = (name: string, fallback: string) => (ctx.request.method === 'POST' ? field(ctx.form, name) || fallback : fallback)
  return (
    <section class="card" aria-labelledby="preview-title">
      <h2 id="preview-title">Preview</h2>
      <div class="toolbar">
        <Select name="preview_trigger" label="What the friend does" value={v('preview_trigger', 'sale')} options={[{ value: 'sale', label: 'Buys' }, { value: 'signup', label: 'Signs up' }]} />
        <Field name="preview_amount" label={`A sale of (${p.currency})`} inputmode="decimal" value={v('preview_amount', '100')} errors={errors} />
        <Field name="preview_sales_before" label="The friend's earlier sales" type="number" value={v('preview_sales_before', '0')} errors={errors} />
        <Field name="preview_months" label="Months since the friend signed up" type="number" value={v('preview_months', '0')} errors={errors} />
        <Field name="preview_occurrence" label="The friend is the referrer's friend number" type="number" value={v('preview_occurrence', '1')} errors={errors} />
      </div>
      <button type="submit" class="quiet" formaction={`/admin${PREVIEW}`}>Preview</button>
      <div id="preview" aria-live="polite">
        {preview && <p>{preview}</p>}
        {problem && <p class="field-error">{`No preview: ${problem}`}</p>}
      </div>
    </section>
  )
}

/** The imagined event from the preview fields; a field that is no amount or count is refused by name. */
function imagined(form: Posted): ImaginedReferral {
  const errors: FieldErrors = {}
  const count = (name: string, fallback: string, min = 0) => {
    const text = field(form, name) || fallback
    const ok = /^[0-9]{1,6}$/.test(text) && Number(text) >= min
    if (!ok) errors[name] = [min > 0 ? 'Give a whole number from 1.' : 'Give a whole number.']
    return ok ? Number(text) : min
  }
  const parsed = parseAmount(field(form, 'preview_amount') || '0')
  if ('error' in parsed || parsed.micros < 0n) errors.preview_amount = ['Give an amount, e.g. 100 or 49.90.']
  const event: ImaginedReferral = {
    trigger: field(form, 'preview_trigger') === 'signup' ? 'signup' : 'sale',
    amount: 'micros' in parsed ? parsed.micros : 0n,
    salesBefore: count('preview_sales_before', '0'), monthsSinceSignup: count('preview_months', '0'), occurrence: count('preview_occurrence', '1', 1),
  }
  if (Object.keys(errors).length > 0) throw invalid(errors)
  return event
}

const DEFAULT_EVENT: ImaginedReferral = { trigger: 'sale', amount: 100_000_000n, salesBefore: 0, monthsSinceSignup: 0, occurrence: 1 }
const validRules = compileInput(Type.Object({ referral_rewards: ReferralRewardsInput }))

function referralProgram(ctx: AdminContext): Program {
  const p = ctx.session!.program
  // Reward rules are a refer-a-friend program's; an affiliate program's are its commission settings.
  if (!isReferralProgram(p)) throw notFound('Page not found')
  return p
}

export function rewardsSettingsPages(app: FastifyInstance, deps: AdminDeps) {
  adminPage(app, deps, {
    method: 'GET', path: PATH, access: 'user',
    async handle(ctx) {
      const p = referralProgram(ctx)
      const preview = referralPreviewText(DEFAULT_EVENT, previewReferral(p.settings.program.referral_rewards, p.currency, DEFAULT_EVENT, Date.now()), p.currency)
      return <RewardsPage ctx={ctx} preview={preview} />
    },
  })

  // The rules in the form, saved or not, applied to the imagined event; nothing is stored. Anyone who
  // may see the rules may try them.
  adminPage(app, deps, {
    method: 'POST', path: PREVIEW, access: 'user', needs: 'read',
    async handle(ctx) {
      const p = referralProgram(ctx)
      try {
        const input = check<{ referral_rewards: Parameters<typeof referralRewardRules>[0] }>(validRules, { referral_rewards: settingsInput(ctx.form).referral_rewards })
        const rules = referralRewardRules(input.referral_rewards)
        const event = imagined(ctx.form)
        return <RewardsPage ctx={ctx} preview={referralPreviewText(event, previewReferral(rules, p.currency, event, Date.now()), p.currency)} />
      } catch (err) {
        const e = refusal(err, 'invalid')
        return { status: 422, page: <RewardsPage ctx={ctx} errors={formErrors(e.errors)} problem={refusalText(e)} /> }
      }
    },
  })

  adminPage(app, deps, {
    method: 'POST', path: PATH, access: 'user',
    async handle(ctx) {
      referralProgram(ctx)
      const errors = await saveProgramChanges(ctx, { program_settings: settingsInput(ctx.form) }, 'program.rewards_updated')
      return errors ? { status: 422, page: <RewardsPage ctx={ctx} errors={errors} /> } : { redirect: `/admin${PATH}?notice=settings-saved` }
    },
  })
}
