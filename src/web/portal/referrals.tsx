// The customers the partner brought, with their state and sales. Their emails are masked unless
// the program chose to show them (portal_settings.show_customer_emails).
import type { FastifyInstance } from 'fastify'
import { partnerReferrals, type Referral } from '../../modules/customers/service.js'
import { date, maskEmail } from '../layout/format.js'
import { Frame } from './frame.js'
import { portalPage, type PortalDeps } from './route.js'

const PAGE = 50

function who(r: Referral, showEmails: boolean): string {
  const name = [r.name, r.surname ? `${r.surname[0]}.` : ''].filter(Boolean).join(' ')
  const email = r.email ? (showEmails ? r.email : maskEmail(r.email)) : ''
  return [name, email].filter(Boolean).join(' · ') || 'A customer'
}

const STATES: Record<string, string> = { active: 'Active', suspended: 'Suspended', archived: 'Archived' }

export function referralsPage(app: FastifyInstance, deps: PortalDeps) {
  portalPage(app, deps, {
    method: 'GET', path: '/referrals', access: 'partner',
    async handle(ctx) {
      const pageNo = Math.max(1, Math.min(10_000, Number.parseInt(ctx.query.page ?? '1', 10) || 1))
      const rows = await partnerReferrals(ctx.db, ctx.program, ctx.session!.partner.id, { offset: (pageNo - 1) * PAGE, fetch: PAGE + 1 })
      const show = ctx.program.settings.portal.show_customer_emails
      return (
        <Frame ctx={ctx} title="Referrals" section="referrals">
          <h1>Your referrals</h1>
          {rows.length === 0
            ? <p class="empty">No referred customers yet. Customers who sign up through <a href={ctx.path('/links')}>your links</a> show up here.</p>
            : (
              <table>
                <caption class="visually-hidden">Customers you referred, newest first</caption>
                <thead><tr><th scope="col">Customer</th><th scope="col">Since</th><th scope="col">State</th><th scope="col" class="num">Sales</th></tr></thead>
                <tbody>
                  {rows.slice(0, PAGE).map((r) => (
                    <tr key={r.id}><td>{who(r, show)}</td><td>{date(r.since)}</td><td>{STATES[r.status] ?? r.status}</td><td class="num">{r.sales}</td></tr>
                  ))}
                </tbody>
              </table>
            )}
          <p>
            {pageNo > 1 && <a href={ctx.path(`/referrals?page=${pageNo - 1}`)}>Newer</a>}{' '}
            {rows.length > PAGE && <a href={ctx.path(`/referrals?page=${pageNo + 1}`)}>Older</a>}
          </p>
        </Frame>
      )
    },
  })
}
