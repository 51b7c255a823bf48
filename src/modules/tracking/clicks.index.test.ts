// Deleting a partner cascades to its clicks, found by `partner_id` alone: that look-up must go
// through an index, or every partner deletion reads the whole clicks table (migration 0010).
import { sql } from 'kysely'
import { describe, expect, it } from 'vitest'
import { storeForThisFile, storeKind } from '../../../test/support/store.js'

const store = storeForThisFile()

describe('clicks of one partner', () => {
  it('are found through an index that leads with partner_id, as the deletion cascade looks them up', async () => {
    if (storeKind() === 'sqlite') {
      const plan = (await sql<{ detail: string }>`explain query plan select id from clicks where partner_id = ${1}`.execute(store().db)).rows
      // SEARCH (not SCAN): the index is entered at the partner, not read whole.
      expect(plan.map((r) => r.detail).join('\n')).toMatch(/SEARCH clicks USING (COVERING )?INDEX clicks_partner \(partner_id=\?\)/)
    } else {
      const { rows } = await sql<{ indexdef: string }>`select indexdef from pg_indexes where indexname = 'clicks_partner' and schemaname = current_schema()`.execute(store().db)
      expect(rows.map((r) => r.indexdef)).toEqual([expect.stringMatching(/\(partner_id\)$/)])
    }
  })
})
