// A posted form as @fastify/formbody reads it, and its fields as pages use them. A body that is no
// form (JSON sent to a page by hand) may hold numbers, objects or nulls: those read as empty text,
// so a page refuses them like any empty field rather than failing.
export type Form = Record<string, unknown>

const text = (value: unknown): string => (typeof value === 'string' ? value.trim() : '')

/** The value of a one-value form field (the first, when sent twice), trimmed. */
export function field(form: Form, name: string): string {
  const value = form[name]
  return text(Array.isArray(value) ? value[0] : value)
}

/** Every value of a field sent several times, trimmed, in order, empty ones kept (the columns of a form's rows). */
export function column(form: Form, name: string): string[] {
  const value = form[name]
  return value === undefined ? [] : [value].flat().map(text)
}

/** Every value of a field sent several times (checkboxes of a list), trimmed, empty ones left out. */
export function fields(form: Form, name: string): string[] {
  return column(form, name).filter((v) => v !== '')
}
