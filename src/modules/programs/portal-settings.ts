// The partner portal's own settings (extensions, affiliate programs), set with PUT /v1/program
// portal_settings. The input schema checks each value's form; here they are normalised, signup
// field keys checked against each other, and the portal domain against the other programs.
import { invalid, type FieldErrors } from '../../domain-errors.js'
import type { Db } from '../../store/schema.js'
import type { PortalSettings, SignupField } from './settings.js'
import { findProgramByPortalDomain, lockPortalDomain } from './store.js'

/** The portal settings in a PUT /v1/program as they are stored; one 422 names every problem. */
export async function portalSettingsWith(tx: Db, programId: number, input: Record<string, unknown>): Promise<Partial<PortalSettings>> {
  const out: Record<string, unknown> = { ...input }
  const errors: FieldErrors = {}
  if (typeof input.brand_color === 'string') out.brand_color = input.brand_color.toLowerCase()
  if (Array.isArray(input.signup_fields)) {
    const fields: SignupField[] = (input.signup_fields as Partial<SignupField>[])
      .map(({ key, label, required }) => ({ key: key as string, label: label as string, required: required ?? false }))
    // Answers are stored under the key: two questions cannot share one.
    fields.forEach((field, i) => {
      if (fields.findIndex((other) => other.key === field.key) < i) {
        errors[`portal_settings.signup_fields.${i}.key`] = [`The portal settings.signup fields.${i}.key field has a duplicate value.`]
      }
    })
    out.signup_fields = fields
  }
  if (typeof input.portal_domain === 'string') {
    const host = input.portal_domain.toLowerCase()
    await lockPortalDomain(tx, host)
    if (await findProgramByPortalDomain(tx, host, programId)) {
      errors['portal_settings.portal_domain'] = ['The portal settings.portal domain is already used by another program.']
    }
    out.portal_domain = host
  }
  if (Object.keys(errors).length > 0) throw invalid(errors)
  return out as Partial<PortalSettings>
}
