// Customers: the program's customers searched by key or email (the API's search), and one
// customer's page: who it is, which partner, link and click credited it and why, its sales with
// their refunds and rewards; recording a sale, refunding one, archiving and restoring the customer.
// Every change goes through the service the API calls, then into the audit log.
import type { FastifyInstance } from 'fastify'
import type { Static } from 'typebox'
import { notFound } from '../../domain-errors.js'
import { check, compileInput } from '../../http/validation.js'
import { microsToDecimal } from '../../money/micros.js'
import { parseAmount } from '../../money/parse.js'
import { explainAttribution, type AttributionView } from '../../modules/customers/attribution.js'
import { customerView, type CustomerView } from '../../modules/customers/representation.js'
import { changeCustomerState, listCustomers, requireAffiliateCustomers, resolveCustomer, type CustomerRow } from '../../modules/customers/service.js'
import { findPartnerByRowId } from '../../modules/partners/service.js'
import type { Program } from '../../modules/programs/service.js'
import { NewTransactionInput } from '../../modules/transactions/schemas.js'
import { createTransactions, refundTransaction, requireTransaction, salesOfCustomer, type SaleLine } from '../../modules/transactions/service.js'
import { record } from '../../modules/users/audit.js'
import { Field, Form, Submit, type FieldErrors } from '../layout/form.js'
import { date, money } from '../layout/format.js'
import { PostButton } from '../layout/post-button.js'
import { Pager, pageNumber, Table } from '../layout/table.js'
import { Frame } from './frame.js'
import { adminPage, field, refusal, refusalText, type AdminContext, type AdminDeps } from './route.js'
import { adminHref, SALES_ACTIONS, SALES_PAGES } from './sales-paths.js'
import { CREDIT_PATH, creditFromPage, ReferralCustomerPage, ReferralCustomersPage } from './referral-customers.js'
import { isReferralProgram } from '../../modules/customers/referral-service.js'

const PAGE_SIZE = 25
const validSale = compileInput(NewTransactionInput)

function programOf(ctx: AdminContext): Program {
  const program = ctx.session!.program
  requireAffiliateCustomers(program)
  return program
}

/** A wire amount (major units as a number) as the page shows it. */
function shown(amount: number, currency: string): string {
  const parsed = parseAmount(String(amount))
  return 'micros' in parsed ? money(parsed.micros, currency) : String(amount)
}

const statusLabel = (status: string) => status[0]?.toUpperCase() + status.slice(1)

async function CustomersPage({ ctx }: { ctx: AdminContext }) {
  const program = programOf(ctx)
  const page = pageNumber(ctx.query.page)
  const key = (ctx.query.key ?? '').trim()
  const email = (ctx.query.email ?? '').trim()
  const rows = await listCustomers(ctx.db, program, {
    sort: 'desc', offset: (page - 1) * PAGE_SIZE, fetch: PAGE_SIZE + 1,
    filters: { key: key || undefined, email: email || undefined },
  })
  const search = new URLSearchParams({ ...(key ? { key } : {}), ...(email ? { email } : {}) })
  return (
    <Frame ctx={ctx} title="Customers" section="customers">
      <h1>Customers</h1>
      <form method="get" action="/admin/customers" aria-label="Search customers" class="toolbar">
        <div><label for="f-key">Key contains</label><input id="f-key" name="key" type="text" value={key} maxLength={255} /></div>
        <div><label for="f-email">Email contains</label><input id="f-email" name="email" type="text" value={email} maxLength={255} /></div>
        <button type="submit">Search</button>
      </form>
      <Table<CustomerView>
        caption="Customers" rows={rows.slice(0, PAGE_SIZE)} rowKey={(c) => c.key}
        empty={key || email ? 'No customer matches this search.' : 'No customers yet. Partners\' referrals and the API add them.'}
        columns={[
          { label: 'Key', cell: (c) => <a href={adminHref(SALES_PAGES.customer, { key: c.key })}>{c.key}</a> },
          { label: 'Name', cell: (c) => [c.name, c.surname].filter(Boolean).join(' ') },
          { label: 'Email', cell: (c) => c.email ?? '' },
          { label: 'Partner', cell: (c) => c.partner ?? 'none' },
          { label: 'Status', cell: (c) => statusLabel(c.status) },
          { label: 'Since', cell: (c) => date(c.created_at) },
        ]}
      />
      <Pager page={page} hasMore={rows.length > PAGE_SIZE} href={(n) => `/admin/customers?${new URLSearchParams([...search, ['page', String(n)]])}`} />
    </Frame>
  )
}

interface CustomerPageProps {
  ctx: AdminContext
  ref: string
  /** The sale form as posted, with the service's messages. */
  sale?: { values: Record<string, string>; errors?: FieldErrors }
  failed?: string
}

/** Who credited the customer, in words. */
function credit(a: AttributionView, partner: { name: string | null; email: string } | undefined, referralUrl: string | null): string {
  if (!a.attributed) return a.reason
  const who = `partner ${partner?.name ? `${partner.name} (${a.partner})` : a.partner}`
  const link = a.link ? ` through the referral link "${a.link.key}"` : ''
  const how = a.click ? `, clicked on ${date(a.click.first_at)} (${a.click.id})` : a.link ? ', named when the customer was added (no click on record)' : ', named when the customer was added'
  const url = referralUrl ? ` The customer arrived on ${referralUrl}.` : ''
  const self = !a.self_referral ? ''
    : a.earns_commission ? ' The customer\'s email is the partner\'s own; the program rewards self-referrals.'
      : ' The customer\'s email is the partner\'s own (a self-referral): it earns no commission.'
  return `Credited to ${who}${link}${how}.${url}${self}`
}

async function CustomerPage({ ctx, ref, sale, failed }: CustomerPageProps) {
  const program = programOf(ctx)
  const row: CustomerRow = await resolveCustomer(ctx.db, program, ref)
  const view = customerView(row)
  const page = pageNumber(ctx.query.page)
  const [attribution, partner, sales] = await Promise.all([
    explainAttribution(ctx.db, program, row),
    row.partner_id === null ? undefined : findPartnerByRowId(ctx.db, program.id, Number(row.partner_id)),
    salesOfCustomer(ctx.db, program, Number(row.id), { offset: (page - 1) * PAGE_SIZE, fetch: PAGE_SIZE + 1 }),
  ])
  const csrf = ctx.session!.csrf
  const mayChange = ctx.session!.role !== 'viewer'
  const here = adminHref(SALES_PAGES.customer, { key: view.key })
  const name = [view.name, view.surname].filter(Boolean).join(' ')
  const archived = view.status === 'archived'
  return (
    <Frame ctx={ctx} title={`Customer ${view.key}`} section="customers" notice={failed ? { kind: 'error', text: failed } : undefined}>
      <p><a href="/admin/customers">All customers</a></p>
      <h1>{name || view.key}</h1>
      <dl>
        <dt>Key</dt><dd>{view.key}</dd>
        <dt>Email</dt><dd>{view.email ?? 'none'}</dd>
        <dt>Status</dt><dd>{statusLabel(view.status)}</dd>
        <dt>Customer since</dt><dd>{date(view.created_at)}</dd>
        {view.tags.length > 0 && <><dt>Tags</dt><dd>{view.tags.map((t) => t.value).join(', ')}</dd></>}
      </dl>
      {mayChange && (archived
        ? <PostButton action={adminHref(SALES_ACTIONS.restoreCustomer, { key: view.key })} csrf={csrf} label="Restore the customer" />
        : <PostButton action={adminHref(SALES_ACTIONS.archiveCustomer, { key: view.key })} csrf={csrf} label="Archive the customer" />)}

      <section class="card" aria-labelledby="attribution-title">
      <h2 id="attribution-title">Attribution</h2>
      <p id="attribution">{credit(attribution, partner, row.referral_url)}</p>
      <dl>
        <dt>Partner</dt><dd>{attribution.partner ? `${partner?.name ? `${partner.name}, ` : ''}${partner?.email ?? ''} (${attribution.partner})` : 'none'}</dd>
        <dt>Referral link</dt><dd>{attribution.link?.key ?? 'none'}</dd>
        <dt>Click</dt><dd>{attribution.click ? `${attribution.click.id}, first on ${date(attribution.click.first_at)}, last counted on ${date(attribution.click.last_counted_at)}` : 'none on record'}</dd>
        <dt>Referral URL</dt><dd>{row.referral_url ?? 'none'}</dd>
        <dt>Self-referral</dt><dd>{attribution.self_referral ? 'yes' : 'no'}</dd>
        <dt>Earns commission</dt><dd>{attribution.earns_commission ? 'yes' : 'no'}</dd>
      </dl>
      </section>

      <h2>Sales</h2>
      <Table<SaleLine>
        caption="The customer's sales" rows={sales.slice(0, PAGE_SIZE)} rowKey={(s) => s.view.key} empty="No sales yet."
        columns={[
          { label: 'Sale', cell: (s) => <>{s.view.key}{s.archived ? ' (archived)' : ''}</> },
          { label: 'Date', cell: (s) => date(s.view.created_at) },
          { label: 'Amount', num: true, cell: (s) => money(s.amount, s.view.amount_units) },
          { label: 'Refunded', num: true, cell: (s) => money(s.refunded, s.view.amount_units) },
          { label: 'Still counts', num: true, cell: (s) => money(s.amount - s.refunded, s.view.amount_units) },
          {
            label: 'Commissions', cell: (s) => s.view.rewards.length === 0 ? 'none' : (
              <ul>{s.view.rewards.map((r, i) => <li key={i}>{`${shown(r.amount, r.amount_units)} to ${r.partner ?? 'a deleted partner'}, ${rewardStatus(r.status)}`}</li>)}</ul>
            ),
          },
          ...(mayChange ? [{
            label: 'Refund', cell: (s: SaleLine) => s.archived || s.amount - s.refunded <= 0n ? 'nothing to refund' : (
              <>
                <Form action={adminHref(SALES_ACTIONS.refundSale, { key: view.key, sale: s.view.key })} csrf={csrf} label={`Refund part of sale ${s.view.key}`}>
                  <Field name="amount" id={`refund-${s.view.key}`} label="Amount to refund" inputmode="decimal" required />
                  <Submit>Refund</Submit>
                </Form>
                <PostButton action={adminHref(SALES_ACTIONS.refundSale, { key: view.key, sale: s.view.key })} csrf={csrf}
                  label={`Refund all that is left of ${s.view.key}`} fields={{ amount: microsToDecimal(s.amount - s.refunded) }} quiet />
              </>
            ),
          }] : []),
        ]}
      />
      <Pager page={page} hasMore={sales.length > PAGE_SIZE} href={(n) => `${here}?page=${n}`} />

      {mayChange && (
        <>
          <h2>Record a sale</h2>
          <Form action={adminHref(SALES_ACTIONS.recordSale, { key: view.key })} csrf={csrf} label="Record a sale">
            <Field name="amount" label="Amount" inputmode="decimal" required value={sale?.values.amount} errors={sale?.errors} />
            <Field name="amount_units" label="Currency (optional)" hint={`Three letters; ${program.currency} when left empty.`} value={sale?.values.amount_units} errors={sale?.errors} maxlength={3} />
            <Field name="key" label="Sale key (optional)" hint="Your order number; one is made when left empty." value={sale?.values.key} errors={sale?.errors} maxlength={255} />
            <Field name="product_id" label="Product id (optional)" value={sale?.values.product_id} errors={sale?.errors} maxlength={255} />
            <Field name="product_type" label="Product type (optional)" value={sale?.values.product_type} errors={sale?.errors} maxlength={255} />
            <Submit>Record the sale</Submit>
          </Form>
        </>
      )}
    </Frame>
  )
}

function rewardStatus(status: string): string {
  return status === 'review_period' ? 'in review' : status === 'ok' ? 'approved' : status
}

const SALE_FIELDS = ['amount', 'amount_units', 'key', 'product_id', 'product_type'] as const

export function customerPages(app: FastifyInstance, deps: AdminDeps) {
  // A refer-a-friend program's customers refer one another: their own pages (referral-customers.tsx).
  const referral = (ctx: AdminContext) => isReferralProgram(ctx.session!.program) ? ctx.session!.program : undefined
  adminPage(app, deps, {
    method: 'GET', path: SALES_PAGES.customers, access: 'user',
    handle: (ctx) => { const raf = referral(ctx); return raf ? ReferralCustomersPage({ ctx, program: raf }) : CustomersPage({ ctx }) },
  })

  adminPage(app, deps, {
    method: 'GET', path: SALES_PAGES.customer, access: 'user',
    handle: (ctx) => {
      const raf = referral(ctx)
      return raf ? ReferralCustomerPage({ ctx, program: raf, ref: ctx.params.key as string }) : CustomerPage({ ctx, ref: ctx.params.key as string })
    },
  })

  adminPage(app, deps, {
    method: 'POST', path: CREDIT_PATH, access: 'user',
    async handle(ctx) {
      const raf = referral(ctx)
      // Only a refer-a-friend customer has a balance to credit.
      if (!raf) throw notFound('Page not found')
      return creditFromPage(ctx, raf)
    },
  })

  adminPage(app, deps, {
    method: 'POST', path: SALES_ACTIONS.recordSale, access: 'user',
    async handle(ctx) {
      const program = programOf(ctx)
      const customer = customerView(await resolveCustomer(ctx.db, program, ctx.params.key as string))
      const values = Object.fromEntries(SALE_FIELDS.map((name) => [name, field(ctx.form, name)]))
      let key: string
      try {
        const given = Object.fromEntries(Object.entries(values).filter(([, v]) => v !== ''))
        const input = check<Static<typeof NewTransactionInput>>(validSale, { ...given, customer: { key: customer.key } })
        const sale = await createTransactions(ctx.db, program, input)
        key = (Array.isArray(sale) ? sale[0]?.key : sale?.key) as string
        await record(ctx.db, {
          programId: program.id, userId: ctx.session!.user.id, action: 'transaction.created', objectType: 'transaction', objectId: key,
          detail: { customer: customer.key, amount: values.amount, currency: values.amount_units || program.currency },
        })
      } catch (err) {
        const refused = refusal(err, 'invalid', 'refused')
        return { status: 422, page: await CustomerPage({ ctx, ref: customer.key, sale: { values, errors: refused.errors }, failed: `The sale was not recorded: ${refusalText(refused)}` }) }
      }
      return { redirect: `${adminHref(SALES_PAGES.customer, { key: customer.key })}?notice=sale-recorded` }
    },
  })

  adminPage(app, deps, {
    method: 'POST', path: SALES_ACTIONS.refundSale, access: 'user',
    async handle(ctx) {
      const program = programOf(ctx)
      const customer = await resolveCustomer(ctx.db, program, ctx.params.key as string)
      const saleKey = ctx.params.sale as string
      // Only a sale of this customer is refunded from its page.
      const sale = await requireTransaction(ctx.db, program, saleKey)
      if (Number(sale.customer_id) !== Number(customer.id)) throw notFound('Transaction not found')
      const amount = field(ctx.form, 'amount')
      try {
        await refundTransaction(ctx.db, program, saleKey, amount)
        await record(ctx.db, {
          programId: program.id, userId: ctx.session!.user.id, action: 'transaction.refunded', objectType: 'transaction', objectId: saleKey,
          detail: { customer: customer.key, amount },
        })
      } catch (err) {
        const refused = refusal(err, 'invalid', 'refused')
        return { status: 422, page: await CustomerPage({ ctx, ref: customer.key as string, failed: `Sale ${saleKey} was not refunded: ${refusalText(refused)}` }) }
      }
      return { redirect: `${adminHref(SALES_PAGES.customer, { key: customer.key as string })}?notice=sale-refunded` }
    },
  })

  for (const [path, action, audited, notice] of [
    [SALES_ACTIONS.archiveCustomer, 'archive', 'customer.archived', 'customer-archived'],
    [SALES_ACTIONS.restoreCustomer, 'revoke-archive', 'customer.restored', 'customer-restored'],
  ] as const) {
    adminPage(app, deps, {
      method: 'POST', path, access: 'user',
      async handle(ctx) {
        const program = programOf(ctx)
        const ref = ctx.params.key as string
        let view: CustomerView
        try {
          view = await changeCustomerState(ctx.db, program, ref, action)
          await record(ctx.db, { programId: program.id, userId: ctx.session!.user.id, action: audited, objectType: 'customer', objectId: view.key })
        } catch (err) {
          const refused = refusal(err, 'refused')
          return { status: 422, page: await CustomerPage({ ctx, ref, failed: refusalText(refused) }) }
        }
        return { redirect: `${adminHref(SALES_PAGES.customer, { key: view.key })}?notice=${notice}` }
      },
    })
  }
}
