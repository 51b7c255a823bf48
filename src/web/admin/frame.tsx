// The admin's page frame: the shared shell with the program being worked on as its name and, when
// signed in, the link to the user's own account and the sign-out button.
import type { ComponentChildren } from 'preact'
import { Shell, type Notice } from '../layout/shell.js'
import type { AdminContext } from './route.js'
import { SECTIONS, servesProgram, type Section } from './sections.js'

/** `account`: the user's own page, which is no section of the program (its link is beside signing out). */
export function Frame(props: { ctx: AdminContext; title: string; section?: Section | 'account'; notice?: Notice; narrow?: boolean; children: ComponentChildren }) {
  const { session } = props.ctx
  return (
    <Shell
      title={props.title} brand={session ? session.program.name : 'Partnerkit admin'} home="/admin" narrow={props.narrow}
      notice={props.notice ?? props.ctx.notice}
      signOut={session ? { action: '/admin/sign-out', csrf: session.csrf } : undefined}
      account={session ? { href: '/admin/account', label: 'Account', current: props.section === 'account' } : undefined}
      nav={session ? SECTIONS.filter((s) => servesProgram(s.path, session.program.type)).map((s) => ({ href: `/admin${s.path}`, label: s.label, current: s.key === props.section })) : undefined}
    >
      {props.children}
    </Shell>
  )
}
