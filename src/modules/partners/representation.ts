// A partner as Partnero answers it: seed 000 for one partner, a compact item in lists.
import { microsToNumber } from '../../money/micros.js'
import { readJson } from '../../store/json.js'
import { isoMicros } from '../../wire-time.js'
import type { Program } from '../programs/service.js'
import { referralUrl, type LinkPlace } from '../programs/referral-urls.js'
import { PARTNER_AMOUNT } from '../stats/service.js'
import type { AmountRow, PartnerParts, PartnerRow } from './store.js'

export function tagsOf(row: PartnerRow): string[] {
  return readJson<string[]>(row.tags) ?? []
}

function customFields(row: PartnerRow): Array<{ key: string; value: unknown }> {
  return readJson<Array<{ key: string; value: unknown }>>(row.custom_fields) ?? []
}

function byCurrency(amounts: AmountRow[], metric: string) {
  return amounts.filter((a) => a.metric === metric && BigInt(a.value) !== 0n)
    .map((a) => ({ currency: a.currency, amount: microsToNumber(BigInt(a.value)) }))
}

export function partnerView(program: Program, { row, links, amounts }: PartnerParts, base: string) {
  const urls = links.map((link) => referralUrl(program, link, base))
  const fields = customFields(row)
  const paid = amounts.find((a) => a.metric === PARTNER_AMOUNT.paid && a.currency === program.currency)
  return {
    email: row.email,
    created_at: isoMicros(Number(row.created_at)),
    updated_at: isoMicros(Number(row.updated_at)),
    name: row.name,
    id: row.public_id,
    surname: row.surname,
    tos: row.tos === 1,
    approved: row.approved === 1,
    status: row.status,
    referrals: {
      clicks: Number(row.clicks),
      signups: Number(row.signups),
      revenue: byCurrency(amounts, PARTNER_AMOUNT.revenue),
      sales_count: Number(row.sales_count),
      paid_accounts: Number(row.paid_accounts),
    },
    commissions: {
      paid: paid ? microsToNumber(BigInt(paid.value)) : 0,
      pending: byCurrency(amounts, PARTNER_AMOUNT.pending),
      not_paid: byCurrency(amounts, PARTNER_AMOUNT.notPaid),
    },
    custom_field_values: fields.map((f) => f.value),
    custom_fields: fields,
    referrals_count: Number(row.referrals_count),
    tags: tagsOf(row).map((value) => ({ value })),
    referral_link: urls[0] ?? '',
    referral_links: urls,
  }
}

export type PartnerView = ReturnType<typeof partnerView>

export function partnerListItem(program: Program, row: PartnerRow, defaultLink: LinkPlace | undefined, base: string) {
  return {
    id: row.public_id,
    key: defaultLink?.key ?? '',
    email: row.email,
    name: row.name,
    surname: row.surname,
    approved: row.approved === 1,
    status: row.status,
    custom_fields: customFields(row),
    referral_link: defaultLink ? referralUrl(program, defaultLink, base) : '',
    created_at: isoMicros(Number(row.created_at)),
    updated_at: isoMicros(Number(row.updated_at)),
  }
}
