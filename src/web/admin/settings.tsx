// Settings: a small index of the team, API key and audit log pages, and the audit log itself —
// who did what in the program, newest first, a page at a time (the `before` cursor the log gives).
import type { FastifyInstance } from 'fastify'
import { auditTrail, type AuditEntry } from '../../modules/users/audit.js'
import { may } from '../../modules/users/roles.js'
import { Table } from '../layout/table.js'
import { Frame } from './frame.js'
import { adminPage, type AdminDeps } from './route.js'

const PAGE = 50

export const when = (ms: number) => new Date(ms).toISOString().replace('T', ' ').slice(0, 19) + ' UTC'

/** A positive whole number from the query, or undefined (anything else is the first page). */
function cursor(raw: string | undefined): number | undefined {
  if (raw === undefined || !/^[1-9][0-9]{0,15}$/.test(raw)) return undefined
  return Number(raw)
}

export function settingsPages(app: FastifyInstance, deps: AdminDeps) {
  adminPage(app, deps, {
    method: 'GET', path: '/settings', access: 'user',
    async handle(ctx) {
      const role = ctx.session!.role
      return (
        <Frame ctx={ctx} title="Team & keys" section="settings">
          <h1>Team &amp; keys</h1>
          <ul>
            <li><a href="/admin/settings/users">Team</a>: who works on this program, and as which role{may(role, 'manage-users') ? '; invite, change roles, remove.' : '.'}</li>
            <li>
              {may(role, 'manage-keys')
                ? <><a href="/admin/settings/api-keys">API keys</a>: the keys that call the REST API for this program; create and revoke.</>
                : <>API keys: only an owner of this program sees and manages them (your role is {role}).</>}
            </li>
            <li><a href="/admin/settings/audit">Audit log</a>: who changed what, and when.</li>
          </ul>
        </Frame>
      )
    },
  })

  adminPage(app, deps, {
    method: 'GET', path: '/settings/audit', access: 'user',
    async handle(ctx) {
      const before = cursor(ctx.query.before)
      const { entries, next } = await auditTrail(ctx.db, ctx.session!.program.id, { before, limit: PAGE })
      return (
        <Frame ctx={ctx} title="Audit log" section="settings">
          <p><a href="/admin/settings">Team &amp; keys</a></p>
          <h1>Audit log</h1>
          <Table<AuditEntry>
            caption="Changes, newest first" rows={entries} rowKey={(e) => e.id}
            empty={before ? 'Nothing older.' : 'Nothing changed yet.'}
            columns={[
              { label: 'When', cell: (e) => when(e.at) },
              { label: 'Who', cell: (e) => e.userEmail ?? (e.userId === null ? 'command line' : 'a removed user') },
              { label: 'Action', cell: (e) => <code>{e.action}</code> },
              { label: 'Object', cell: (e) => `${e.objectType} ${e.objectId}` },
            ]}
          />
          {(before !== undefined || next !== undefined) && (
            <nav class="pager" aria-label="Pages">
              {before !== undefined && <a href="/admin/settings/audit">Newest</a>}
              {next !== undefined && <a href={`/admin/settings/audit?before=${next}`} rel="next">Older</a>}
            </nav>
          )}
        </Frame>
      )
    },
  })
}
