// An affiliate customer as Partnero answers it (spec §3.4).
import { readJson } from '../../store/json.js'
import { isoMicros } from '../../wire-time.js'
import type { CustomerRow } from './store.js'

export function customerView(row: CustomerRow) {
  return {
    key: row.key ?? row.deleted_key ?? '',
    partner: row.partner_public_id,
    deleted: row.deleted_at !== null,
    name: row.name,
    surname: row.surname,
    email: row.email,
    status: row.archived === 1 ? 'archived' : row.status,
    created_at: isoMicros(Number(row.created_at)),
    updated_at: isoMicros(Number(row.updated_at)),
    deleted_at: row.deleted_at === null ? null : isoMicros(Number(row.deleted_at)),
    tags: (readJson<string[]>(row.tags) ?? []).map((value) => ({ value })),
  }
}

export type CustomerView = ReturnType<typeof customerView>
