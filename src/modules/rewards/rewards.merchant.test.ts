// A merchant acting on one reward in review: releasing it early moves exactly what the review job
// moves, rejecting it takes its worth out of the partner's and the program's numbers; and the
// program's rewards listed by state, with partner, sale and customer named. Never another program's.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startServer, type TestServer } from '../../../test/support/server.js'
import { eventsOf, makePartner } from '../../../test/support/partners.js'
import { makeSale, moneyPicture } from '../../../test/support/sales.js'
import { statsPair } from '../../../test/support/recompute.js'
import { releaseDueRewards } from './review.js'
import { programReward, programRewards, rejectRewardInReview, releaseRewardNow } from './service.js'

let server: TestServer
beforeAll(async () => {
  server = await startServer()
})
afterAll(() => server.close())

/** A program with review days, a partner and one sale of 100 in review: its reward's row id. */
async function saleInReview(name: string) {
  const p = await server.program({ name })
  await server.put('/v1/program', { key: p.key, body: { program_settings: { commission: { review_days: 30 } } } })
  const partner = await makePartner(server, p.key, { key: `${name}_ref` })
  await makeSale(server, p.key, { key: `${name}_sale`, amount: 100, customer: { key: `${name}_cus`, partner: { key: `${name}_ref` } }, options: { create_customer: true } })
  const reward = await server.store.db.selectFrom('rewards').select('id').where('program_id', '=', p.id).executeTakeFirstOrThrow()
  return { p, partner, rewardId: Number(reward.id) }
}

/** Every maintained counter (partner amounts, rollups, each reward's ledger) equals what the rows add up to. */
async function consistent(programId: number) {
  const pair = await statsPair(server.store.db, programId)
  expect(pair.maintained).toEqual(pair.recomputed)
}

/** The money picture without the ids and days that differ from program to program. */
async function shape(p: { id: number; key: string }, partnerId: string) {
  const picture = await moneyPicture(server, p, [partnerId])
  return {
    commissions: picture.partners[0].commissions,
    ledger: picture.ledger.map((l: Record<string, unknown>) => [l.kind, l.bucket, String(l.amount), l.currency]),
    rollups: picture.rollups.map((r: Record<string, unknown>) => [r.metric, r.currency, String(r.value)]),
  }
}

describe('releasing a reward early', () => {
  it('moves the ledger, the partner\'s amounts and the rollups exactly as the review job does, and announces reward.approved', async () => {
    const byJob = await saleInReview('byjob')
    const byHand = await saleInReview('byhand')
    await server.store.db.updateTable('rewards').set({ review_until: Date.now() - 1000 }).where('id', '=', byJob.rewardId).execute()
    await releaseDueRewards(server.store.db)
    const released = await releaseRewardNow(server.store.db, byHand.p.id, byHand.rewardId)
    expect(released.status).toBe('ok')
    const [job, hand] = [await shape(byJob.p, byJob.partner.id), await shape(byHand.p, byHand.partner.id)]
    expect(hand).toEqual(job)
    expect(hand.commissions.pending).toEqual([])
    expect(hand.commissions.not_paid).toEqual([{ currency: 'USD', amount: expect.any(Number) }])
    const approved = (await eventsOf(server, byHand.p.id)).filter((e) => e.type === 'reward.approved')
    expect(approved).toHaveLength(1)
    expect(approved[0]?.data).toMatchObject({ id: byHand.rewardId, status: 'ok', transaction: 'byhand_sale', customer: 'byhand_cus' })
    // Once only: a second release (or the job afterwards) moves nothing.
    await expect(releaseRewardNow(server.store.db, byHand.p.id, byHand.rewardId)).rejects.toMatchObject({ code: 'not_in_review' })
    await server.store.db.updateTable('rewards').set({ review_until: Date.now() - 1000 }).where('id', '=', byHand.rewardId).execute()
    await releaseDueRewards(server.store.db)
    expect(await shape(byHand.p, byHand.partner.id)).toEqual(hand)
    await consistent(byHand.p.id)
  })
})

describe('rejecting a reward in review', () => {
  it('takes its worth out of review and out of the program\'s reward total, and announces reward.rejected', async () => {
    const { p, partner, rewardId } = await saleInReview('rejecting')
    const rejected = await rejectRewardInReview(server.store.db, p.id, rewardId)
    expect(rejected.status).toBe('rejected')
    const after = await shape(p, partner.id)
    expect(after.commissions.pending).toEqual([])
    expect(after.commissions.not_paid).toEqual([])
    const [created, reversal] = after.ledger
    expect(created?.[1]).toBe('review')
    expect(reversal).toEqual(['reversal', 'review', `-${created?.[2]}`, 'USD'])
    expect(after.rollups.filter((r: unknown[]) => r[0] === 'reward').map((r: unknown[]) => r[2])).toEqual(['0'])
    expect((await eventsOf(server, p.id)).filter((e) => e.type === 'reward.rejected').map((e) => e.data.id)).toEqual([rewardId])
    // Final: neither released nor rejected again, and the job leaves it alone.
    await expect(releaseRewardNow(server.store.db, p.id, rewardId)).rejects.toMatchObject({ code: 'not_in_review' })
    await expect(rejectRewardInReview(server.store.db, p.id, rewardId)).rejects.toMatchObject({ code: 'not_in_review' })
    await server.store.db.updateTable('rewards').set({ review_until: Date.now() - 1000 }).where('id', '=', rewardId).execute()
    await releaseDueRewards(server.store.db)
    expect(await shape(p, partner.id)).toEqual(after)
    // A later refund of the sale moves no money for the rejected reward.
    const refund = await server.post('/v1/transactions/rejecting_sale/refund', { key: p.key, body: { amount: 50 } })
    expect(refund.status, refund.text).toBe(200)
    expect((await shape(p, partner.id)).commissions).toEqual(after.commissions)
    await consistent(p.id)
  })
})

describe('another program\'s reward', () => {
  it('is not found, and nothing moves', async () => {
    const mine = await saleInReview('mine')
    const theirs = await saleInReview('theirs')
    const before = await shape(theirs.p, theirs.partner.id)
    await expect(releaseRewardNow(server.store.db, mine.p.id, theirs.rewardId)).rejects.toMatchObject({ kind: 'not_found' })
    await expect(rejectRewardInReview(server.store.db, mine.p.id, theirs.rewardId)).rejects.toMatchObject({ kind: 'not_found' })
    expect(await programReward(server.store.db, mine.p.id, theirs.rewardId)).toBeUndefined()
    expect(await shape(theirs.p, theirs.partner.id)).toEqual(before)
  })
})

describe('the program\'s rewards by state', () => {
  it('lists each state\'s rewards, newest first, with partner, sale and customer', async () => {
    const { p, partner, rewardId } = await saleInReview('listing')
    await makeSale(server, p.key, { key: 'listing_sale2', amount: 40, customer: { key: 'listing_cus' } })
    const page = { offset: 0, fetch: 10 }
    const review = await programRewards(server.store.db, p.id, 'review', page)
    expect(review.map((r) => r.transaction_key)).toEqual(['listing_sale2', 'listing_sale'])
    expect(review[1]).toMatchObject({ partner_public_id: partner.id, customer_key: 'listing_cus', currency: 'USD' })
    expect(BigInt(review[1]?.transaction_amount ?? 0)).toBe(100_000_000n)
    await releaseRewardNow(server.store.db, p.id, rewardId)
    expect((await programRewards(server.store.db, p.id, 'payable', page)).map((r) => Number(r.id))).toEqual([rewardId])
    expect(await programRewards(server.store.db, p.id, 'rejected', page)).toEqual([])
    expect(await programRewards(server.store.db, p.id, 'review', { offset: 0, fetch: 1 })).toHaveLength(1)
  })
})
