// Starting and ending an admin session. A sign-in always makes a new session id (an id planted
// in the browser before sign-in is worth nothing after it) and ends the one the browser had.
import { closeSession, openSession } from '../../modules/users/sign-in.js'
import { clearCookie, readCookie, setCookie } from '../session/cookie.js'
import { COOKIE_SCOPE, field, type AdminContext } from './route.js'

export async function startSession(ctx: AdminContext, userId: number, programId: number): Promise<{ redirect: string }> {
  const before = readCookie(ctx.request, COOKIE_SCOPE)
  if (before) await closeSession(ctx.db, before)
  const { cookie } = await openSession(ctx.db, userId, programId)
  setCookie(ctx.request, ctx.reply, COOKIE_SCOPE, cookie)
  return { redirect: safeNext(ctx.query.next ?? field(ctx.form, 'next')) }
}

export async function endSession(ctx: AdminContext): Promise<void> {
  const cookie = readCookie(ctx.request, COOKIE_SCOPE)
  if (cookie) await closeSession(ctx.db, cookie)
  clearCookie(ctx.request, ctx.reply, COOKIE_SCOPE)
}

/** Only an admin path of this server: never another site (`//evil.example`, `https:`…). */
function safeNext(next: string | undefined): string {
  return next && /^\/admin(\/[A-Za-z0-9_-]+)*$/.test(next) ? next : '/admin'
}
