// Request and response schemas of the lead endpoints (spec §3.8).
import { Type, type Static } from 'typebox'
import { PageInput } from '../../http/pagination.js'
import { PartnerRef } from '../partners/schemas.js'
import { Money } from '../../money/schema.js'

/** A checkbox or multi-select answers with a list; anything else with text. */
const Answer = Type.Union([Type.String({ maxLength: 2000 }), Type.Array(Type.String({ maxLength: 2000 }), { maxItems: 100 })])

export const NewLeadInput = Type.Object({
  name: Type.String({ minLength: 1, maxLength: 255 }),
  email: Type.String({ format: 'email', maxLength: 255 }),
  partner: Type.Optional(PartnerRef),
  partner_key: Type.Optional(Type.String({ maxLength: 64 })),
  partner_id: Type.Optional(Type.String({ maxLength: 255 })),
  partner_email: Type.Optional(Type.String({ maxLength: 255 })),
  cfields: Type.Optional(Type.Record(Type.String({ maxLength: 255 }), Answer, {
    maxProperties: 100, description: 'Answers to the custom form fields, by field id',
  })),
})
export type NewLeadInput = Static<typeof NewLeadInput>

/** Lead ids are integers from 1; the largest a JSON number holds exactly is the ceiling. */
const LeadId = Type.Integer({ minimum: 1, maximum: Number.MAX_SAFE_INTEGER, description: 'The lead id' })

export const ConvertLeadInput = Type.Object({
  id: LeadId,
  commission_transaction_amount: Type.Optional(Money),
})

export const RejectLeadInput = Type.Object({ id: LeadId })

export const ListLeadsInput = Type.Object({
  ...PageInput,
  sort: Type.Optional(Type.Union([Type.Literal('asc'), Type.Literal('desc')])),
})

export const LeadStatus = Type.Union([Type.Literal('submitted'), Type.Literal('converted'), Type.Literal('rejected')])

export const Lead = Type.Object({
  id: Type.Integer(),
  status: LeadStatus,
  created_at: Type.String({ description: 'Date only, e.g. 2025-05-16' }),
  lead_info: Type.Object({ name: Type.String(), email: Type.String() }),
  converted_to: Type.Union([
    Type.Object({ key: Type.String(), name: Type.Union([Type.String(), Type.Null()]), email: Type.Union([Type.String(), Type.Null()]) }),
    Type.Null(),
  ], { description: 'The customer the lead became' }),
  submitter: Type.Union([
    Type.Object({ id: Type.String(), name: Type.String(), email: Type.String() }),
    Type.Null(),
  ], { description: 'The partner who submitted the lead (null once deleted)' }),
  submission_form: Type.Array(Type.Object({ question: Type.String(), answer: Answer })),
  can_be_converted: Type.Boolean(),
  can_be_rejected: Type.Boolean(),
})

const FormField = Type.Object({
  id: Type.String(),
  type: Type.String({ description: 'text, input, textarea, checkbox, radio, select or countries' }),
  title: Type.String(),
  text: Type.String(),
  description: Type.String(),
  required: Type.Boolean(),
  options: Type.Array(Type.String()),
})

export const LeadDetails = Type.Object({
  leads_enabled: Type.String({ description: '"true"' }),
  program_leads_commission_type: Type.String({ description: 'follow_program_settings' }),
  leads_commission: Type.Object({
    currency: Type.String(),
    commission: Type.Number(),
    commission_type: Type.String({ description: 'percent or static, as the program\'s base rate' }),
  }),
  leads_custom_form_fields: Type.Array(FormField),
})
