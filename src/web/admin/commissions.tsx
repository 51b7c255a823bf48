// Commissions: the program's rewards by state (in review, approved and payable, rejected) with their
// partner and sale; a reward in review released early (what the review job does when its period
// ends) or rejected, through the rewards service.
import type { FastifyInstance } from 'fastify'
import { notFound } from '../../domain-errors.js'
import {
  programReward, programRewards, rejectRewardInReview, releaseRewardNow, REWARD_STATES, type ProgramRewardRow, type RewardState,
} from '../../modules/rewards/service.js'
import { record } from '../../modules/users/audit.js'
import { date, money } from '../layout/format.js'
import { PostButton } from '../layout/post-button.js'
import { Pager, pageNumber, Table } from '../layout/table.js'
import { Frame } from './frame.js'
import { adminPage, refusal, refusalText, type AdminContext, type AdminDeps } from './route.js'
import { adminHref, SALES_ACTIONS, SALES_PAGES } from './sales-paths.js'

const PAGE_SIZE = 25

const STATES: Array<{ state: RewardState; label: string }> = [
  { state: 'review', label: 'In review' },
  { state: 'payable', label: 'Approved' },
  { state: 'rejected', label: 'Rejected' },
]

function stateOf(raw: string | undefined): RewardState {
  return raw !== undefined && Object.hasOwn(REWARD_STATES, raw) ? raw as RewardState : 'review'
}

/** A reward's id on the page and in its address: a positive whole number, else no reward at all. */
function rewardId(text: string): number {
  if (!/^[1-9]\d{0,14}$/.test(text)) throw notFound('Reward not found')
  return Number(text)
}

async function CommissionsPage({ ctx, state, failed }: { ctx: AdminContext; state: RewardState; failed?: string }) {
  const program = ctx.session!.program
  const page = pageNumber(ctx.query.page)
  const rows = await programRewards(ctx.db, program.id, state, { offset: (page - 1) * PAGE_SIZE, fetch: PAGE_SIZE + 1 })
  const csrf = ctx.session!.csrf
  const mayAct = state === 'review' && ctx.session!.role !== 'viewer'
  return (
    <Frame ctx={ctx} title="Commissions" section="commissions" notice={failed ? { kind: 'error', text: failed } : undefined}>
      <h1>Commissions</h1>
      <nav aria-label="Commission states">
        <ul class="tabs">
          {STATES.map((s) => (
            <li key={s.state}><a href={`/admin/commissions?state=${s.state}`} aria-current={s.state === state ? 'page' : undefined}>{s.label}</a></li>
          ))}
        </ul>
      </nav>
      <Table<ProgramRewardRow>
        caption={STATES.find((s) => s.state === state)?.label ?? ''} rows={rows.slice(0, PAGE_SIZE)} rowKey={(r) => String(r.id)}
        empty={state === 'review' ? 'No commissions are in review.' : state === 'payable' ? 'No approved commissions.' : 'No rejected commissions.'}
        columns={[
          { label: 'Commission', num: true, cell: (r) => money(r.amount, r.currency) },
          { label: 'Partner', cell: (r) => r.partner_public_id ? `${r.partner_name || r.partner_email || ''} (${r.partner_public_id})` : 'a deleted partner' },
          {
            label: 'Sale', cell: (r) => r.transaction_key
              ? <>{r.transaction_key}{r.transaction_amount !== null ? `, ${money(r.transaction_amount, r.currency)}` : ''}</>
              : r.description ?? (r.kind === 'manual' ? 'A bonus' : ''),
          },
          { label: 'Customer', cell: (r) => r.customer_key ? <a href={adminHref(SALES_PAGES.customer, { key: r.customer_key })}>{r.customer_key}</a> : '' },
          { label: 'Earned', cell: (r) => date(Number(r.created_at)) },
          ...(state === 'review' ? [{ label: 'In review until', cell: (r: ProgramRewardRow) => (r.review_until === null ? '' : date(Number(r.review_until))) }] : []),
          ...(mayAct ? [{
            label: 'Decide', cell: (r: ProgramRewardRow) => (
              <>
                <PostButton action={adminHref(SALES_ACTIONS.releaseReward, { id: String(r.id) })} csrf={csrf} label="Approve now" />
                <PostButton action={adminHref(SALES_ACTIONS.rejectReward, { id: String(r.id) })} csrf={csrf} label="Reject" quiet />
              </>
            ),
          }] : []),
        ]}
      />
      <Pager page={page} hasMore={rows.length > PAGE_SIZE} href={(n) => `/admin/commissions?state=${state}&page=${n}`} />
    </Frame>
  )
}

export function commissionPages(app: FastifyInstance, deps: AdminDeps) {
  adminPage(app, deps, {
    method: 'GET', path: SALES_PAGES.commissions, access: 'user',
    handle: (ctx) => CommissionsPage({ ctx, state: stateOf(ctx.query.state) }),
  })

  for (const [path, act, audited, notice] of [
    [SALES_ACTIONS.releaseReward, releaseRewardNow, 'reward.released', 'reward-released'],
    [SALES_ACTIONS.rejectReward, rejectRewardInReview, 'reward.rejected', 'reward-rejected'],
  ] as const) {
    adminPage(app, deps, {
      method: 'POST', path, access: 'user',
      async handle(ctx) {
        const program = ctx.session!.program
        const id = rewardId(ctx.params.id as string)
        if (!await programReward(ctx.db, program.id, id)) throw notFound('Reward not found')
        try {
          const reward = await act(ctx.db, program.id, id)
          await record(ctx.db, {
            programId: program.id, userId: ctx.session!.user.id, action: audited, objectType: 'reward', objectId: id,
            detail: { amount: String(reward.amount), currency: reward.currency },
          })
        } catch (err) {
          const refused = refusal(err, 'refused')
          return { status: 422, page: await CommissionsPage({ ctx, state: 'review', failed: refusalText(refused) }) }
        }
        return { redirect: `/admin/commissions?state=review&notice=${notice}` }
      },
    })
  }
}
