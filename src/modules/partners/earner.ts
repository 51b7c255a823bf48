// A refer-a-friend customer's "earner": the partners row its links, clicks, rewards and balance
// hang on (migration 0021). Refer-a-friend programs serve no partner endpoints, so the row is
// never listed as a partner; it has no password (nobody signs in with one) and an address no
// mail is ever sent to (the customer's own is on its customer row).
import type { Db } from '../../store/schema.js'
import { writeJson } from '../../store/json.js'
import { randomToken } from '../../tokens.js'
import type { Program } from '../programs/service.js'
import { insertLink, keyTaken } from './link-store.js'
import { findPartnerById, insertPartner, markPartnerDeleted, type PartnerRow } from './store.js'

const KEY_ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789'
/** Never a valid scrypt hash: no password opens it. */
const NO_PASSWORD = '!'

/** A new earner with its default link on `key` (one is made when not given; the caller checked a given one is free). */
export async function addEarner(tx: Db, program: Program, key: string | undefined, now: number): Promise<{ earner: PartnerRow; key: string }> {
  let publicId: string
  do publicId = `earner_${randomToken(16, KEY_ALPHABET)}`
  while (await findPartnerById(tx, program.id, publicId))
  const earner = await insertPartner(tx, {
    program_id: program.id, public_id: publicId, email: `${publicId}@customers.invalid`, email_lower: `${publicId}@customers.invalid`,
    name: null, surname: null, password_hash: NO_PASSWORD, status: 'active', approved: 1, status_before_archive: null, tos: 0,
    tags: writeJson([]), custom_fields: writeJson([]), referring_partner_id: null, email_verified_at: null, created_at: now, updated_at: now,
  })
  const linkKey = key ?? await freshKey(tx, program)
  await insertLink(tx, {
    program_id: program.id, partner_id: earner.id, key: linkKey, is_default: 1,
    domain_id: null, landing_url: null, direct_tracking: 0, direct_tracking_redirect: 0, direct_tracking_redirect_url: null, created_at: now,
  })
  return { earner, key: linkKey }
}

/** The customer is deleted: its links' keys are free again; its rewards and ledger rows stay. */
export async function retireEarner(tx: Db, earner: PartnerRow, now: number): Promise<void> {
  await markPartnerDeleted(tx, earner, now)
}

export async function freshKey(tx: Db, program: Program): Promise<string> {
  for (;;) {
    const token = randomToken(12, KEY_ALPHABET)
    if (!await keyTaken(tx, program.id, token)) return token
  }
}

/** Takes the earner's row lock until the caller's transaction ends: two balance changes of one customer go one after the other. */
export async function lockEarner(tx: Db, programId: number, earnerId: number, now: number): Promise<void> {
  await tx.updateTable('partners').set({ updated_at: now }).where('program_id', '=', programId).where('id', '=', earnerId).execute()
}
