// A lead and the program's lead setup as Partnero answers them (spec §3.8).
import { readJson } from '../../store/json.js'
import { isoDate } from '../../wire-time.js'
import type { Program } from '../programs/service.js'
import type { LeadRow } from './store.js'

export type Answer = string | string[]

/** One custom form answer as stored: the field id the partner's form used, and what was answered. */
export interface StoredAnswer {
  field: string
  answer: Answer
}

const fullName = (name: string | null, surname: string | null) => [name, surname].filter((part) => part).join(' ')

export function leadView(row: LeadRow) {
  const { name, email } = row
  const open = row.status === 'submitted'
  return {
    id: Number(row.number),
    status: row.status,
    created_at: isoDate(Number(row.created_at)),
    lead_info: { name, email },
    converted_to: row.customer_id === null ? null : {
      key: row.customer_key ?? row.customer_deleted_key ?? '',
      name: row.customer_name === null ? null : fullName(row.customer_name, row.customer_surname),
      email: row.customer_email,
    },
    submitter: row.partner_public_id === null ? null : {
      id: row.partner_public_id,
      name: fullName(row.partner_name, row.partner_surname),
      email: row.partner_email ?? '',
    },
    // No form is configured beyond the two built-in questions; custom answers follow under their field ids.
    submission_form: [
      { question: 'Name', answer: name as Answer },
      { question: 'Email', answer: email as Answer },
      ...(readJson<StoredAnswer[]>(row.answers) ?? []).map((a) => ({ question: a.field, answer: a.answer })),
    ],
    can_be_converted: open,
    can_be_rejected: open,
  }
}

export type LeadView = ReturnType<typeof leadView>

/** Leads follow the program's commission rules: its base rate, on the amount given at conversion. */
export function leadDetails(program: Program) {
  const rules = program.settings.commission
  return {
    leads_enabled: 'true',
    program_leads_commission_type: 'follow_program_settings',
    leads_commission: { currency: program.currency, commission: Number(rules.value), commission_type: rules.type },
    leads_custom_form_fields: [],
  }
}
