// Helpers for payout tests: a partner with saved-or-given PayPal details who has earned
// commission through real sales, and a payout request made through the API.
import { expect } from 'vitest'
import type { TestServer } from './server.js'
import { makePartner } from './partners.js'

export const PAYPAL = { gateway: 'paypal', payout_settings: { username: 'payee@example.com' } }

let orders = 0

/** A sale by a new customer of the partner: 30 % of `amount` (the default rate) becomes payable at once. */
export async function earn(server: TestServer, apiKey: string, partnerKey: string, amount: number | string, currency?: string) {
  orders += 1
  const res = await server.post('/v1/transactions', {
    key: apiKey,
    body: {
      key: `po_order_${orders}`, amount, ...(currency ? { amount_units: currency } : {}),
      customer: { key: `po_cus_${orders}`, partner: { key: partnerKey } }, options: { create_customer: true },
    },
  })
  expect(res.status, res.text).toBe(201)
  // The sale's answer names its rewards without ids; payouts name them by id.
  const rows = await server.store.db.selectFrom('rewards as r').innerJoin('transactions as t', 't.id', 'r.transaction_id')
    .select('r.id').where('t.key', '=', res.json.data.key).orderBy('r.id').execute()
  return { key: res.json.data.key as string, rewardIds: rows.map((r) => Number(r.id)) }
}

/** A partner and the sales that earned it commission: answers its id and key. */
export async function earningPartner(server: TestServer, apiKey: string, amounts: Array<number | string>, fields: Record<string, unknown> = {}) {
  orders += 1
  const key = (fields.key as string | undefined) ?? `po_ref_${orders}`
  const partner = await makePartner(server, apiKey, { ...fields, key })
  const sales = []
  for (const amount of amounts) sales.push(await earn(server, apiKey, key, amount))
  return { id: partner.id as string, key, email: partner.email as string, sales }
}

export async function requestPayout(server: TestServer, apiKey: string, body: Record<string, unknown>, status = 201) {
  const res = await server.post('/v1/payout_requests', { key: apiKey, body: { ...PAYPAL, ...body } })
  expect(res.status, res.text).toBe(status)
  return res.json.data
}

export async function act(server: TestServer, apiKey: string, id: number, action: string, body?: Record<string, unknown>, status = 200) {
  const res = await server.post(`/v1/payout_requests/${id}/${action}`, { key: apiKey, body })
  expect(res.status, res.text).toBe(status)
  return res.json.data
}

export async function commissionsOf(server: TestServer, apiKey: string, partnerId: string) {
  return (await server.get(`/v1/partners/${partnerId}`, { key: apiKey })).json.data.commissions
}
