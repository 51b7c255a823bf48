// Migration 0013 (partner tombstones) on a store that holds money: rolled back, it does what older
// versions did on DELETE (a deleted partner's rows go, its counters with them) and puts back the
// whole-table unique indexes and partner_amounts' foreign key, so older code runs on the store; up
// again, every live partner's money counters are as they were (SQLite copies that table to drop the
// foreign key) and a counter may again name a partner that has no row.
import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startServer } from '../../test/support/server.js'
import { freshStore, type TestStore } from '../../test/support/store.js'
import { makePartner } from '../../test/support/partners.js'
import { makeCustomer, makeSale } from '../../test/support/sales.js'
import { migrateBackTo, migrateToLatest } from './migrate.js'
import { openMigratedStore, type Store } from './store.js'

let testStore: TestStore
let programId: number
beforeAll(async () => {
  testStore = await freshStore()
  const server = await startServer({}, { testStore })
  try {
    const p = await server.program()
    programId = p.id
    for (const key of ['stays_ref', 'gone_ref']) {
      await makePartner(server, p.key, { id: key.replace('_ref', ''), key })
      await makeCustomer(server, p.key, { key: `cus_${key}`, partner: { key } })
      await makeSale(server, p.key, { amount: '100.00', amount_units: 'USD', customer: { key: `cus_${key}` } })
    }
    expect((await server.delete('/v1/partners/gone', { key: p.key })).status).toBe(200)
  } finally {
    await server.close()
  }
})
afterAll(() => testStore.drop())

const amounts = (store: Store) => store.db.selectFrom('partner_amounts').innerJoin('partners', 'partners.id', 'partner_amounts.partner_id')
  .select(['partners.public_id', 'metric', 'currency', sql<string>`cast(value as text)`.as('value')])
  .where('partner_amounts.program_id', '=', programId).orderBy('partners.public_id').orderBy('metric').execute()

const partnerIds = async (store: Store) =>
  (await store.db.selectFrom('partners').select('public_id').where('program_id', '=', programId).orderBy('id').execute()).map((r) => r.public_id)

async function indexDefinition(store: Store, name: string): Promise<string> {
  const { rows } = store.dialect === 'sqlite'
    ? await sql<{ text: string }>`select sql as text from sqlite_master where type = 'index' and name = ${name}`.execute(store.db)
    : await sql<{ text: string }>`select indexdef as text from pg_indexes where schemaname = current_schema() and indexname = ${name}`.execute(store.db)
  return rows[0]?.text ?? ''
}

/** Whether a money counter may name a partner that has no row (a partner deleted before 0013). */
async function counterWithoutPartnerAccepted(store: Store): Promise<boolean> {
  try {
    await sql`insert into partner_amounts (program_id, partner_id, metric, currency, value) values (${programId}, 999999, 'revenue', 'USD', 1)`.execute(store.db)
    await sql`delete from partner_amounts where partner_id = 999999`.execute(store.db)
    return true
  } catch {
    return false
  }
}

describe('migration 0013-partner-tombstones', () => {
  it('rolls back to what older versions kept, and forward again without losing a counter', async () => {
    const store = await openMigratedStore(testStore.options)
    try {
      const before = await amounts(store)
      expect(before.filter((a) => a.public_id === 'stays')).toContainEqual({ public_id: 'stays', metric: 'revenue', currency: 'USD', value: '100000000' })
      expect(await partnerIds(store)).toEqual(['stays', 'gone'])
      for (const name of ['partners_public_id', 'partners_email', 'referral_links_key']) expect(await indexDefinition(store, name)).toMatch(/where/i)
      expect(await counterWithoutPartnerAccepted(store)).toBe(true)

      // Later migrations (0014 and on) are undone first, 0013 last.
      const undone = await migrateBackTo(store, '0012-room-for-counters')
      expect(undone.slice(-2)).toEqual(['0014-stripe-invoice-payments', '0013-partner-tombstones'])
      expect(undone).toEqual([...undone].sort().reverse())
      expect(await partnerIds(store)).toEqual(['stays'])
      expect(await amounts(store)).toEqual(before.filter((a) => a.public_id === 'stays'))
      const keys = await store.db.selectFrom('referral_links').select('key').where('program_id', '=', programId).execute()
      expect(keys.map((k) => k.key)).toEqual(['stays_ref'])
      for (const name of ['partners_public_id', 'partners_email', 'referral_links_key']) {
        expect(await indexDefinition(store, name)).toMatch(/unique/i)
        expect(await indexDefinition(store, name)).not.toMatch(/where/i)
      }
      expect(await counterWithoutPartnerAccepted(store)).toBe(false)

      expect(await migrateToLatest(store)).toEqual([...undone].reverse())
      expect(await amounts(store)).toEqual(before.filter((a) => a.public_id === 'stays'))
      for (const name of ['partners_public_id', 'partners_email', 'referral_links_key']) expect(await indexDefinition(store, name)).toMatch(/where/i)
      expect(await counterWithoutPartnerAccepted(store)).toBe(true)
    } finally {
      await store.close()
    }
  })
})
