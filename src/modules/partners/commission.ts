// A partner's own commission (extension): set, read and cleared through the API. The program's
// rules are set with the program's settings (programs/service.ts applies rulesWith()).
import type { Kysely } from 'kysely'
import type { Database, Db } from '../../store/schema.js'
import { inTransaction } from '../../store/transaction.js'
import { readJson, writeJson } from '../../store/json.js'
import { emit } from '../../events/outbox.js'
import type { Program } from '../programs/service.js'
import { resolvePartner, viewPartner } from './service.js'
import { updatePartnerRow, type PartnerRow } from './store.js'
import { partnerCommissionOf } from '../commissions/input.js'
import { partnerCommissionView } from '../commissions/representation.js'
import type { PartnerCommission } from '../commissions/rules.js'
import type { PartnerCommissionInput } from '../commissions/schemas.js'

export function ownCommission(row: PartnerRow): PartnerCommission | undefined {
  return readJson<PartnerCommission | null>(row.commission) ?? undefined
}

export async function readPartnerCommission(db: Db, program: Program, ref: string) {
  const row = await resolvePartner(db, program, ref)
  return partnerCommissionView(row.public_id, ownCommission(row), program.settings.commission, program.currency)
}

/** Sets (or with `null`, clears) the partner's own rate; announced as a partner update. */
export async function setPartnerCommission(db: Kysely<Database>, program: Program, ref: string, input: PartnerCommissionInput | null, base: string, now = Date.now()) {
  const own = input === null ? null : partnerCommissionOf(input)
  return inTransaction(db, async (tx) => {
    const row = await resolvePartner(tx, program, ref)
    const updated = await updatePartnerRow(tx, row, { commission: own === null ? null : writeJson(own), updated_at: now })
    await emit(tx, program.id, 'partner.updated', await viewPartner(tx, program, updated, base), now)
    return partnerCommissionView(updated.public_id, own ?? undefined, program.settings.commission, program.currency)
  })
}
