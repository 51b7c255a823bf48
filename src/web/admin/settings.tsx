// Settings: an index of the settings pages, and the audit log —
// who did what in the program, newest first, a page at a time (the `before` cursor the log gives).
import type { FastifyInstance } from 'fastify'
import { auditTrail, type AuditEntry } from '../../modules/users/audit.js'
import { may } from '../../modules/users/roles.js'
import { Table } from '../layout/table.js'
import { Frame } from './frame.js'
import { adminPage, type AdminDeps } from './route.js'
import { settingsPagesFor, SettingsNav, type SettingsPage } from './settings-nav.js'

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
      const about: Record<SettingsPage, string> = {
        program: 'name, website, currency, how partners join.',
        commission: 'what partners earn: the rate, tiers, product rules, levels, review period; with a preview.',
        rewards: 'what a referred friend\'s sign-up or sale earns the customer who referred them and the friend; which click counts; with a preview.',
        tracking: 'cookie lifetime, the referral parameter, how links look, other domains.',
        portal: 'the partner portal: registration, the application form, terms, brand colour and logo, its own host.',
        stripe: 'sales from Stripe: the webhook endpoint and its signing secret.',
        users: may(role, 'manage-users') ? 'who works on this program, as which role; invite, change roles, remove.' : 'who works on this program, as which role.',
        'api-keys': 'the keys that call the REST API for this program; create and revoke.',
        audit: 'who changed what, and when.',
      }
      return (
        <Frame ctx={ctx} title="Settings" section="settings">
          <h1>Settings</h1>
          <ul>
            {settingsPagesFor(role, ctx.session!.program.type).map((page) => (
              <li key={page.key}><a href={`/admin${page.path}`}>{page.label}</a>: {about[page.key]}</li>
            ))}
          </ul>
          {!may(role, 'manage-keys') && <p>API keys: only an owner of this program sees and manages them (your role is {role}).</p>}
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
          <SettingsNav current="audit" session={ctx.session!} />
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
