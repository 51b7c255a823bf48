// Which program a portal host belongs to (portal_settings.portal_domain). Remembered for a few
// seconds: every page on such a host asks, and a domain moves rarely.
import type { Kysely } from 'kysely'
import type { Database } from '../../store/schema.js'
import { programByPortalDomain, type Program } from '../../modules/programs/service.js'

const REMEMBER_MS = 5_000
const known = new Map<string, { program: Program | undefined; until: number }>()

export async function portalHostProgram(db: Kysely<Database>, host: string, now = Date.now()): Promise<Program | undefined> {
  const name = host.toLowerCase()
  const hit = known.get(name)
  if (hit && hit.until > now) return hit.program
  const program = await programByPortalDomain(db, name)
  if (known.size > 10_000) known.clear()
  known.set(name, { program, until: now + REMEMBER_MS })
  return program
}
