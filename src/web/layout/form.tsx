// Forms that work without JavaScript: a POST with the session's CSRF token, fields with labels and
// their own error messages (from a DomainError's field errors, the same ones the API answers).
import type { ComponentChildren } from 'preact'

export type FieldErrors = Record<string, string[]>

export function Form(props: { action: string; csrf?: string; children: ComponentChildren; label?: string }) {
  return (
    <form method="post" action={props.action} aria-label={props.label}>
      {props.csrf !== undefined && <input type="hidden" name="_csrf" value={props.csrf} />}
      {props.children}
    </form>
  )
}

export interface FieldProps {
  name: string
  /** The element id, when a page has two fields of one name (ids must be unique for labels to work). */
  id?: string
  label: string
  type?: 'text' | 'email' | 'password' | 'url' | 'number' | 'hidden' | 'color'
  value?: string
  required?: boolean
  autocomplete?: string
  hint?: string
  errors?: FieldErrors
  inputmode?: 'numeric' | 'email' | 'text' | 'decimal'
  pattern?: string
  minlength?: number
  maxlength?: number
}

export function Field(props: FieldProps) {
  const id = props.id ?? `f-${props.name}`
  const messages = props.errors?.[props.name] ?? []
  const described = [props.hint ? `${id}-hint` : '', messages.length ? `${id}-error` : ''].filter(Boolean).join(' ')
  return (
    <div>
      <label for={id}>{props.label}</label>
      <input
        // preact types each input type's attributes apart; one field component serves them all.
        id={id} name={props.name} type={(props.type ?? 'text') as 'text'} value={props.value} required={props.required}
        autocomplete={props.autocomplete} inputMode={props.inputmode} pattern={props.pattern} minLength={props.minlength} maxLength={props.maxlength}
        aria-invalid={messages.length ? 'true' : undefined} aria-describedby={described || undefined}
      />
      {props.hint && <p class="hint" id={`${id}-hint`}>{props.hint}</p>}
      {messages.length > 0 && <p class="field-error" id={`${id}-error`}>{messages.join(' ')}</p>}
    </div>
  )
}

export function TextArea(props: { name: string; label: string; value?: string; hint?: string; errors?: FieldErrors; rows?: number }) {
  const id = `f-${props.name}`
  const messages = props.errors?.[props.name] ?? []
  const described = [props.hint ? `${id}-hint` : '', messages.length ? `${id}-error` : ''].filter(Boolean).join(' ')
  return (
    <div>
      <label for={id}>{props.label}</label>
      <textarea id={id} name={props.name} rows={props.rows ?? 4} aria-invalid={messages.length ? 'true' : undefined} aria-describedby={described || undefined}>
        {props.value}
      </textarea>
      {props.hint && <p class="hint" id={`${id}-hint`}>{props.hint}</p>}
      {messages.length > 0 && <p class="field-error" id={`${id}-error`}>{messages.join(' ')}</p>}
    </div>
  )
}

export function Select(props: { name: string; id?: string; label: string; options: Array<{ value: string; label: string }>; value?: string; errors?: FieldErrors }) {
  // A page with several selects of one name (one per row) gives each its own id.
  const id = props.id ?? `f-${props.name}`
  const messages = props.errors?.[props.name] ?? []
  return (
    <div>
      <label for={id}>{props.label}</label>
      <select id={id} name={props.name} aria-describedby={messages.length ? `${id}-error` : undefined}>
        {props.options.map((o) => <option key={o.value} value={o.value} selected={o.value === props.value}>{o.label}</option>)}
      </select>
      {messages.length > 0 && <p class="field-error" id={`${id}-error`}>{messages.join(' ')}</p>}
    </div>
  )
}

export function Check(props: { name: string; label: ComponentChildren; checked?: boolean; required?: boolean; value?: string }) {
  return (
    <label class="check"><input type="checkbox" name={props.name} value={props.value ?? 'on'} checked={props.checked} required={props.required} />{props.label}</label>
  )
}

export function Submit(props: { children: ComponentChildren }) {
  return <button type="submit">{props.children}</button>
}
