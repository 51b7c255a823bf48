// The admin's first page, for now: who is signed in, the program being worked on and the role
// there, and a switch to the user's other programs. The dashboard (issue 21) replaces its body.
import type { FastifyInstance } from 'fastify'
import { programsOf, type ProgramMembership } from '../../modules/users/service.js'
import { switchProgram } from '../../modules/users/sign-in.js'
import { readCookie } from '../session/cookie.js'
import { Form, Select, Submit } from '../layout/form.js'
import { Frame } from './frame.js'
import { adminPage, COOKIE_SCOPE, field, type AdminContext, type AdminDeps } from './route.js'

function HomePage({ ctx, programs }: { ctx: AdminContext; programs: ProgramMembership[] }) {
  const { user, program, role, csrf } = ctx.session!
  return (
    <Frame ctx={ctx} title="Admin" section="dashboard">
      <h1>{program.name}</h1>
      <p>Signed in as <strong>{user.name || user.email}</strong>{user.name ? ` (${user.email})` : ''}.</p>
      <p>Program <strong>{program.name}</strong> ({program.publicId}), your role here: <strong>{role}</strong>.</p>
      {programs.length > 1 && (
        <Form action="/admin/switch" csrf={csrf} label="Switch program">
          <Select
            name="program" label="Work on another program" value={program.publicId}
            options={programs.map((p) => ({ value: p.publicId, label: `${p.name} (${p.publicId}), ${p.role}` }))}
          />
          <Submit>Switch</Submit>
        </Form>
      )}
    </Frame>
  )
}

export function homePages(app: FastifyInstance, deps: AdminDeps) {
  adminPage(app, deps, {
    method: 'GET', path: '', access: 'user',
    handle: async (ctx) => <HomePage ctx={ctx} programs={await programsOf(ctx.db, ctx.session!.user.id)} />,
  })

  // Any member may move its own session to another of its programs: reading is enough.
  adminPage(app, deps, {
    method: 'POST', path: '/switch', access: 'user', needs: 'read',
    async handle(ctx) {
      await switchProgram(ctx.db, readCookie(ctx.request, COOKIE_SCOPE) as string, field(ctx.form, 'program'))
      return { redirect: '/admin?notice=switched' }
    },
  })
}
