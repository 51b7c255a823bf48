// The commission rules: the base rate and period, the review period, performance tiers, product
// rules and the levels up the referring chain (PUT /v1/program's program_settings.commission,
// through its service) — with a preview of what one imagined sale would earn under the rules in the
// form, saved or not, computed by the engine itself (commissions/preview.ts).
import type { FastifyInstance } from 'fastify'
import { check, compileInput } from '../../http/validation.js'
import { invalid, type FieldErrors } from '../../domain-errors.js'
import { rulesWith } from '../../modules/commissions/input.js'
import { previewCommission, type ImaginedSale, type Preview } from '../../modules/commissions/preview.js'
import { periodText, type CommissionRules } from '../../modules/commissions/rules.js'
import { CommissionInput } from '../../modules/commissions/schemas.js'
import { parseAmount } from '../../money/parse.js'
import { may } from '../../modules/users/roles.js'
import { Check, Field, Select } from '../layout/form.js'
import { appliedRateText, ruleSourceText } from '../layout/commission-words.js'
import { money } from '../layout/format.js'
import { Frame } from './frame.js'
import { formErrors, saveProgramChanges } from './program-changes.js'
import { adminPage, column, field, refusal, refusalText, type AdminContext, type AdminDeps, type Form as Posted } from './route.js'
import { SaveButton, SettingsNav } from './settings-nav.js'

const RATE_TYPES = [{ value: 'percent', label: 'Percent of the sale' }, { value: 'static', label: 'Fixed amount' }]
const METRICS = [{ value: 'customers', label: 'Paying customers' }, { value: 'signups', label: 'Sign-ups' }, { value: 'revenue', label: 'Revenue' }]
const LEVELS = 4
const BLANK_ROWS = 2

type Row = Record<string, string>

/** The rules as the form's rows of text. */
function rowsOf(rules: CommissionRules) {
  return {
    base: { type: rules.type, value: rules.value, period: periodText(rules.period), review_days: String(rules.review_days) },
    tiers: rules.tiers.map((t) => ({ metric: t.metric, from: t.from, type: t.type, value: t.value })),
    products: rules.products.map((p) => ({ id: p.product_id ?? '', kind: p.product_type ?? '', priority: String(p.priority), type: p.type, value: p.value })),
    levels: rules.levels.map((l) => ({ type: l.type, value: l.value })),
  }
}

/** The posted rows, columns zipped; rows with nothing typed in `filled` are dropped. */
function postedRows(form: Posted, columns: Record<string, string>, filled: string[]): Row[] {
  const lists = Object.fromEntries(Object.entries(columns).map(([name, posted]) => [name, column(form, posted)]))
  const count = Math.max(...Object.values(lists).map((l) => l.length))
  const rows = Array.from({ length: count }, (_, i) => Object.fromEntries(Object.keys(columns).map((name) => [name, lists[name]![i] ?? ''])))
  return rows.filter((row) => filled.some((name) => row[name] !== ''))
}

function postedForm(form: Posted) {
  const levels = postedRows(form, { type: 'level_type', value: 'level_value' }, ['type', 'value'])
    .map((l) => ({ type: l.type ?? 'percent', value: l.value ?? '' }))
  // Levels are positional (level 2 first): only trailing empty ones are dropped.
  while (levels.length > 0 && levels[levels.length - 1]!.value === '') levels.pop()
  return {
    base: { type: field(form, 'type'), value: field(form, 'value'), period: field(form, 'period'), review_days: field(form, 'review_days') },
    rounding: form.rounding === 'on', productsOverTiers: form.products_over_tiers === 'on',
    tiers: postedRows(form, { metric: 'tier_metric', from: 'tier_from', type: 'tier_type', value: 'tier_value' }, ['from', 'value']),
    products: postedRows(form, { id: 'product_id', kind: 'product_type', priority: 'product_priority', type: 'product_rate_type', value: 'product_value' }, ['id', 'kind', 'value']),
    levels,
  }
}

/** The form as the API's commission input (text where the API takes numbers: its schema coerces). */
function inputOf(form: Posted): Record<string, unknown> {
  const f = postedForm(form)
  return {
    ...f.base, rounding: f.rounding, products_over_tiers: f.productsOverTiers,
    tiers: f.tiers.map((t) => ({ metric: t.metric, from: t.from, type: t.type, value: t.value })),
    products: f.products.map((p) => ({
      ...(p.id ? { product_id: p.id } : {}), ...(p.kind ? { product_type: p.kind } : {}), ...(p.priority ? { priority: p.priority } : {}), type: p.type, value: p.value,
    })),
    levels: f.levels.map((l) => ({ type: l.type || 'percent', value: l.value })),
  }
}

interface PageProps { ctx: AdminContext; errors?: FieldErrors; preview?: PreviewResult; problem?: string }

function CommissionPage({ ctx, errors, preview, problem }: PageProps) {
  const p = ctx.session!.program
  const rules = p.settings.commission
  const posted = ctx.request.method === 'POST'
  const f = posted ? postedForm(ctx.form) : { ...rowsOf(rules), rounding: rules.rounding, productsOverTiers: rules.products_over_tiers }
  const err = (name: string) => errors?.[`commission.${name}`] ?? []
  const at = (prefix: string, i: number, names: string[]) => Object.fromEntries(names.map((n) => [n, err(`${prefix}.${i}.${n}`)]))
  const blank = (n: number, row: Row) => Array.from({ length: n }, () => row)
  const tiers = [...f.tiers, ...blank(BLANK_ROWS, { metric: 'customers', from: '', type: 'percent', value: '' })]
  const products = [...f.products, ...blank(BLANK_ROWS, { id: '', kind: '', priority: '', type: 'percent', value: '' })]
  const levels = [...f.levels, ...blank(LEVELS - f.levels.length, { type: 'percent', value: '' })]
  return (
    <Frame ctx={ctx} title="Commission" section="settings" notice={errors && Object.keys(errors).some((k) => k.startsWith('commission')) ? { kind: 'error', text: 'Nothing was saved: see the messages below.' } : undefined}>
      <SettingsNav current="commission" session={ctx.session!} />
      <h1>Commission</h1>
      {/* A viewer's form only previews: the rules are its to try, not to change. */}
      <form method="post" action={may(ctx.session!.role, 'change') ? '/admin/settings/commission' : '/admin/settings/commission/preview'}
        aria-label="Commission rules" data-preview="/admin/settings/commission/preview">
        <input type="hidden" name="_csrf" value={ctx.session!.csrf} />
        <fieldset>
          <legend>Every sale</legend>
          <Select name="type" label="Commission" value={f.base.type} options={RATE_TYPES} errors={{ type: err('type') }} />
          <Field name="value" label={`Rate (percent, or ${p.currency} for a fixed amount)`} inputmode="decimal" value={f.base.value} errors={{ value: err('value') }} />
          <Field name="period" label="For how long a customer earns its partner commission" value={f.base.period} errors={{ period: err('period') }}
            hint='"lifetime", or a count and a unit: "1 sale", "3 sales", "30 days", "12 months", "2 years".' />
          <Field name="review_days" label="Days a commission stays in review" type="number" value={f.base.review_days} errors={{ review_days: err('review_days') }} />
          <Check name="rounding" label={`Round each commission to the cent (${p.currency}'s minor unit)`} checked={f.rounding} />
        </fieldset>
        <fieldset>
          <legend>Performance tiers</legend>
          <p class="hint">Once a partner reaches a tier, its rate replaces the one above; the best tier reached applies. Leave a row empty to remove it.</p>
          {tiers.map((t, i) => (
            <div class="toolbar" key={`t${i}`}>
              <Select name="tier_metric" id={`f-tier-metric-${i}`} label={`Tier ${i + 1}: when`} value={t.metric} options={METRICS} errors={at('tiers', i, ['metric'])} />
              <Field name="tier_from" id={`f-tier-from-${i}`} label={`Tier ${i + 1}: reaches`} inputmode="decimal" value={t.from} errors={{ tier_from: err(`tiers.${i}.from`) }} />
              <Select name="tier_type" id={`f-tier-type-${i}`} label={`Tier ${i + 1}: commission`} value={t.type} options={RATE_TYPES} />
              <Field name="tier_value" id={`f-tier-value-${i}`} label={`Tier ${i + 1}: rate`} inputmode="decimal" value={t.value} errors={{ tier_value: err(`tiers.${i}.value`) }} />
            </div>
          ))}
        </fieldset>
        <fieldset>
          <legend>Product rules</legend>
          <p class="hint">A sale of a matching product earns the rule's rate; among matching rules the highest priority wins.</p>
          {products.map((r, i) => (
            <div class="toolbar" key={`p${i}`}>
              <Field name="product_id" id={`f-product-id-${i}`} label={`Rule ${i + 1}: product id`} value={r.id} errors={{ product_id: err(`products.${i}.product_id`) }} />
              <Field name="product_type" id={`f-product-type-${i}`} label={`Rule ${i + 1}: or product type`} value={r.kind} errors={{ product_type: err(`products.${i}.product_type`) }} />
              <Field name="product_priority" id={`f-product-priority-${i}`} label={`Rule ${i + 1}: priority`} type="number" value={r.priority} errors={{ product_priority: err(`products.${i}.priority`) }} />
              <Select name="product_rate_type" id={`f-product-rate-type-${i}`} label={`Rule ${i + 1}: commission`} value={r.type} options={RATE_TYPES} />
              <Field name="product_value" id={`f-product-value-${i}`} label={`Rule ${i + 1}: rate`} inputmode="decimal" value={r.value} errors={{ product_value: err(`products.${i}.value`) }} />
            </div>
          ))}
          <Check name="products_over_tiers" label="A matching product rule beats a reached tier" checked={f.productsOverTiers} />
        </fieldset>
        <fieldset>
          <legend>Levels up the referring chain</legend>
          <p class="hint">What the partner who referred the selling partner earns (level 2), and so on up. Empty: nothing.</p>
          {levels.map((l, i) => (
            <div class="toolbar" key={`l${i}`}>
              <Select name="level_type" id={`f-level-type-${i}`} label={`Level ${i + 2}: commission`} value={l.type} options={RATE_TYPES} />
              <Field name="level_value" id={`f-level-value-${i}`} label={`Level ${i + 2}: rate`} inputmode="decimal" value={l.value} errors={{ level_value: err(`levels.${i}.value`) }} />
            </div>
          ))}
        </fieldset>
        <PreviewSection ctx={ctx} errors={errors} preview={preview} problem={problem} />
        <SaveButton role={ctx.session!.role} />
      </form>
    </Frame>
  )
}

interface PreviewResult { sale: ImaginedSale; result: Preview; reviewDays: number }

function PreviewSection({ ctx, errors, preview, problem }: PageProps) {
  const p = ctx.session!.program
  const v = (name: string, fallback: string) => (ctx.request.method === 'POST' ? field(ctx.form, name) : fallback)
  return (
    <section class="card" aria-labelledby="preview-title">
      <h2 id="preview-title">Preview</h2>
      <div class="toolbar">
        <Field name="preview_amount" label={`A sale of (${p.currency})`} inputmode="decimal" value={v('preview_amount', '100')} errors={errors} />
        <Field name="preview_customers" label="by a partner with paying customers" type="number" value={v('preview_customers', '0')} errors={errors} />
        <Field name="preview_signups" label="and sign-ups" type="number" value={v('preview_signups', '0')} errors={errors} />
        <Field name="preview_revenue" label={`and revenue so far (${p.currency})`} inputmode="decimal" value={v('preview_revenue', '0')} errors={errors} />
        <Field name="preview_product" label="of product (id, optional)" value={v('preview_product', '')} errors={errors} />
        <Field name="preview_product_type" label="of product type (optional)" value={v('preview_product_type', '')} errors={errors} />
        <Field name="preview_sales_before" label="the customer's earlier sales" type="number" value={v('preview_sales_before', '0')} errors={errors} />
      </div>
      <button type="submit" class="quiet" formaction="/admin/settings/commission/preview">Preview</button>
      <div id="preview" aria-live="polite">
        {preview && <p>{previewText(preview, p.currency)}</p>}
        {problem && <p class="field-error">{`No preview: ${problem}`}</p>}
      </div>
    </section>
  )
}

/** "A sale of $100.00 by a partner with 12 paying customers earns $15.00, because 15% of a $100.00 sale, by the tier for customers from 10." */
export function previewText({ sale, result, reviewDays }: PreviewResult, currency: string): string {
  const who = `A sale of ${money(sale.amount, currency)} by a partner with ${sale.customers} paying customer${sale.customers === 1n ? '' : 's'}`
  if (!result.rule) return `${who} earns nothing: the commission period is over for this customer's sale number ${sale.salesBefore + 1}.`
  const how = result.rule.type === 'percent' ? `${appliedRateText(result.rule)} of the sale` : `a fixed ${appliedRateText(result.rule)}`
  const review = reviewDays > 0 ? ` It is payable after ${reviewDays} day${reviewDays === 1 ? '' : 's'} in review.` : ' It is payable at once.'
  const chain = result.levels.map((l) => ` The level ${l.level} partner earns ${money(l.reward, currency)}.`).join('')
  return `${who} earns ${money(result.reward, currency)}, because ${how}, by ${ruleSourceText(result.rule, 'merchant')}.${review}${chain}`
}

/** The imagined sale from the preview fields; a field that is no amount or count is refused by name. */
function imaginedSale(form: Posted): ImaginedSale {
  const errors: FieldErrors = {}
  const amount = (name: string) => {
    const parsed = parseAmount(field(form, name) || '0')
    if ('error' in parsed || parsed.micros < 0n) (errors[name] = ['Give an amount, e.g. 100 or 49.90.'])
    return 'micros' in parsed ? parsed.micros : 0n
  }
  const count = (name: string) => {
    const text = field(form, name) || '0'
    if (!/^[0-9]{1,9}$/.test(text)) (errors[name] = ['Give a whole number.'])
    return /^[0-9]{1,9}$/.test(text) ? Number(text) : 0
  }
  const sale = {
    amount: amount('preview_amount'), customers: BigInt(count('preview_customers')), signups: BigInt(count('preview_signups')),
    revenue: amount('preview_revenue'), productId: field(form, 'preview_product') || undefined,
    productType: field(form, 'preview_product_type') || undefined, salesBefore: count('preview_sales_before'),
  }
  if (Object.keys(errors).length > 0) throw invalid(errors)
  return sale
}

export function commissionSettingsPages(app: FastifyInstance, deps: AdminDeps) {
  adminPage(app, deps, {
    method: 'GET', path: '/settings/commission', access: 'user',
    async handle(ctx) {
      const p = ctx.session!.program
      const sale = { amount: 100_000_000n, customers: 0n, signups: 0n, revenue: 0n, salesBefore: 0 }
      const preview = { sale, result: previewCommission(p.settings.commission, p.currency, sale), reviewDays: p.settings.commission.review_days }
      return <CommissionPage ctx={ctx} preview={preview} />
    },
  })

  // The rules in the form, saved or not, applied to the imagined sale; nothing is stored. Anyone who
  // may see the rules may try them.
  adminPage(app, deps, {
    method: 'POST', path: '/settings/commission/preview', access: 'user', needs: 'read',
    async handle(ctx) {
      const p = ctx.session!.program
      try {
        const rules = rulesWith(p.settings.commission, check<CommissionInput>(compileInput(CommissionInput), inputOf(ctx.form)), 'commission')
        const sale = imaginedSale(ctx.form)
        return <CommissionPage ctx={ctx} preview={{ sale, result: previewCommission(rules, p.currency, sale), reviewDays: rules.review_days }} />
      } catch (err) {
        const e = refusal(err, 'invalid')
        return { status: 422, page: <CommissionPage ctx={ctx} errors={prefixed(e.errors ?? {})} problem={refusalText(e)} /> }
      }
    },
  })

  adminPage(app, deps, {
    method: 'POST', path: '/settings/commission', access: 'user',
    async handle(ctx) {
      const errors = await saveProgramChanges(ctx, { program_settings: { commission: inputOf(ctx.form) } }, 'program.commission_updated')
      return errors ? { status: 422, page: <CommissionPage ctx={ctx} errors={errors} /> } : { redirect: '/admin/settings/commission?notice=settings-saved' }
    },
  })
}

/** The schema's errors of the bare commission input (`tiers.0.value`) named as the page's (`commission.tiers.0.value`); the preview's own stay. */
function prefixed(errors: FieldErrors): FieldErrors {
  const out: FieldErrors = {}
  for (const [name, list] of Object.entries(formErrors(errors))) out[name.startsWith('preview_') || name.startsWith('commission') ? name : `commission.${name}`] = list
  return out
}
