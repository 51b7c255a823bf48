// The portal's page frame: the shell with the program's name and colour, and for a signed-in
// partner the navigation and the sign-out button.
import type { ComponentChildren } from 'preact'
import { Shell, type Notice } from '../layout/shell.js'
import { en } from '../i18n/en.js'
import type { PageContext } from './route.js'

const SECTIONS = [
  ['/', 'dashboard'], ['/links', 'links'], ['/referrals', 'referrals'], ['/commissions', 'commissions'], ['/payouts', 'payouts'], ['/profile', 'profile'],
] as const

export type Section = (typeof SECTIONS)[number][1]

export function Frame(props: { ctx: PageContext; title: string; section?: Section; notice?: Notice; narrow?: boolean; children: ComponentChildren }) {
  const { ctx } = props
  const session = ctx.session
  return (
    <Shell
      title={props.title} brand={ctx.program.name} home={ctx.path('/')} brandCss={ctx.path('/brand.css')} logo={ctx.logo} narrow={props.narrow}
      notice={props.notice ?? ctx.notice}
      nav={session
        // A partner waiting for approval has its application's state and its profile, nothing to share yet.
        ? SECTIONS.filter(([, key]) => session.partner.status === 'active' || key === 'dashboard' || key === 'profile')
          .map(([to, key]) => ({ href: ctx.path(to), label: en.nav[key], current: key === props.section }))
        : undefined}
      signOut={session ? { action: ctx.path('/sign-out'), csrf: session.csrf } : undefined}
    >
      {props.children}
    </Shell>
  )
}
