// A refer-a-friend customer as Partnero answers it (spec §3.5): `id` is the merchant's (stored as
// the customer key), `key` the public referral key of its default link (`?ref=KEY`).
import { readJson } from '../../store/json.js'
import { isoMicros } from '../../wire-time.js'
import type { Program } from '../programs/service.js'
import { referralUrl } from '../programs/referral-urls.js'
import type { ReferralCustomerRow } from './referral-store.js'

export interface ReferralLinkPlace {
  key: string
  landing_url: string | null
  domain: string | null
}

export function referralCustomerView(program: Program, row: ReferralCustomerRow, links: ReferralLinkPlace[], base: string) {
  const url = (l: ReferralLinkPlace) => referralUrl(program, { key: l.key, landingUrl: l.landing_url, domain: l.domain }, base)
  const ownKey = row.link_key ?? links[0]?.key ?? null
  return {
    id: row.key ?? row.deleted_key ?? '',
    key: ownKey,
    email: row.email,
    name: row.name,
    surname: row.surname,
    approved: Number(row.approved) === 1,
    status: row.deleted_at !== null ? 'deleted' : 'active',
    referring_customer: row.referrer_id === null ? null : {
      id: row.referrer_id, key: row.referrer_link_key, email: row.referrer_email, name: row.referrer_name, surname: row.referrer_surname,
    },
    referrals_count: Number(row.referrals ?? 0),
    metadata: readJson<Record<string, unknown>>(row.metadata) ?? {},
    referral_link: ownKey === null ? null : url(links.find((l) => l.key === ownKey) ?? { key: ownKey, landing_url: null, domain: null }),
    referral_links: links.map(url),
    custom_fields: readJson<Record<string, unknown>>(row.custom_fields) ?? {},
    created_at: isoMicros(Number(row.created_at)),
    updated_at: isoMicros(Number(row.updated_at)),
  }
}

export type ReferralCustomerView = ReturnType<typeof referralCustomerView>
