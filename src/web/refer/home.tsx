// A referring customer's own page (issue 22): its link to share (copy, QR), friends invited by
// email, the friends it referred and whether they bought, what it earned and its balance.
import type { FastifyInstance } from 'fastify'
import {
  customerBalance, invitedAddresses, inviteFriends, referralCustomerByEarner, referredFriends, viewReferralCustomer,
  type Friend, type ReferralCustomerRow,
} from '../../modules/customers/service.js'
import { POINTS, rewardsOfEarner, type RewardRow } from '../../modules/rewards/service.js'
import { notFound } from '../../domain-errors.js'
import { Form, Submit, TextArea, type FieldErrors } from '../layout/form.js'
import { date, maskEmail, money } from '../layout/format.js'
import { Copyable, QrCode, qrSvg } from '../layout/share.js'
import { Table } from '../layout/table.js'
import { field, portalPage, refusal, REFER, type PageContext, type PortalDeps } from '../portal/route.js'
import { ReferFrame } from './frame.js'

const SHOWN = 50

async function signedInCustomer(ctx: PageContext): Promise<ReferralCustomerRow> {
  const customer = await referralCustomerByEarner(ctx.db, ctx.program.id, ctx.session!.partner.id)
  if (!customer) throw notFound('There is no customer here any more.')
  return customer
}

function friendName(f: Friend): string {
  const name = [f.name, f.surname ? `${f.surname[0]}.` : ''].filter(Boolean).join(' ')
  return [name, f.email ? maskEmail(f.email) : ''].filter(Boolean).join(' · ') || 'A friend'
}

const amountOf = (r: { amount: number | bigint; currency: string }) =>
  r.currency === POINTS ? `${Number(BigInt(r.amount)) / 1e6} points` : money(BigInt(r.amount), r.currency)

const REWARD_STATES: Record<string, string> = { ok: 'In your balance', review_period: 'In review', rejected: 'Not given' }

async function HomePage({ ctx, errors, emails }: { ctx: PageContext; errors?: FieldErrors; emails?: string }) {
  const customer = await signedInCustomer(ctx)
  const earnerId = ctx.session!.partner.id
  const [view, friends, rewards, balance] = await Promise.all([
    viewReferralCustomer(ctx.db, ctx.program, customer, ctx.origin),
    referredFriends(ctx.db, ctx.program, earnerId, { offset: 0, fetch: SHOWN }),
    rewardsOfEarner(ctx.db, ctx.program.id, earnerId, { offset: 0, fetch: SHOWN }),
    customerBalance(ctx.db, ctx.program, customer.key as string, ctx.origin),
  ])
  const link = view.referral_link
  const qr = link ? await qrSvg(link) : undefined
  const lines = [...balance.balance.currency, ...balance.balance.points]
  return (
    <ReferFrame ctx={ctx} title="Your referral page" notice={errors ? { kind: 'error', text: 'Nobody was invited: see the message below.' } : undefined}>
      <h1>Refer friends to {ctx.program.name}</h1>
      <section class="card" aria-labelledby="share">
        <h2 id="share">Your link</h2>
        {link ? <Copyable id="my-link" label="Share this link" value={link} /> : <p class="empty">You have no link yet: ask {ctx.program.name}.</p>}
        {link && qr && <QrCode svg={qr} url={link} caption="Scan to open your link" />}
      </section>
      <section class="card" aria-labelledby="invite">
        <h2 id="invite">Invite friends by email</h2>
        <Form action={ctx.path('/invite')} csrf={ctx.session!.csrf} label="Invite friends">
          <TextArea name="emails" label="Their email addresses" value={emails} rows={3} errors={errors}
            hint="One per line or separated by commas, up to 20 an hour. Each gets one mail with your link, from the program." />
          <Submit>Send invitations</Submit>
        </Form>
      </section>
      <section class="card" aria-labelledby="balance">
        <h2 id="balance">Your balance</h2>
        <ul class="figures">{lines.map((l) => <li key={l.amount_units}><strong>{l.is_currency ? money(BigInt(Math.round(l.amount * 1e6)), l.amount_units) : `${l.amount} points`}</strong></li>)}</ul>
        <p class="hint">{ctx.program.name} applies it to your orders; what it applied leaves the balance.</p>
      </section>
      <section aria-labelledby="friends">
        <h2 id="friends">Friends you referred</h2>
        <Table caption="Friends you referred, newest first" rows={friends} rowKey={(f) => f.id}
          empty={<>No friends yet. Share your link: friends who sign up through it show up here.</>}
          columns={[
            { label: 'Friend', cell: (f: Friend) => friendName(f) },
            { label: 'Since', cell: (f: Friend) => date(f.since) },
            { label: 'State', cell: (f: Friend) => (f.sales > 0 ? 'Bought' : 'Signed up') },
          ]} />
      </section>
      <section aria-labelledby="rewards">
        <h2 id="rewards">Your rewards</h2>
        <Table caption="Your rewards, newest first" rows={rewards} rowKey={(r) => Number(r.id)}
          empty={<>No rewards yet. You earn when friends you referred sign up or buy.</>}
          columns={[
            { label: 'Earned', cell: (r: RewardRow) => date(Number(r.created_at)) },
            { label: 'For', cell: (r: RewardRow) => (r.kind === 'signup' ? 'A friend signed up' : r.kind === 'sale' ? 'A purchase' : 'A bonus') },
            { label: 'State', cell: (r: RewardRow) => REWARD_STATES[r.status] ?? r.status },
            { label: 'Amount', num: true, cell: (r: RewardRow) => amountOf(r) },
          ]} />
      </section>
    </ReferFrame>
  )
}

export function referHomePages(app: FastifyInstance, deps: PortalDeps) {
  const invitesPerCustomer = deps.limits.perSubject('customer-invites', 20, 3600)

  portalPage(app, deps, { method: 'GET', path: '/', access: 'partner', handle: (ctx) => HomePage({ ctx }) }, REFER)

  portalPage(app, deps, {
    method: 'POST', path: '/invite', access: 'partner',
    async handle(ctx) {
      const customer = await signedInCustomer(ctx)
      const emails = field(ctx.form, 'emails')
      const friends = emails.split(/[\s,;]+/).filter(Boolean)
      try {
        if (friends.length === 0) return { status: 422, page: await HomePage({ ctx, emails, errors: { emails: ['Type at least one address.'] } }) }
        if (friends.length > 20) return { status: 422, page: await HomePage({ ctx, emails, errors: { emails: ['Up to 20 addresses at a time.'] } }) }
        const to = invitedAddresses(customer, { friends })
        for (const _ of to) await invitesPerCustomer(ctx.request, ctx.reply, `${ctx.program.id}:${customer.id}`)
        await inviteFriends(ctx.db, ctx.program, customer, to, {}, ctx.origin)
      } catch (err) {
        const refused = refusal(err, 'invalid')
        const message = Object.values(refused.errors ?? {}).flat()[0] ?? refused.message
        return { status: 422, page: await HomePage({ ctx, emails, errors: { emails: [message] } }) }
      }
      return { redirect: ctx.path('/?notice=invited') }
    },
  }, REFER)
}
