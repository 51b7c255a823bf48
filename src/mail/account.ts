// The mails a partner asks for from the portal (a sign-in code, a reset link, a verification
// link), and a merchant user's (an invitation to a program's admin, a password reset link):
// composed and queued here, so the pages know which mail, never how it is made or sent.
import type { Db } from '../store/schema.js'
import type { Program } from '../modules/programs/service.js'
import type { PartnerRow } from '../modules/partners/service.js'
import { queueMail } from './store.js'
import { signIn } from './messages/sign-in.js'
import { passwordReset } from './messages/password-reset.js'
import { verifyEmail } from './messages/verify-email.js'
import { invitation } from './messages/invitation.js'
import { adminPasswordReset } from './messages/admin-password-reset.js'

const minutes = (ms: number) => Math.round(ms / 60_000)

export async function mailSignInCode(db: Db, program: Program, partner: PartnerRow, code: string, url: string, validMs: number) {
  const message = signIn({ programName: program.name, partnerName: partner.name, code, url, validMinutes: minutes(validMs) })
  await queueMail(db, { kind: 'sign-in', to: partner.email, message, programId: program.id })
}

/** A refer-a-friend customer's sign-in code: to the customer's own address (its earner row has none). */
export async function mailCustomerSignInCode(db: Db, program: Program, customer: { email: string; name: string | null }, code: string, url: string, validMs: number) {
  const message = signIn({ programName: program.name, partnerName: customer.name, code, url, validMinutes: minutes(validMs) })
  await queueMail(db, { kind: 'sign-in', to: customer.email, message, programId: program.id })
}

export async function mailPasswordReset(db: Db, program: Program, partner: PartnerRow, url: string, validMs: number) {
  const message = passwordReset({ programName: program.name, partnerName: partner.name, url, validMinutes: minutes(validMs) })
  await queueMail(db, { kind: 'password-reset', to: partner.email, message, programId: program.id })
}

/** To the address being verified, which is the partner's own or the one it is changing to. */
export async function mailVerification(db: Db, program: Program, partner: PartnerRow, to: string, url: string, validMs: number) {
  const message = verifyEmail({ programName: program.name, partnerName: partner.name, url, validMinutes: minutes(validMs) })
  await queueMail(db, { kind: 'verify-email', to, message, programId: program.id })
}

/** To a new member of a program's team: who invited it, as which role, and its one-time sign-in link. */
export async function mailInvitation(
  db: Db, program: Pick<Program, 'id' | 'name'>, invite: { to: string; inviter: string; role: 'owner' | 'admin' | 'viewer'; url: string; validMs: number },
) {
  const message = invitation({ inviter: invite.inviter, programName: program.name, role: invite.role, url: invite.url, validDays: Math.round(invite.validMs / 86_400_000) })
  await queueMail(db, { kind: 'admin-invitation', to: invite.to, message, programId: program.id })
}

/** To a merchant user who forgot its admin password: the one-time link to choose a new one. Of no one program: the password is the user's in all. */
export async function mailAdminPasswordReset(db: Db, reset: { to: string; programNames: string[]; url: string; validMs: number }) {
  const message = adminPasswordReset({ programNames: reset.programNames, url: reset.url, validMinutes: minutes(reset.validMs) })
  await queueMail(db, { kind: 'admin-password-reset', to: reset.to, message, programId: null })
}
