// Payout methods: the gateway a payout goes through and the details it needs. Partners save one
// (extension on partner update); a request may name its own. Bank details are never accepted
// over the API (spec §3.9): they are refused with a 422 that says so.
import { invalid, type FieldErrors } from '../../domain-errors.js'
import { readJson } from '../../store/json.js'
import type { PayoutGateway } from '../../store/schema.js'
import type { PayoutSettingsInput } from './payout-method-schema.js'

export interface PayoutMethod {
  gateway: PayoutGateway
  settings: Record<string, string>
}

/** What each gateway needs; `oneOf` lists alternatives of which at least one must be given. */
const NEEDS: Record<PayoutGateway, { fields: string[]; required: string[]; oneOf?: string[] }> = {
  paypal: { fields: ['username', 'email', 'name'], required: [], oneOf: ['username', 'email'] },
  wise: { fields: ['name', 'email', 'address', 'tax_id'], required: ['name', 'email'] },
  crypto: { fields: ['wallet_address', 'type', 'name'], required: ['wallet_address', 'type'] },
  venmo: { fields: ['recipient_type', 'user_handle', 'email', 'phone', 'name'], required: ['recipient_type'] },
}

const VENMO_FIELD = { USER_HANDLE: 'user_handle', EMAIL: 'email', PHONE: 'phone' } as const
const BANK = /^(iban|bic|swift|swift_code|account|account_number|account_holder|routing|routing_number|sort_code|bank|bank_name|bank_account|bsb|ifsc|clabe)$/i
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/
const KNOWN = new Set(Object.values(NEEDS).flatMap((n) => n.fields))

/** The details given for `gateway`, checked: only its fields are kept; every problem is named at once. */
export function payoutMethodOf(gateway: PayoutGateway, settings: PayoutSettingsInput, field = 'payout_settings'): PayoutMethod {
  const errors: FieldErrors = {}
  const given = Object.fromEntries(Object.entries(settings).filter(([, v]) => v !== undefined && v !== null)) as Record<string, unknown>
  for (const key of Object.keys(given)) {
    if (BANK.test(key)) errors[`${field}.${key}`] = ['Bank details cannot be supplied over the API; set them up in the dashboard.']
    else if (!KNOWN.has(key)) errors[`${field}.${key}`] = [`The ${key} detail is not a payout setting.`]
  }
  const needs = NEEDS[gateway]
  for (const name of needs.required) if (!given[name]) errors[`${field}.${name}`] = [`The ${name.replace(/_/g, ' ')} is required for ${gateway} payouts.`]
  if (needs.oneOf && !needs.oneOf.some((name) => given[name])) {
    errors[`${field}.${needs.oneOf[0]}`] = [`A ${needs.oneOf.join(' or ')} is required for ${gateway} payouts.`]
  }
  if (gateway === 'venmo' && typeof given.recipient_type === 'string') {
    const wanted = VENMO_FIELD[given.recipient_type as keyof typeof VENMO_FIELD]
    if (wanted && !given[wanted]) errors[`${field}.${wanted}`] = [`The ${wanted.replace(/_/g, ' ')} is required when the recipient type is ${given.recipient_type}.`]
  }
  for (const name of ['username', 'email'] as const) {
    const value = given[name]
    if (typeof value === 'string' && (gateway !== 'paypal' || name === 'email' || value.includes('@')) && !EMAIL.test(value)) {
      errors[`${field}.${name}`] = [`The ${name} must be an email address.`]
    }
  }
  if (Object.keys(errors).length > 0) throw invalid(errors)
  const kept = Object.entries(given).filter(([key]) => needs.fields.includes(key)).map(([k, v]) => [k, String(v)])
  return { gateway, settings: Object.fromEntries(kept) }
}

/** The partner update extension: payout_gateway and payout_settings, given together; undefined when neither is. */
export function savedMethodChange(changes: { payout_gateway?: PayoutGateway; payout_settings?: PayoutSettingsInput }): PayoutMethod | undefined {
  const { payout_gateway: gateway, payout_settings: settings } = changes
  if (gateway === undefined && settings === undefined) return undefined
  if (gateway === undefined) throw invalid({ payout_gateway: ['The payout gateway is required with payout settings.'] })
  if (settings === undefined) throw invalid({ payout_settings: ['The payout settings are required with a payout gateway.'] })
  return payoutMethodOf(gateway, settings)
}

/** A partner's saved method, as stored in partners.payout. */
export function savedMethod(stored: unknown): PayoutMethod | undefined {
  const method = readJson<PayoutMethod | null>(stored)
  return method && typeof method === 'object' && 'gateway' in method ? method : undefined
}
