// Which domain events a partner hears about by email, and which program setting decides it. The
// modules know nothing of mail: they announce their changes in the outbox, and the mail job reads
// them here, after they committed.
//
//   partner.created  → application received (pending) or approved (active)   welcome_email_enabled
//   partner.approved → approved                                               partner_email_notifications_enabled
//   partner.rejected → rejected                                               partner_email_notifications_enabled
//   reward.created   → new commission (a positive reward, not rejected)       partner_email_notifications_enabled
//   payout.paid      → payout sent                                            partner_email_notifications_enabled
//   customer.invited → friend invitation (refer-a-friend; the merchant asked for it through the API)
import { readJson } from '../store/json.js'
import type { Db } from '../store/schema.js'
import { formatMoney } from '../money/format.js'
import { programById, type Program } from '../modules/programs/service.js'
import { portalUrl } from '../modules/programs/representation.js'
import { partnerByIdentity } from '../modules/partners/service.js'
import { mailsTurnedOff, OPTIONAL_MAILS } from '../modules/partners/account.js'
import type { ProgramSettings } from '../modules/programs/settings.js'
import type { Message } from './message.js'
import type { NewMail } from './store.js'
import { applicationApproved } from './messages/application-approved.js'
import { applicationReceived } from './messages/application-received.js'
import { applicationRejected } from './messages/application-rejected.js'
import { newCommission } from './messages/new-commission.js'
import { payoutSent } from './messages/payout-sent.js'
import { friendInvitation } from './messages/friend-invitation.js'

export interface OutboxEvent {
  id: number | bigint
  program_id: number | bigint
  type: string
  data: unknown
}

/** What the events of interest carry (the partner, reward and payout as the API shows them). */
interface PartnerData { email: string; name: string | null; status: string; referral_link?: string }
interface RewardData { partner: string | null; status: string; amount: number; amount_units: string }
interface PayoutData { partner: { email: string; name: string } | null; amount: number; amount_units: string; gateway: string | null }

const SETTING: Record<string, keyof ProgramSettings> = {
  'partner.created': 'welcome_email_enabled',
  'partner.approved': 'partner_email_notifications_enabled',
  'partner.rejected': 'partner_email_notifications_enabled',
  'reward.created': 'partner_email_notifications_enabled',
  'payout.paid': 'partner_email_notifications_enabled',
}

interface Made {
  kind: string
  to: string
  message: Message
}

/** The mails the events ask for, in event order; `base` starts the portal links (PUBLIC_URL or the server's address). */
export async function mailsForEvents(db: Db, events: OutboxEvent[], base: string): Promise<NewMail[]> {
  const programs = new Map<number, Program | undefined>()
  const mails: NewMail[] = []
  for (const event of events) {
    const setting = SETTING[event.type]
    if (!setting && event.type !== 'customer.invited') continue
    const programId = Number(event.program_id)
    if (!programs.has(programId)) programs.set(programId, await programById(db, programId))
    const program = programs.get(programId)
    if (event.type === 'customer.invited') {
      if (program?.type === 'referral') mails.push({ ...invitationMail(program, readJson(event.data)), programId, outboxId: Number(event.id) })
      continue
    }
    if (!setting) continue
    // Partners (and so these mails) belong to affiliate programs only.
    if (!program || program.type !== 'affiliate' || program.settings.program[setting] !== true) continue
    const made = await mailFor(db, program, event.type, readJson(event.data), base)
    if (made && await turnedOff(db, program, made)) continue
    if (made) mails.push({ ...made, programId, outboxId: Number(event.id) })
  }
  return mails
}

async function mailFor(db: Db, program: Program, type: string, data: unknown, base: string): Promise<Made | undefined> {
  const programName = program.name
  const portal = portalUrl(program, base)
  switch (type) {
    case 'partner.created': {
      const p = data as PartnerData
      if (p.status === 'pending') return { kind: 'application-received', to: p.email, message: applicationReceived({ programName, partnerName: p.name, portalUrl: portal }) }
      if (p.status === 'active') return approved(programName, p, portal)
      return undefined
    }
    case 'partner.approved':
      return approved(programName, data as PartnerData, portal)
    case 'partner.rejected': {
      const p = data as PartnerData
      return { kind: 'application-rejected', to: p.email, message: applicationRejected({ programName, partnerName: p.name }) }
    }
    case 'reward.created': {
      const r = data as RewardData
      if (r.partner === null || r.status === 'rejected' || !(r.amount > 0)) return undefined
      // The reward names its partner by id; the address is the partner's as it is now.
      const partner = await partnerByIdentity(db, program, { id: r.partner })
      if (!partner) return undefined
      return {
        kind: 'new-commission',
        to: partner.email,
        message: newCommission({ programName, partnerName: partner.name, amount: money(r.amount, r.amount_units), inReview: r.status === 'review_period', portalUrl: portal }),
      }
    }
    case 'payout.paid': {
      const p = data as PayoutData
      if (!p.partner || p.partner.email === '') return undefined
      return {
        kind: 'payout-sent',
        to: p.partner.email,
        message: payoutSent({ programName, partnerName: p.partner.name || null, amount: money(p.amount, p.amount_units), gateway: p.gateway, portalUrl: portal }),
      }
    }
  }
  return undefined
}

/** The partner said in its profile that it does not want this kind of mail. */
async function turnedOff(db: Db, program: Program, made: Made): Promise<boolean> {
  if (!(OPTIONAL_MAILS as readonly string[]).includes(made.kind)) return false
  const partner = await partnerByIdentity(db, program, { email: made.to })
  return partner !== undefined && (mailsTurnedOff(partner) as string[]).includes(made.kind)
}

function approved(programName: string, p: PartnerData, portal: string): Made {
  return {
    kind: 'application-approved',
    to: p.email,
    message: applicationApproved({ programName, partnerName: p.name, portalUrl: portal, referralLink: p.referral_link || null }),
  }
}

/** An amount as events carry it (a number of units) in its currency: "$12.50". */
function money(amount: number, currency: string): string {
  return formatMoney(BigInt(Math.round(amount * 1_000_000)), currency)
}

interface InvitedData { to: string; inviter: string; referral_link: string; personalization: Record<string, unknown> }

function invitationMail(program: Program, data: InvitedData): Made {
  const message = friendInvitation({ programName: program.name, inviter: data.inviter, url: data.referral_link, personalization: data.personalization })
  return { kind: 'friend-invitation', to: data.to, message }
}
