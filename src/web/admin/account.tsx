// The signed-in user's own account: its address, the programs it belongs to with its role in each,
// setting or changing its password (the current one asked first when it has one), and signing out
// everywhere. Every role may do these: they touch the user itself, never a program.
import type { FastifyInstance } from 'fastify'
import type { FieldErrors } from '../../domain-errors.js'
import { changePassword } from '../../modules/users/password.js'
import { programsOf, type ProgramMembership } from '../../modules/users/service.js'
import { closeEverySession } from '../../modules/users/sign-in.js'
import { Field, Form, Submit } from '../layout/form.js'
import { PostButton } from '../layout/post-button.js'
import { Table } from '../layout/table.js'
import { Frame } from './frame.js'
import { mismatch, NewPasswordFields } from './password.js'
import { endSession, startSession } from './session.js'
import { adminPage, field, refusal, type AdminContext, type AdminDeps } from './route.js'

// Guesses at the current password from a session someone else may hold: as many as signing in allows.
const GUESSES = { perUser: 10, windowSeconds: 15 * 60 }

async function AccountPage({ ctx, errors }: { ctx: AdminContext; errors?: FieldErrors }) {
  const { user, csrf } = ctx.session!
  const programs = await programsOf(ctx.db, user.id)
  const verb = user.hasPassword ? 'Change your password' : 'Set a password'
  return (
    <Frame ctx={ctx} title="Your account" section="account" notice={errors ? { kind: 'error', text: 'The password is not saved: see the messages below.' } : undefined}>
      <h1>Your account</h1>
      <dl>
        <dt>Email</dt><dd>{user.email}</dd>
        {user.name && <><dt>Name</dt><dd>{user.name}</dd></>}
        <dt>Password</dt><dd>{user.hasPassword ? 'set' : 'none yet: you sign in with one-time links'}</dd>
      </dl>
      <Table<ProgramMembership>
        caption="Your programs" rows={programs} rowKey={(p) => p.programId} empty="None."
        columns={[{ label: 'Program', cell: (p) => `${p.name} (${p.publicId})` }, { label: 'Your role', cell: (p) => p.role }]}
      />
      <section class="card" aria-labelledby="password">
        <h2 id="password">{verb}</h2>
        <Form action="/admin/account/password" csrf={csrf} label={verb}>
          {user.hasPassword && <Field name="current" label="Current password" type="password" autocomplete="current-password" required errors={errors} />}
          <NewPasswordFields errors={errors} />
          <Submit>Save the password</Submit>
        </Form>
        <p>Saving it signs you out everywhere else.</p>
      </section>
      <section class="card" aria-labelledby="everywhere">
        <h2 id="everywhere">Sign out everywhere</h2>
        <p id="everywhere-hint">Ends every session of yours, in every browser and program, this one included.</p>
        <PostButton action="/admin/account/sign-out-everywhere" csrf={csrf} label="Sign out everywhere" describedBy="everywhere-hint" />
      </section>
    </Frame>
  )
}

export function accountPages(app: FastifyInstance, deps: AdminDeps) {
  const perUser = deps.limits.perSubject('admin-password-change', GUESSES.perUser, GUESSES.windowSeconds)

  adminPage(app, deps, { method: 'GET', path: '/account', access: 'user', handle: (ctx) => AccountPage({ ctx }) })

  // The user's own password: reading is enough (a viewer has one too); it names no other user.
  adminPage(app, deps, {
    method: 'POST', path: '/account/password', access: 'user', needs: 'read',
    async handle(ctx) {
      const { user, program } = ctx.session!
      await perUser(ctx.request, ctx.reply, `user:${user.id}`)
      const differ = mismatch(ctx.form)
      if (differ) return { status: 422, page: await AccountPage({ ctx, errors: differ }) }
      try {
        await changePassword(ctx.db, user.id, { current: field(ctx.form, 'current'), password: field(ctx.form, 'password') })
      } catch (err) {
        return { status: 422, page: await AccountPage({ ctx, errors: refusal(err, 'invalid').errors }) }
      }
      // The change ended every session, this one too: a new one here, in the same program.
      await startSession(ctx, user.id, program.id)
      return { redirect: `/admin/account?notice=${user.hasPassword ? 'password-changed' : 'password-set'}` }
    },
  })

  adminPage(app, deps, {
    method: 'POST', path: '/account/sign-out-everywhere', access: 'user', needs: 'read',
    async handle(ctx) {
      await closeEverySession(ctx.db, ctx.session!.user.id)
      await endSession(ctx)
      return { redirect: '/admin/sign-in?notice=signed-out-everywhere' }
    },
  })
}
