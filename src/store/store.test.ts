// The store's hot reads (store.first/all: API keys, partner views, program stats) see committed
// data only: never a write transaction half done, on either store.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startServer, type TestServer } from '../../test/support/server.js'
import { inTransaction } from './transaction.js'

let server: TestServer
beforeAll(async () => {
  server = await startServer()
})
afterAll(() => server.close())

describe('hot reads', () => {
  it('do not see a transaction before it commits, and see it after', async () => {
    const p = await server.program()
    const nameOf = async () => (await server.store.first<{ name: string }>('test_program_name', 'select name from programs where id = ?', [p.id]))?.name
    await inTransaction(server.store.db, async (tx) => {
      await tx.updateTable('programs').set({ name: 'Half done' }).where('id', '=', p.id).execute()
      expect(await nameOf()).toBe('Test Program')
    })
    expect(await nameOf()).toBe('Half done')
  })

  it('do not see a transaction that rolls back', async () => {
    const p = await server.program()
    const failing = inTransaction(server.store.db, async (tx) => {
      await tx.updateTable('programs').set({ name: 'Never' }).where('id', '=', p.id).execute()
      throw new Error('changed my mind')
    })
    await expect(failing).rejects.toThrow('changed my mind')
    expect((await server.get('/v1/program', { key: p.key })).json.data.program.name).toBe('Test Program')
  })
})
