// One of every object the API names by an id, made through the API in one program: what the
// isolation suite points another program's key at. Objects are made on first use, so a probe that
// needs only a partner does not pay for a payout.
import type { TestServer } from '../server.js'
import { PAYPAL } from '../payouts.js'

export const KINDS = ['partner', 'link', 'domain', 'customer', 'transaction', 'reward', 'lead', 'payout', 'webhook', 'delivery'] as const
export type Kind = (typeof KINDS)[number]

/** The texts that name an object of each kind in a path: a partner by id or any referral key, a customer by key or email. */
export const NAMED_BY: Record<Kind, ReadonlyArray<keyof Names>> = {
  partner: ['id', 'key'], link: ['key'], domain: ['id'], customer: ['key', 'email'], transaction: ['key'],
  reward: ['id'], lead: ['id'], payout: ['id'], webhook: ['key'], delivery: ['id'],
}

/** The texts that name one object, as far as it has them. */
export interface Names {
  id?: string
  key?: string
  email?: string
}

export interface World {
  apiKey: string
  /** Starts every identity text of this world: no other world's answer may contain it. */
  tag: string
  /** Only in this world's data (names, tags), never in an id: what an object the world lent its id to must not show. */
  marker: string
  names(kind: Kind): Promise<Names>
}

/**
 * Leads and payout requests are numbered per program (1, 2, 3…): a world made with
 * `numberedAfter: 1` names its second ones, which a world made with 0 does not have.
 */
export function makeWorld(server: TestServer, apiKey: string, tag: string, numberedAfter = 0): World {
  const marker = `${tag}-data`
  const call = async (method: string, path: string, body?: unknown) => {
    const res = await server.request(method, path, { key: apiKey, body })
    if (res.status >= 300) throw new Error(`${tag}: ${method} ${path} answered ${res.status} ${res.text}`)
    return res.json
  }
  const made = new Map<Kind, Promise<Names>>()
  const names = (kind: Kind): Promise<Names> => {
    let object = made.get(kind)
    if (!object) made.set(kind, object = recipes[kind]())
    return object
  }
  const found = (id: unknown, what: string): string => {
    if (id === undefined || id === null) throw new Error(`${tag}: ${what} was not found`)
    return String(id)
  }
  const partnerKey = async () => (await names('partner')).key as string
  const recipes: Record<Kind, () => Promise<Names>> = {
    partner: async () => {
      const names = { id: `${tag}-partner`, key: `${tag}-pkey`, email: `${tag}-partner@example.com` }
      await call('POST', '/v1/partners', { ...names, name: marker })
      return names
    },
    link: async () => {
      await call('POST', '/v1/partner_referral_links', { key: `${tag}-link`, partner: { key: await partnerKey() } })
      return { key: `${tag}-link` }
    },
    domain: async () => {
      const domain = `${tag}.example.net`
      await call('PUT', '/v1/program', { additional_domains: [domain] })
      const listed = (await call('GET', '/v1/partner_referral_links:domains')).data as Array<{ id: number | null; domain: string }>
      return { id: found(listed.find((d) => d.domain === domain)?.id, 'its domain') }
    },
    customer: async () => {
      const names = { key: `${tag}-customer`, email: `${tag}-customer@example.com` }
      await call('POST', '/v1/customers', { key: names.key, email: names.email, name: marker, partner: { key: await partnerKey() } })
      return names
    },
    transaction: async () => {
      const customer = (await names('customer')).key
      await call('POST', '/v1/transactions', { key: `${tag}-sale`, amount: 200, customer: { key: customer } })
      return { key: `${tag}-sale` }
    },
    reward: async () => {
      // A sale's answer names its rewards without ids; payouts name them by id.
      const sale = (await names('transaction')).key as string
      const rows = await server.store.db.selectFrom('rewards as r').innerJoin('transactions as t', 't.id', 'r.transaction_id')
        .select('r.id').where('t.key', '=', sale).orderBy('r.id').execute()
      return { id: found(rows[0]?.id, 'its reward') }
    },
    lead: async () => {
      const key = await partnerKey()
      for (let n = 0; n < numberedAfter; n++) await call('POST', '/v1/leads', { name: marker, email: `${tag}-extra-lead${n}@example.com`, partner: { key } })
      const made = (await call('POST', '/v1/leads', { name: marker, email: `${tag}-lead@example.com`, partner: { key } })).data
      return { id: String(made.id), email: `${tag}-lead@example.com` }
    },
    payout: async () => {
      // Each request in a currency of its own (a partner has one open request per currency), none in
      // the program's: the world's reward stays payable, for the probes that request it.
      const customer = (await names('customer')).key
      const partner = { key: await partnerKey() }
      let last: unknown
      for (const currency of [...['GBP', 'CAD', 'AUD'].slice(0, numberedAfter), 'EUR']) {
        await call('POST', '/v1/transactions', { key: `${tag}-sale-${currency}`, amount: 100, amount_units: currency, customer: { key: customer } })
        last = (await call('POST', '/v1/payout_requests', { ...PAYPAL, partner, amount_units: currency })).data.id
      }
      return { id: found(last, 'its payout request') }
    },
    webhook: async () => {
      await call('POST', '/v1/webhooks', { key: `${tag}-hook`, name: marker, url: 'https://93.184.215.14/hook', events: ['partner.created'] })
      return { key: `${tag}-hook` }
    },
    delivery: async () => {
      const hook = (await names('webhook')).key as string
      await call('POST', `/v1/webhooks/${hook}/test`)
      return { id: found((await call('GET', `/v1/webhooks/${hook}/deliveries`)).data[0]?.id, 'its delivery') }
    },
  }
  return { apiKey, tag, marker, names }
}

/** Every object of the world, made now. */
export async function makeEverything(world: World): Promise<void> {
  for (const kind of KINDS) await world.names(kind)
}
