// The admin's page frame: the shared shell with the program being worked on as its name and, when
// signed in, the sign-out button.
import type { ComponentChildren } from 'preact'
import { Shell, type Notice } from '../layout/shell.js'
import type { AdminContext } from './route.js'

export function Frame(props: { ctx: AdminContext; title: string; notice?: Notice; narrow?: boolean; children: ComponentChildren }) {
  const { session } = props.ctx
  return (
    <Shell
      title={props.title} brand={session ? session.program.name : 'Partnerkit admin'} home="/admin" narrow={props.narrow}
      notice={props.notice ?? props.ctx.notice}
      signOut={session ? { action: '/admin/sign-out', csrf: session.csrf } : undefined}
    >
      {props.children}
    </Shell>
  )
}
