// Starting and ending a partner's portal session. A sign-in always makes a new session id (an id
// planted before sign-in is worth nothing after it) and ends the one the browser had.
import type { PartnerRow } from '../../modules/partners/service.js'
import { closeSession, openSession } from '../../modules/sign-in/service.js'
import { clearCookie, readCookie, setCookie } from '../session/cookie.js'
import type { PageContext } from './route.js'

export async function startSession(ctx: PageContext, partner: PartnerRow): Promise<{ redirect: string }> {
  const scope = ctx.program.publicId
  const before = readCookie(ctx.request, scope)
  if (before) await closeSession(ctx.db, before)
  const { cookie } = await openSession(ctx.db, partner)
  setCookie(ctx.request, ctx.reply, scope, cookie)
  return { redirect: ctx.path(safeNext(ctx.query.next ?? (typeof ctx.form.next === 'string' ? ctx.form.next : undefined))) }
}

export async function endSession(ctx: PageContext): Promise<void> {
  const cookie = readCookie(ctx.request, ctx.program.publicId)
  if (cookie) await closeSession(ctx.db, cookie)
  clearCookie(ctx.request, ctx.reply, ctx.program.publicId)
}

/** Only a portal path of this program: never another site (`//evil.example`, `https:`…). */
function safeNext(next: string | undefined): string {
  // The first segment may not be empty: `//evil` passed as `/` + `/evil`, which under the /portal/ID
  // prefix went nowhere but on a portal's own host (no prefix) is the address of another site.
  return next && /^\/([a-z-]+(\/[A-Za-z0-9_-]+)*)?$/.test(next) ? next : '/'
}
