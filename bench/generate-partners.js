// Scale data for benchmarks: one affiliate program with N partners, each with a default referral
// link, written straight into a store in batches (through the API, each partner would cost a
// password hash). Deterministic: partner i is `bench-partner-<i>` with key `bench-key-<i>`.
import path from 'node:path'
import { root } from './lib.js'

const dist = (p) => import(path.join(root, 'dist', p))

/** Creates the program and its partners; returns the program's API key. */
export async function generatePartners({ databaseUrl, dataDir, count, batch = 500 }) {
  const { openMigratedStore } = await dist('store/store.js')
  const { createProgram } = await dist('modules/api-keys/service.js')
  const { hashPassword } = await dist('modules/partners/password.js')
  const store = await openMigratedStore({ databaseUrl, dataDir })
  try {
    const { program, apiKey } = await createProgram(store.db, { name: 'Bench Program', type: 'affiliate', website: 'https://bench.example.com' })
    // One real hash for everyone: hashing is not what a read benchmark measures.
    const passwordHash = await hashPassword('BenchPassw0rd')
    const now = Date.now()
    for (let from = 1; from <= count; from += batch) {
      const ids = Array.from({ length: Math.min(batch, count - from + 1) }, (_, i) => from + i)
      await store.db.transaction().execute(async (tx) => {
        const rows = await tx.insertInto('partners').values(ids.map((i) => ({
          program_id: program.id, public_id: `bench-partner-${i}`, email: `partner${i}@bench.example.com`,
          email_lower: `partner${i}@bench.example.com`, name: `Partner ${i}`, surname: 'Bench', password_hash: passwordHash,
          status: 'active', approved: 1, status_before_archive: null, tos: 1, tags: '["bench"]', custom_fields: '[]',
          referring_partner_id: null, clicks: i % 100, signups: i % 10, created_at: now, updated_at: now,
        }))).returning(['id', 'public_id']).execute()
        await tx.insertInto('referral_links').values(rows.map((r) => ({
          program_id: program.id, partner_id: r.id, key: r.public_id.replace('partner', 'key'), is_default: 1, domain_id: null,
          landing_url: null, direct_tracking: 0, direct_tracking_redirect: 0, direct_tracking_redirect_url: null, created_at: now,
        }))).execute()
        await tx.insertInto('partner_amounts').values(rows.map((r) => ({
          program_id: program.id, partner_id: r.id, metric: 'revenue', currency: 'USD', value: 1_000_000 * (Number(r.id) % 97),
        }))).execute()
      })
    }
    return apiKey
  } finally {
    await store.close()
  }
}
