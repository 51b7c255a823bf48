// The settings pages' own tabs, in the order a new merchant sets a program up. Pages a role may not
// open (API keys for an admin or viewer) are not offered.
import type { ComponentChildren } from 'preact'
import { may, type Role } from '../../modules/users/roles.js'
import { servesProgram } from './sections.js'
import { Form } from '../layout/form.js'

export const SETTINGS_PAGES = [
  { key: 'program', path: '/settings/program', label: 'Program' },
  { key: 'commission', path: '/settings/commission', label: 'Commission' },
  { key: 'rewards', path: '/settings/rewards', label: 'Rewards', programs: ['referral'] },
  { key: 'tracking', path: '/settings/tracking', label: 'Tracking and links' },
  { key: 'portal', path: '/settings/portal', label: 'Partner portal' },
  { key: 'stripe', path: '/settings/stripe', label: 'Stripe' },
  { key: 'users', path: '/settings/users', label: 'Team' },
  { key: 'api-keys', path: '/settings/api-keys', label: 'API keys', needs: 'manage-keys' },
  { key: 'audit', path: '/settings/audit', label: 'Audit log' },
] as const

export type SettingsPage = (typeof SETTINGS_PAGES)[number]['key']

/** The settings pages this role may open in a program of this type. */
export function settingsPagesFor(role: Role, type: string) {
  return SETTINGS_PAGES.filter((page) => (!('needs' in page) || may(role, page.needs))
    && (!('programs' in page) || (page.programs as readonly string[]).includes(type)) && servesProgram(page.path, type))
}

export function SettingsNav({ current, session }: { current: SettingsPage; session: { role: Role; program: { type: string } } }) {
  return (
    <nav aria-label="Settings">
      <ul class="tabs">
        {settingsPagesFor(session.role, session.program.type).map((page) => (
          <li key={page.key}><a href={`/admin${page.path}`} aria-current={page.key === current ? 'page' : undefined}>{page.label}</a></li>
        ))}
      </ul>
    </nav>
  )
}

/** A settings form's save button, or, for a role that may not change settings, why there is none. */
export function SaveButton({ role, label = 'Save' }: { role: Role; label?: string }) {
  return may(role, 'change') ? <button type="submit">{label}</button> : <p class="hint">Your role ({role}) may see these settings but not change them.</p>
}

/**
 * A settings form for a role that may change settings; for one that may not (a viewer), the same
 * fields shown switched off and no form to post, so the page offers no change it would refuse.
 */
export function SettingsForm(props: { role: Role; action: string; csrf: string; label: string; children: ComponentChildren }) {
  if (!may(props.role, 'change')) {
    return <div role="group" aria-label={props.label}><fieldset disabled class="plain">{props.children}</fieldset></div>
  }
  return <Form action={props.action} csrf={props.csrf} label={props.label}>{props.children}</Form>
}
