// Saving a settings form: the page's fields become a PUT /v1/program body, checked by the API's own
// schema and saved by its own service, so a page refuses exactly what the API refuses (with the
// same messages) and sends the same program.updated event; then the audit entry.
import { check, compileInput } from '../../http/validation.js'
import type { FieldErrors } from '../../domain-errors.js'
import { updateProgram, type Program } from '../../modules/programs/service.js'
import { UpdateProgramInput } from '../../modules/programs/schemas.js'
import { SETTABLE } from '../../modules/programs/settings.js'
import { record } from '../../modules/users/audit.js'
import { field, refusal, type AdminContext } from './route.js'

/** The field errors of a refused change, by the form's names (`cookie_lifetime`, `commission.tiers.0.value`). */
export function formErrors(errors: FieldErrors | undefined): FieldErrors {
  const out: FieldErrors = {}
  for (const [name, list] of Object.entries(errors ?? {})) {
    const key = name.replace(/^(program|portal)_settings\./, '')
    out[key] = [...(out[key] ?? []), ...list]
  }
  return out
}

/** Saves the changes; undefined when saved, the form's errors when refused (anything else is thrown). */
export async function saveProgramChanges(ctx: AdminContext, body: Record<string, unknown>, action: string): Promise<FieldErrors | undefined> {
  const program = ctx.session!.program
  try {
    await updateProgram(ctx.db, program.id, check<UpdateProgramInput>(compileInput(UpdateProgramInput), body))
  } catch (err) {
    return formErrors(refusal(err, 'invalid').errors)
  }
  await record(ctx.db, { programId: program.id, userId: ctx.session!.user.id, action, objectType: 'program', objectId: program.publicId, detail: body })
  return undefined
}

/** Whether the program's type has this setting (a refer-a-friend program has no payout threshold…). */
export function offers(program: Program, group: 'program' | 'portal', name: string): boolean {
  return SETTABLE[program.type][group].includes(name)
}

/** The posted checkboxes among `names` the program's type offers, as booleans (an unticked box is not sent). */
export function ticked(program: Program, group: 'program' | 'portal', form: Record<string, unknown>, names: readonly string[]): Record<string, boolean> {
  const out: Record<string, boolean> = {}
  for (const name of names) if (offers(program, group, name)) out[name] = form[name] === 'on'
  return out
}

/** What a settings form shows: what was posted when a refused post comes back, else the saved value. */
export function shown(ctx: AdminContext) {
  const posted = ctx.request.method === 'POST'
  return {
    text: (name: string, saved: unknown): string => (posted ? field(ctx.form, name) : saved === null || saved === undefined ? '' : String(saved)),
    box: (name: string, saved: boolean): boolean => (posted ? ctx.form[name] === 'on' : saved),
  }
}
