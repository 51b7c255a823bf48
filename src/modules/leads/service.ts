// Leads (spec §3.8): a partner's prospect, submitted, then converted into a customer of that
// partner — with a first sale on `commission_transaction_amount`, so the partner earns commission
// by the program's rules (spec §6) — or rejected. Each step commits with its event.
import type { Kysely } from 'kysely'
import { emit } from '../../events/outbox.js'
import { badRequest, invalid, invalidField, notFound } from '../../domain-errors.js'
import type { Database, Db, LeadStatus } from '../../store/schema.js'
import { writeJson } from '../../store/json.js'
import { inTransaction } from '../../store/transaction.js'
import { withUniqueIndex } from '../../store/unique.js'
import { nextNumber, numberOf } from '../../store/counters.js'
import { randomToken } from '../../tokens.js'
import { addCustomer, findCustomerByEmail, findCustomerByKey } from '../customers/service.js'
import { partnerByIdentity, partnerRefOf } from '../partners/service.js'
import type { PartnerRef } from '../partners/schemas.js'
import type { Program } from '../programs/service.js'
import { amountField } from '../../amount-field.js'
import { addSale } from '../transactions/service.js'
import { leadView, type LeadView, type StoredAnswer } from './representation.js'
import type { NewLeadInput } from './schemas.js'
import { decideLead, deleteLeadRow, findLead, insertLead, listLeadRows, setLeadCustomer, type LeadRow } from './store.js'

/** The `{id}` of a path: anything but a lead number is a lead that does not exist. */
export function leadNumber(text: string): number {
  const number = numberOf(text)
  if (number === undefined) throw leadNotFound()
  return number
}

export async function requireLead(db: Db, program: Program, number: number): Promise<LeadRow> {
  const row = await findLead(db, program.id, number)
  if (!row) throw leadNotFound()
  return row
}

export async function submitLead(db: Kysely<Database>, program: Program, input: NewLeadInput, now = Date.now()): Promise<LeadView> {
  const ref = submitterOf(input)
  const answers: StoredAnswer[] = Object.entries(input.cfields ?? {}).map(([field, answer]) => ({ field, answer }))
  return inTransaction(db, async (tx) => {
    const partner = await partnerByIdentity(tx, program, ref)
    if (!partner) throw badRequest('Invalid partner key', 'invalid_partner')
    const number = await nextNumber(tx, 'lead_counters', program.id)
    await insertLead(tx, {
      program_id: program.id, number, partner_id: partner.id, name: input.name, email: input.email,
      // A list: PostgreSQL's jsonb would reorder an object's keys.
      answers: writeJson(answers), status: 'submitted', customer_id: null, created_at: now, updated_at: now,
    })
    return announce(tx, program, number, 'lead.submitted', now)
  })
}

/**
 * The lead becomes a customer of its submitter, with a generated key; an amount above 0 becomes
 * that customer's first sale. The lead's email must not already be a customer's.
 */
export async function convertLead(db: Kysely<Database>, program: Program, number: number, amountGiven: unknown, now = Date.now()) {
  const amount = amountGiven === undefined ? 0n : amountField('commission_transaction_amount', amountGiven)
  return withUniqueIndex(() => inTransaction(db, async (tx) => {
    const lead = await decide(tx, program, number, 'converted', now)
    if (lead.partner_public_id === null) throw badRequest('The partner who submitted this lead no longer exists.', 'submitter_deleted')
    if (await findCustomerByEmail(tx, program.id, lead.email)) throw emailTaken()
    const customer = await addCustomer(tx, program, {
      key: await freshCustomerKey(tx, program), email: lead.email, name: lead.name, partner: { id: lead.partner_public_id },
    }, now)
    if (amount > 0n) {
      await addSale(tx, program, customer, {
        action: 'sale', amount, currency: program.currency, product: {}, rewardable: true, rewarded: false, createdAt: now, extra: {},
      }, now)
    }
    await setLeadCustomer(tx, program.id, lead.id, customer.id)
    return announce(tx, program, number, 'lead.converted', now)
  // The only unique value a conversion can race another request for is the customer's email.
  }), () => 'email', emailTaken)
}

export async function rejectLead(db: Kysely<Database>, program: Program, number: number, now = Date.now()): Promise<LeadView> {
  return inTransaction(db, async (tx) => {
    await decide(tx, program, number, 'rejected', now)
    return announce(tx, program, number, 'lead.rejected', now)
  })
}

export async function deleteLead(db: Kysely<Database>, program: Program, number: number): Promise<void> {
  await inTransaction(db, async (tx) => {
    const lead = await requireLead(tx, program, number)
    await deleteLeadRow(tx, program.id, lead.id)
  })
}

/** Only a submitted lead is converted or rejected; otherwise a 400 naming its status. */
async function decide(tx: Db, program: Program, number: number, status: LeadStatus, now: number): Promise<LeadRow> {
  const lead = await requireLead(tx, program, number)
  if (lead.status === 'submitted' && await decideLead(tx, program.id, lead.id, status, now)) return lead
  // A concurrent decision got there first: name the status it left.
  const current = lead.status === 'submitted' ? (await requireLead(tx, program, number)).status : lead.status
  throw badRequest(`Only a submitted lead can be ${status}; this lead is ${current}.`, 'lead_not_submitted')
}

function submitterOf(input: NewLeadInput): PartnerRef {
  const ref = partnerRefOf(input)
  if (ref === undefined) throw invalidField('partner', 'The partner field is required.')
  return ref
}

/** 12 random letters and digits, like the customer keys Partnero generates, not yet used. */
async function freshCustomerKey(tx: Db, program: Program): Promise<string> {
  for (;;) {
    const key = randomToken(12)
    if (!await findCustomerByKey(tx, program.id, key)) return key
  }
}

async function announce(tx: Db, program: Program, number: number, event: string, now: number): Promise<LeadView> {
  const view = leadView(await requireLead(tx, program, number))
  await emit(tx, program.id, event, view, now)
  return view
}

const leadNotFound = () => notFound('Lead not found')
const emailTaken = () => invalid({ email: ['A customer with this email already exists.'] }, 'The lead\'s email already belongs to a customer of this program.')

/** One window of the program's leads, as the API shows them. */
export async function listLeads(db: Db, program: Program, q: { sort: 'asc' | 'desc'; offset: number; fetch: number }): Promise<LeadView[]> {
  return (await listLeadRows(db, program.id, q)).map(leadView)
}
