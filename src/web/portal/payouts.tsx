// Payouts: where the partner's money goes (a saved payout method), how far it is from the
// threshold, a request when the program lets partners ask, and every payout with its statement.
import type { FastifyInstance } from 'fastify'
import { notFound } from '../../domain-errors.js'
import { savedMethod } from '../../modules/partners/payout-method.js'
import { partnerFigures } from '../../modules/partners/account.js'
import { updatePartner } from '../../modules/partners/service.js'
import { payoutRules } from '../../modules/programs/payout-settings.js'
import type { Program } from '../../modules/programs/service.js'
import { listPayouts, requestPayout, requirePayout } from '../../modules/payouts/service.js'
import { OPEN_STATUSES } from '../../modules/payouts/status.js'
import { payoutStatementCsv } from '../../modules/payouts/statement.js'
import type { PayoutGateway } from '../../store/schema.js'
import { Field, Form, Submit, type FieldErrors } from '../layout/form.js'
import { date, money } from '../layout/format.js'
import { Frame } from './frame.js'
import { field, portalPage, refusal, type PageContext, type PortalDeps } from './route.js'

const HISTORY = 100

const GATEWAYS: Array<{ gateway: PayoutGateway; title: string; fields: Array<{ name: string; label: string; type?: 'email' }> }> = [
  { gateway: 'paypal', title: 'PayPal', fields: [{ name: 'email', label: 'PayPal email', type: 'email' }] },
  { gateway: 'wise', title: 'Wise', fields: [{ name: 'name', label: 'Account holder name' }, { name: 'email', label: 'Wise email', type: 'email' }] },
  { gateway: 'crypto', title: 'Crypto', fields: [{ name: 'wallet_address', label: 'Wallet address' }, { name: 'type', label: 'Coin (for example USDC)' }] },
  { gateway: 'venmo', title: 'Venmo', fields: [{ name: 'user_handle', label: 'Venmo username' }] },
]

const STATES: Record<string, string> = {
  requested: 'Requested', approved: 'Approved', finished: 'Paid', rejected: 'Rejected', resubmit_requested: 'Details needed', resubmitted: 'Resubmitted',
}

function requestsAllowed(program: Program): boolean {
  return program.settings.portal.payout_requests_enabled
}

async function PayoutsPage({ ctx, errors, failed, gateway }: { ctx: PageContext; errors?: FieldErrors; failed?: string; gateway?: PayoutGateway }) {
  const partner = ctx.session!.partner
  const [figures, history] = await Promise.all([
    partnerFigures(ctx.db, ctx.program, partner),
    listPayouts(ctx.db, ctx.program, { sort: 'desc', offset: 0, fetch: HISTORY, partnerId: partner.id }),
  ])
  const method = savedMethod(partner.payout)
  const threshold = payoutRules(ctx.program).threshold
  const cur = figures.currency
  const mine = (g: PayoutGateway) => (method?.gateway === g ? method.settings : {})
  // The program takes one open request per currency. While one is open the form was still offered
  // and a second request refused in the merchant's words (a browser test found it): say so instead.
  const open = history.find((p) => OPEN_STATUSES.includes(p.status) && p.amount_units.toUpperCase() === cur.toUpperCase())
  return (
    <Frame ctx={ctx} title="Payouts" section="payouts" notice={failed ? { kind: 'error', text: failed } : undefined}>
      <h1>Payouts</h1>
      <dl class="figures">
        <div><dt>Payable now</dt><dd>{money(figures.payable, cur)}</dd></div>
        <div><dt>In review</dt><dd>{money(figures.inReview, cur)}</dd></div>
        <div><dt>Paid so far</dt><dd>{money(figures.paid, cur)}</dd></div>
        <div><dt>Payout threshold</dt><dd>{money(threshold, cur)}</dd></div>
      </dl>
      {requestsAllowed(ctx.program) && (
        <section class="card" aria-labelledby="ask">
          <h2 id="ask">Ask for a payout</h2>
          {open
            ? <p>{`Your payout request ${open.id} of ${money(BigInt(Math.round(open.amount * 1e6)), open.amount_units)} is ${(STATES[open.status] ?? open.status).toLowerCase()}. You can ask again once it is paid or rejected.`}</p>
            : figures.payable > 0n && figures.payable >= threshold
            ? (
              <Form action={ctx.path('/payouts/request')} csrf={ctx.session!.csrf} label="Ask for a payout">
                <p>{`Your payable ${money(figures.payable, cur)} will be paid ${method ? `by ${GATEWAYS.find((g) => g.gateway === method.gateway)?.title}` : 'once you set a payout method'}.`}</p>
                <Submit>Request a payout</Submit>
              </Form>
            )
            : <p>{figures.payable === 0n ? 'Nothing is payable yet.' : `You can ask once your payable balance reaches ${money(threshold, cur)}.`}</p>}
        </section>
      )}
      <section class="card" aria-labelledby="method">
        <h2 id="method">Payout method</h2>
        <p>{method ? `Payouts go by ${GATEWAYS.find((g) => g.gateway === method.gateway)?.title}.` : 'No payout method yet: choose one below.'}</p>
        {GATEWAYS.map((g) => (
          <details key={g.gateway} open={gateway === g.gateway || method?.gateway === g.gateway}>
            <summary>{g.title}</summary>
            <Form action={ctx.path('/payouts/method')} csrf={ctx.session!.csrf} label={`${g.title} payout method`}>
              <input type="hidden" name="gateway" value={g.gateway} />
              {g.fields.map((f) => (
                <Field key={f.name} name={`${g.gateway}_${f.name}`} label={f.label} type={f.type} value={mine(g.gateway)[f.name]} required
                  errors={gateway === g.gateway && errors ? { [`${g.gateway}_${f.name}`]: errors[`payout_settings.${f.name}`] ?? [] } : undefined} />
              ))}
              <Submit>{`Pay me by ${g.title}`}</Submit>
            </Form>
          </details>
        ))}
      </section>
      <h2>History</h2>
      {history.length === 0
        ? <p class="empty">No payouts yet.</p>
        : (
          <table>
            <caption class="visually-hidden">Your payouts, newest first</caption>
            <thead><tr><th scope="col">Requested</th><th scope="col" class="num">Amount</th><th scope="col">Method</th><th scope="col">State</th><th scope="col">Statement</th></tr></thead>
            <tbody>
              {history.map((p) => (
                <tr key={p.id}>
                  <td>{date(p.created_at)}</td>
                  <td class="num">{money(BigInt(Math.round(p.amount * 1e6)), p.amount_units)}</td>
                  <td>{GATEWAYS.find((g) => g.gateway === p.gateway)?.title ?? '—'}</td>
                  <td>{STATES[p.status] ?? p.status}{p.paid_at ? ` ${date(p.paid_at)}` : ''}</td>
                  <td><a href={ctx.path(`/payouts/${p.id}/statement`)} download>{`Statement ${p.id} (CSV)`}</a></td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
    </Frame>
  )
}

export function payoutPages(app: FastifyInstance, deps: PortalDeps) {
  portalPage(app, deps, { method: 'GET', path: '/payouts', access: 'partner', handle: (ctx) => PayoutsPage({ ctx }) })

  portalPage(app, deps, {
    method: 'POST', path: '/payouts/method', access: 'partner',
    async handle(ctx) {
      const gateway = field(ctx.form, 'gateway') as PayoutGateway
      const spec = GATEWAYS.find((g) => g.gateway === gateway)
      if (!spec) return { status: 422, page: await PayoutsPage({ ctx, failed: 'Choose one of the payout methods.' }) }
      const settings: Record<string, string> = Object.fromEntries(spec.fields.map((f) => [f.name, field(ctx.form, `${gateway}_${f.name}`)]).filter(([, v]) => v !== ''))
      if (gateway === 'venmo') settings.recipient_type = 'USER_HANDLE'
      try {
        await updatePartner(ctx.db, ctx.program, async () => ctx.session!.partner, { payout_gateway: gateway, payout_settings: settings }, ctx.origin)
      } catch (err) {
        return { status: 422, page: await PayoutsPage({ ctx, errors: refusal(err, 'invalid').errors, gateway, failed: 'The payout method was not saved.' }) }
      }
      return { redirect: ctx.path('/payouts?notice=method-saved') }
    },
  })

  portalPage(app, deps, {
    method: 'POST', path: '/payouts/request', access: 'partner',
    async handle(ctx) {
      if (!requestsAllowed(ctx.program)) return { status: 403, page: await PayoutsPage({ ctx, failed: 'This program pays out on its own schedule; requests are off.' }) }
      try {
        await requestPayout(ctx.db, ctx.program, { partner: { id: ctx.session!.partner.public_id } })
      } catch (err) {
        const refused = refusal(err, 'invalid', 'refused', 'conflict', 'forbidden')
        const text = refused.errors ? Object.values(refused.errors).flat().join(' ') : refused.message
        return { status: 422, page: await PayoutsPage({ ctx, failed: text }) }
      }
      return { redirect: ctx.path('/payouts?notice=payout-requested') }
    },
  })

  portalPage(app, deps, {
    method: 'GET', path: '/payouts/:number/statement', access: 'partner',
    async handle(ctx) {
      const number = Number.parseInt(ctx.params.number as string, 10)
      const partner = ctx.session!.partner
      // Only the partner's own payouts: anyone else's number is as unknown as a missing one.
      const payout = Number.isSafeInteger(number) && number > 0 ? await requirePayout(ctx.db, ctx.program, number).catch(() => undefined) : undefined
      if (!payout || Number(payout.partner_id) !== partner.id) throw notFound('Payout not found.')
      const csv = await payoutStatementCsv(ctx.db, ctx.program, number)
      ctx.reply.type('text/csv; charset=utf-8').header('content-disposition', `attachment; filename="payout-${number}-statement.csv"`)
        .header('cache-control', 'no-store').header('x-content-type-options', 'nosniff')
      ctx.reply.send(csv)
    },
  })
}
