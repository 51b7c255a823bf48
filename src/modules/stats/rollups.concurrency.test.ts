// On PostgreSQL, concurrent transactions add to a program's rollups in rows of their own (shards
// picked by transaction lane), so they never wait for each other there, and the sums stay exact.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startServer, type TestServer } from '../../../test/support/server.js'
import { storeKind } from '../../../test/support/store.js'
import { count } from '../../../test/support/count.js'
import { inTransaction } from '../../store/transaction.js'
import { epochDay } from '../../wire-time.js'
import { METRIC } from './metrics.js'
import { bumpRollups } from './store.js'

let server: TestServer
beforeAll(async () => {
  server = await startServer()
})
afterAll(() => server.close())

describe.skipIf(storeKind() !== 'postgres')('rollups under concurrent transactions', () => {
  it('go to a different row for each open transaction, and add up exactly', async () => {
    const p = await server.program()
    const day = epochDay(Date.now())
    let release!: () => void
    const held = new Promise<void>((resolve) => { release = resolve })
    const started = count()
    const open = [1, 2, 3].map((n) => inTransaction(server.store.db, async (tx) => {
      await bumpRollups(tx, p.id, day, [{ metric: METRIC.clicks, value: n }])
      started.add()
      await held
    }))
    await started.reach(3)
    release()
    await Promise.all(open)
    const rows = await server.store.all<{ shard: number; value: number }>('test_click_rollups',
      'select shard, value from program_rollups where program_id = ? and metric = ? and day = ?', [p.id, METRIC.clicks, day])
    expect(new Set(rows.map((r) => Number(r.shard))).size).toBe(3)
    expect(rows.reduce((sum, r) => sum + Number(r.value), 0)).toBe(6)
    const stats = (await server.get('/v1/program', { key: p.key })).json.data.stats
    expect(Number(stats.affiliate_referred_visitors_clicks)).toBe(6)
  })
})
