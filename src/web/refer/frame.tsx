// A referring customer's page frame: the shell with the program's name, and the sign-out button
// once signed in. One page, so no navigation.
import type { ComponentChildren } from 'preact'
import { Shell, type Notice } from '../layout/shell.js'
import type { PageContext } from '../portal/route.js'

export function ReferFrame(props: { ctx: PageContext; title: string; notice?: Notice; narrow?: boolean; children: ComponentChildren }) {
  const { ctx } = props
  return (
    <Shell
      title={props.title} brand={ctx.program.name} home={ctx.path('/')} logo={ctx.logo} narrow={props.narrow} notice={props.notice ?? ctx.notice}
      signOut={ctx.session ? { action: ctx.path('/sign-out'), csrf: ctx.session.csrf } : undefined}
    >
      {props.children}
    </Shell>
  )
}
