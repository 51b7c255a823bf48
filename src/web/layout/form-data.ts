// A posted form as @fastify/formbody reads it, and its fields as pages use them.
export type Form = Record<string, string | string[] | undefined>

/** The value of a one-value form field (the first, when sent twice), trimmed. */
export function field(form: Form, name: string): string {
  const value = form[name]
  return (Array.isArray(value) ? value[0] ?? '' : value ?? '').trim()
}

/** Every value of a field sent several times (checkboxes of a list), trimmed, empty ones left out. */
export function fields(form: Form, name: string): string[] {
  return [form[name] ?? []].flat().map((v) => v.trim()).filter((v) => v !== '')
}
