// Helpers for customer and transaction tests: make a referred customer or a sale through the API;
// take a picture of everything a sale moves (the partner's counters, the ledger, the program
// rollups, the rows and the outbox) to prove that a refused request moved none of it; and list every
// operation of the two resources, for the checks every operation must pass (404, 401, program type).
import { expect } from 'vitest'
import type { TestServer } from './server.js'

export interface ProgramKey {
  id: number
  key: string
}

export async function makeCustomer(server: TestServer, apiKey: string, body: Record<string, unknown>) {
  const res = await server.post('/v1/customers', { key: apiKey, body })
  expect(res.status, res.text).toBe(201)
  return res.json.data
}

export async function makeSale(server: TestServer, apiKey: string, body: Record<string, unknown>) {
  const res = await server.post('/v1/transactions', { key: apiKey, body })
  expect(res.status, res.text).toBe(201)
  return res.json.data
}

/** What a program's money looks like now: bigints as text, so both stores compare alike. */
export async function moneyPicture(server: TestServer, program: ProgramKey, partnerIds: string[]) {
  const db = server.store.db
  const partners = await Promise.all(partnerIds.map(async (id) => {
    const view = (await server.get(`/v1/partners/${id}`, { key: program.key })).json.data
    return { id, referrals: view.referrals, referrals_count: view.referrals_count, commissions: view.commissions }
  }))
  const ledger = await db.selectFrom('ledger_entries').select(['partner_id', 'reward_id', 'kind', 'bucket', 'amount', 'currency'])
    .where('program_id', '=', program.id).orderBy('id').execute()
  const rollups = await db.selectFrom('program_rollups').select(['metric', 'currency', 'day', 'value'])
    .where('program_id', '=', program.id).orderBy('metric').orderBy('currency').orderBy('day').execute()
  const rows = await Promise.all((['customers', 'transactions', 'rewards', 'outbox'] as const).map(async (table) =>
    (await db.selectFrom(table).select('id').where('program_id', '=', program.id).execute()).length))
  return JSON.parse(JSON.stringify({ partners, ledger, rollups, rows }, (_k, v: unknown) => (typeof v === 'bigint' ? String(v) : v)))
}

/** Runs a request that must be refused and checks that the money picture is the same afterwards. */
export async function movesNothing<T>(server: TestServer, program: ProgramKey, partnerIds: string[], work: () => Promise<T>): Promise<T> {
  const before = await moneyPicture(server, program, partnerIds)
  const result = await work()
  expect(await moneyPicture(server, program, partnerIds)).toEqual(before)
  return result
}

/** The Partnero error shape: a message, a machine code and status 0. */
export function expectErrorShape(res: { status: number; json: unknown; text: string }, status: number) {
  expect(res.status, res.text).toBe(status)
  expect(res.json, res.text).toMatchObject({ message: expect.any(String), code: expect.any(String), status: 0 })
}

export type Operation = [method: string, url: string, body?: unknown]

/** Every operation that names one customer (by key or email), in each form clients send. */
export function customerOperations(ref: string): Operation[] {
  const path = encodeURIComponent(ref)
  return [
    ['GET', `/v1/customers/${path}`],
    ['GET', `/v1/customer?key=${path}`],
    ['PUT', `/v1/customers/${path}`, { update: { name: 'x' } }],
    ['PUT', `/v1/customers/${path}`, { name: 'x' }],
    ['PUT', '/v1/customers', { key: ref, update: { name: 'x' } }],
    ['PUT', '/v1/customer', { key: ref, name: 'x' }],
    ['DELETE', `/v1/customers/${path}`],
    ['DELETE', '/v1/customers', { key: ref }],
    ['DELETE', '/v1/customer', { key: ref }],
    ['GET', `/v1/customers/${path}/transactions`],
    ...['suspend', 'approve', 'archive', 'revoke-archive'].map((action): Operation => ['POST', `/v1/customers/${path}/${action}`]),
  ]
}

/** Every operation that names one transaction. */
export function transactionOperations(key: string): Operation[] {
  return [
    ['GET', `/v1/transactions/${key}`],
    ['DELETE', `/v1/transactions/${key}`],
    ['DELETE', '/v1/transactions', { key }],
    ['POST', `/v1/transactions/${key}/refund`, { amount: 1 }],
    ['POST', `/v1/transactions/${key}/archive`],
    ['POST', `/v1/transactions/${key}/revoke-archive`],
  ]
}

export const customerCollectionOperations: Operation[] = [
  ['GET', '/v1/customers'],
  ['GET', '/v1/customers:search?key=a'],
  ['POST', '/v1/customers', { key: 'c', partner: { key: 'k' } }],
  ['POST', '/v1/customer', { customer: { key: 'c' }, partner: { key: 'k' } }],
]

export const transactionCollectionOperations: Operation[] = [
  ['GET', '/v1/transactions'],
  ['POST', '/v1/transactions', { amount: 1, customer: { key: 'c' } }],
]

/**
 * A refer-a-friend or newsletter program is told these affiliate endpoints are not for its type.
 * Refer-a-friend programs share the customer and transaction URLs (with their own shapes) but not
 * the legacy singular forms, customer states and archiving: `AFFILIATE_ONLY` picks those.
 */
export async function expectRefusedToOtherTypes(server: TestServer, operations: Operation[], types: ReadonlyArray<'referral' | 'newsletter'> = ['referral', 'newsletter']) {
  for (const type of types) {
    const other = await server.program({ type })
    for (const [method, url, body] of operations) {
      const res = await server.request(method, url, { key: other.key, body })
      expectErrorShape(res, 400)
      expect(res.json, `${type}: ${method} ${url}`).toMatchObject({ code: 'wrong_program_type', message: expect.stringContaining(type) })
    }
  }
}

/** No key, a garbage key, another scheme: 401 in the error shape, and nothing of the data shown. */
export async function expectUnauthenticated(server: TestServer, apiKey: string, operations: Operation[], hidden: RegExp) {
  const callers = [{}, { key: 'garbage' }, { headers: { authorization: `Basic ${apiKey}` } }]
  for (const [method, url, body] of operations) {
    for (const caller of callers) {
      const res = await server.request(method, url, { ...caller, body })
      expectErrorShape(res, 401)
      expect(res.text, `${method} ${url}`).not.toMatch(hidden)
    }
  }
}

/** Each foreign operation gets a 404 byte-identical to the same operation on a missing one. */
export async function expectAnsweredAsMissing(server: TestServer, apiKey: string, foreign: Operation[], missing: Operation[]) {
  for (const [i, [method, url, body]] of foreign.entries()) {
    const [missingMethod, missingUrl, missingBody] = missing[i] as Operation
    const foreignAnswer = await server.request(method, url, { key: apiKey, body })
    const missingAnswer = await server.request(missingMethod, missingUrl, { key: apiKey, body: missingBody })
    expect(foreignAnswer.status, `${method} ${url}`).toBe(404)
    expect(foreignAnswer.text, `${method} ${url}`).toBe(missingAnswer.text)
  }
}

/** The customer and transaction operations refer-a-friend programs do not have (spec §2). */
export function affiliateOnly(operations: Operation[]): Operation[] {
  return operations.filter(([, url]) => /^\/v1\/customer(\?|$)|\/(suspend|approve|archive|revoke-archive)$/.test(url))
}
