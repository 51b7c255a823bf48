// Leads: the program's leads as the API lists them, each submitted one converted into a customer of
// its partner (with an optional first sale) or rejected, by the services the API's routes call.
import type { FastifyInstance } from 'fastify'
import type { Static } from 'typebox'
import { check, compileInput } from '../../http/validation.js'
import { requireAffiliateCustomers } from '../../modules/customers/service.js'
import type { leadView } from '../../modules/leads/representation.js'
import { ConvertLeadInput } from '../../modules/leads/schemas.js'
import { convertLead, leadNumber, listLeads, rejectLead, requireLead } from '../../modules/leads/service.js'
import type { Program } from '../../modules/programs/service.js'
import { record } from '../../modules/users/audit.js'
import { Field, Form, Submit } from '../layout/form.js'
import { date } from '../layout/format.js'
import { PostButton } from '../layout/post-button.js'
import { Pager, pageNumber, Table } from '../layout/table.js'
import { Frame } from './frame.js'
import { adminPage, field, refusal, refusalText, type AdminContext, type AdminDeps } from './route.js'
import { adminHref, SALES_ACTIONS, SALES_PAGES } from './sales-paths.js'

const PAGE_SIZE = 25
const validConversion = compileInput(ConvertLeadInput)

type LeadView = ReturnType<typeof leadView>

function programOf(ctx: AdminContext): Program {
  const program = ctx.session!.program
  requireAffiliateCustomers(program)
  return program
}

async function LeadsPage({ ctx, failed }: { ctx: AdminContext; failed?: string }) {
  const program = programOf(ctx)
  const page = pageNumber(ctx.query.page)
  const leads = await listLeads(ctx.db, program, { sort: 'desc', offset: (page - 1) * PAGE_SIZE, fetch: PAGE_SIZE + 1 })
  const csrf = ctx.session!.csrf
  const mayChange = ctx.session!.role !== 'viewer'
  return (
    <Frame ctx={ctx} title="Leads" section="leads" notice={failed ? { kind: 'error', text: failed } : undefined}>
      <h1>Leads</h1>
      <p>Leads partners submitted. Converting one makes it a customer of its partner; an amount records its first sale.</p>
      <Table<LeadView>
        caption="Leads" rows={leads.slice(0, PAGE_SIZE)} rowKey={(l) => l.id} empty="No leads yet. Partners submit them from their portal or through the API."
        columns={[
          { label: 'Lead', num: true, cell: (l) => String(l.id) },
          { label: 'Name', cell: (l) => l.lead_info.name ?? '' },
          { label: 'Email', cell: (l) => l.lead_info.email ?? '' },
          { label: 'Partner', cell: (l) => l.submitter ? `${l.submitter.name || l.submitter.email} (${l.submitter.id})` : 'a deleted partner' },
          { label: 'Submitted', cell: (l) => date(l.created_at) },
          {
            label: 'Status', cell: (l) => l.converted_to
              ? <>Converted: <a href={adminHref(SALES_PAGES.customer, { key: l.converted_to.key })}>{l.converted_to.key}</a></>
              : l.status[0]?.toUpperCase() + l.status.slice(1),
          },
          ...(mayChange ? [{
            label: 'Decide', cell: (l: LeadView) => l.status !== 'submitted' ? 'decided' : (
              <>
                <Form action={adminHref(SALES_ACTIONS.convertLead, { id: l.id })} csrf={csrf} label={`Convert lead ${l.id}`}>
                  <Field name="commission_transaction_amount" id={`amount-${l.id}`} label="First sale (optional)" inputmode="decimal" />
                  <Submit>Convert</Submit>
                </Form>
                <PostButton action={adminHref(SALES_ACTIONS.rejectLead, { id: l.id })} csrf={csrf} label="Reject" quiet />
              </>
            ),
          }] : []),
        ]}
      />
      <Pager page={page} hasMore={leads.length > PAGE_SIZE} href={(n) => `/admin/leads?page=${n}`} />
    </Frame>
  )
}

export function leadPages(app: FastifyInstance, deps: AdminDeps) {
  adminPage(app, deps, { method: 'GET', path: SALES_PAGES.leads, access: 'user', handle: (ctx) => LeadsPage({ ctx }) })

  adminPage(app, deps, {
    method: 'POST', path: SALES_ACTIONS.convertLead, access: 'user',
    async handle(ctx) {
      const program = programOf(ctx)
      const number = leadNumber(ctx.params.id as string)
      await requireLead(ctx.db, program, number)
      const amount = field(ctx.form, 'commission_transaction_amount')
      try {
        const input = check<Static<typeof ConvertLeadInput>>(validConversion, { id: number, ...(amount ? { commission_transaction_amount: amount } : {}) })
        const lead = await convertLead(ctx.db, program, input.id, input.commission_transaction_amount)
        await record(ctx.db, {
          programId: program.id, userId: ctx.session!.user.id, action: 'lead.converted', objectType: 'lead', objectId: lead.id,
          detail: { customer: lead.converted_to?.key ?? null, amount: amount || null },
        })
      } catch (err) {
        const refused = refusal(err, 'invalid', 'refused')
        return { status: 422, page: await LeadsPage({ ctx, failed: `Lead ${number} was not converted: ${refusalText(refused)}` }) }
      }
      return { redirect: '/admin/leads?notice=lead-converted' }
    },
  })

  adminPage(app, deps, {
    method: 'POST', path: SALES_ACTIONS.rejectLead, access: 'user',
    async handle(ctx) {
      const program = programOf(ctx)
      const number = leadNumber(ctx.params.id as string)
      try {
        await rejectLead(ctx.db, program, number)
        await record(ctx.db, { programId: program.id, userId: ctx.session!.user.id, action: 'lead.rejected', objectType: 'lead', objectId: number })
      } catch (err) {
        const refused = refusal(err, 'refused')
        return { status: 422, page: await LeadsPage({ ctx, failed: `Lead ${number} was not rejected: ${refusalText(refused)}` }) }
      }
      return { redirect: '/admin/leads?notice=lead-rejected' }
    },
  })
}
