// The team: the program's users, their roles and since when. Everyone who reads sees it; only an
// owner invites (a new member gets a one-time sign-in link by mail, good for a week), sends a
// member its invitation again (a fresh link; the earlier one stops working), changes a role or
// removes a member. The users service checks the role again, keeps an owner and writes the audit
// entries (user.added, user.role_changed, user.removed); this page writes user.invitation_resent.
import type { FastifyInstance } from 'fastify'
import type { FieldErrors } from '../../domain-errors.js'
import { notFound } from '../../domain-errors.js'
import { mailInvitation } from '../../mail/account.js'
import { ROLES, may, type Role } from '../../modules/users/roles.js'
import { addMember, changeRole, checkedEmail, membersOf, removeMember, roleIn, userById, type Member } from '../../modules/users/service.js'
import { record } from '../../modules/users/audit.js'
import { mintSignInUrl } from '../../modules/users/sign-in.js'
import { Field, Form, Select, Submit } from '../layout/form.js'
import { PostButton } from '../layout/post-button.js'
import { Table } from '../layout/table.js'
import { Frame } from './frame.js'
import { SettingsNav } from './settings-nav.js'
import { adminPage, field, refusal, refusalText, type AdminContext, type AdminDeps } from './route.js'
import { when } from './settings.js'

/** How long an invitation's sign-in link works: invitations wait in inboxes longer than a sign-in link would. */
export const INVITATION_MS = 7 * 86_400_000
/** Invitations sent again to one member: enough for a lost mail or two, too few to flood an inbox. */
const RESENDS = { perMember: 3, windowSeconds: 3600 }

const ROLE_OPTIONS = ROLES.map((r) => ({ value: r, label: r }))

function userIdOf(ctx: AdminContext): number {
  const raw = ctx.params.userId ?? ''
  if (!/^[1-9][0-9]{0,15}$/.test(raw)) throw notFound('There is no such user in this program.')
  return Number(raw)
}

async function TeamPage({ ctx, posted, errors, failed }: { ctx: AdminContext; posted?: { email?: string; role?: string }; errors?: FieldErrors; failed?: string }) {
  const { program, role, csrf, user } = ctx.session!
  const members = await membersOf(ctx.db, program.id)
  const manages = may(role, 'manage-users')
  return (
    <Frame ctx={ctx} title="Team" section="settings" notice={failed ? { kind: 'error', text: failed } : undefined}>
      <SettingsNav current="users" session={ctx.session!} />
      <h1>Team</h1>
      <Table<Member>
        caption="The program's users, in the order they joined" rows={members} rowKey={(m) => m.user.id}
        empty="Nobody yet."
        columns={[
          { label: 'Email', cell: (m) => (m.user.id === user.id ? `${m.user.email} (you)` : m.user.email) },
          { label: 'Name', cell: (m) => m.user.name || '—' },
          { label: 'Role', cell: (m) => m.role },
          { label: 'Since', cell: (m) => when(m.since) },
          ...(manages
            ? [{
                label: 'Change',
                cell: (m: Member) => (
                  <>
                    <Form action={`/admin/settings/users/${m.user.id}/role`} csrf={csrf} label={`Role of ${m.user.email}`}>
                      <Select name="role" id={`f-role-${m.user.id}`} label={`Role of ${m.user.email}`} options={ROLE_OPTIONS} value={m.role} />
                      <Submit>Change role</Submit>
                    </Form>
                    <PostButton action={`/admin/settings/users/${m.user.id}/remove`} csrf={csrf} label={`Remove ${m.user.email}`} quiet />
                    {m.user.id !== user.id && (
                      <PostButton action={`/admin/settings/users/${m.user.id}/invitation`} csrf={csrf} label={`Resend the invitation to ${m.user.email}`} quiet />
                    )}
                  </>
                ),
              }]
            : []),
        ]}
      />
      {manages
        ? (
          <section class="card" aria-labelledby="invite">
            <h2 id="invite">Invite someone</h2>
            <Form action="/admin/settings/users" csrf={csrf} label="Invite someone">
              <Field name="email" label="Email" type="email" required maxlength={255} autocomplete="off" value={posted?.email} errors={errors} />
              <Select name="role" label="Role" options={ROLE_OPTIONS} value={posted?.role ?? 'viewer'} errors={errors} />
              <Submit>Send the invitation</Submit>
            </Form>
            <p>The invitation mail holds a sign-in link that works once, for 7 days.</p>
          </section>
        )
        : <p>Only an owner of this program invites, changes roles and removes users.</p>}
    </Frame>
  )
}

export function teamPages(app: FastifyInstance, deps: AdminDeps) {
  adminPage(app, deps, {
    method: 'GET', path: '/settings/users', access: 'user',
    handle: (ctx) => TeamPage({ ctx }),
  })

  adminPage(app, deps, {
    method: 'POST', path: '/settings/users', access: 'user', needs: 'manage-users',
    async handle(ctx) {
      const { program, user, role } = ctx.session!
      const posted = { email: field(ctx.form, 'email'), role: field(ctx.form, 'role') }
      try {
        // A member already: no second invitation, and no role changed by an invitation form.
        const email = checkedEmail(posted.email).toLowerCase()
        if ((await membersOf(ctx.db, program.id)).some((m) => m.user.email.toLowerCase() === email)) {
          return { status: 422, page: await TeamPage({ ctx, posted, errors: { email: ['That address is a member of this program already.'] }, failed: 'Nobody was invited: see the messages below.' }) }
        }
        const added = await addMember(ctx.db, program.id, { email: posted.email, role: posted.role }, { userId: user.id, role })
        const { url } = await mintSignInUrl(ctx.db, added.user.id, program.id, ctx.origin, INVITATION_MS)
        await mailInvitation(ctx.db, program, { to: added.user.email, inviter: user.email, role: added.role as Role, url, validMs: INVITATION_MS })
      } catch (err) {
        const e = refusal(err, 'invalid')
        return { status: 422, page: await TeamPage({ ctx, posted, errors: e.errors, failed: 'Nobody was invited: see the messages below.' }) }
      }
      return { redirect: '/admin/settings/users?notice=member-invited' }
    },
  })

  const resendsPerMember = deps.limits.perSubject('admin-invitation-resend', RESENDS.perMember, RESENDS.windowSeconds)

  // A fresh one-time sign-in link in the invitation mail: for a member whose mail or link was lost.
  adminPage(app, deps, {
    method: 'POST', path: '/settings/users/:userId/invitation', access: 'user', needs: 'manage-users',
    async handle(ctx) {
      const { program, user } = ctx.session!
      const targetId = userIdOf(ctx)
      const [role, target] = await Promise.all([roleIn(ctx.db, program.id, targetId), userById(ctx.db, targetId)])
      if (!role || !target) throw notFound('There is no such user in this program.')
      await resendsPerMember(ctx.request, ctx.reply, `${program.id}:${targetId}`)
      const { url } = await mintSignInUrl(ctx.db, targetId, program.id, ctx.origin, INVITATION_MS)
      await mailInvitation(ctx.db, program, { to: target.email, inviter: user.email, role, url, validMs: INVITATION_MS })
      await record(ctx.db, { programId: program.id, userId: user.id, action: 'user.invitation_resent', objectType: 'user', objectId: targetId, detail: { email: target.email, role } })
      return { redirect: '/admin/settings/users?notice=invitation-resent' }
    },
  })

  adminPage(app, deps, {
    method: 'POST', path: '/settings/users/:userId/role', access: 'user', needs: 'manage-users',
    async handle(ctx) {
      const { program, user, role } = ctx.session!
      try {
        await changeRole(ctx.db, program.id, userIdOf(ctx), field(ctx.form, 'role'), { userId: user.id, role })
      } catch (err) {
        return { status: 422, page: await TeamPage({ ctx, failed: refusalText(refusal(err, 'invalid', 'refused')) }) }
      }
      return { redirect: '/admin/settings/users?notice=member-role-changed' }
    },
  })

  adminPage(app, deps, {
    method: 'POST', path: '/settings/users/:userId/remove', access: 'user', needs: 'manage-users',
    async handle(ctx) {
      const { program, user, role } = ctx.session!
      const target = userIdOf(ctx)
      try {
        await removeMember(ctx.db, program.id, target, { userId: user.id, role })
      } catch (err) {
        return { status: 422, page: await TeamPage({ ctx, failed: refusalText(refusal(err, 'refused')) }) }
      }
      // Removing oneself ends one's own session here: the sign-in page is what is left.
      return { redirect: target === user.id ? '/admin/sign-in' : '/admin/settings/users?notice=member-removed' }
    },
  })
}
