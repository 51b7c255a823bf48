// The form that signs in with a six-digit code from a mail: the partner portal's and a referring
// customer's page share it (each inside its own frame).
import { Field, Form, Submit } from '../layout/form.js'

export function CodeForm({ action, email }: { action: string; email: string }) {
  return (
    <>
      <h1>Type your sign-in code</h1>
      <Form action={action} label="Sign in with a code">
        <Field name="email" label="Email" type="email" value={email} autocomplete="email" required />
        <Field name="code" label="Code from the mail" inputmode="numeric" pattern="[0-9]{6}" autocomplete="one-time-code" required hint="Six digits. The link in the same mail signs you in too." />
        <Submit>Sign in</Submit>
      </Form>
    </>
  )
}
