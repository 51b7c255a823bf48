// GET /v1/payout_requests:search names the partner by key, id and email, all AND-ed: each one
// given must name the same partner, or nothing matches.
import type { Db } from '../../store/schema.js'
import { partnerByIdentity } from '../partners/service.js'
import type { Program } from '../programs/service.js'
import type { SearchPayoutsInput } from './schemas.js'

/** undefined = no partner filter; null = no partner matches them all. */
export async function partnerFilter(db: Db, program: Program, input: SearchPayoutsInput): Promise<number | undefined | null> {
  const refs = [{ key: input.partner_key }, { id: input.partner_id }, { email: input.partner_email }]
    .filter((ref) => Object.values(ref)[0] !== undefined)
  let found: number | undefined
  for (const ref of refs) {
    const partner = await partnerByIdentity(db, program, ref)
    if (!partner || (found !== undefined && partner.id !== found)) return null
    found = partner.id
  }
  return found
}
