// Writes nobody reads back (appendRows) and BEGIN wait, on PostgreSQL, to go out with the next
// statement of their transaction (postgres-connections.ts). Whatever the store, they must keep the
// promises of any other write: seen by what follows, committed with the rest, failing the
// transaction when they fail. Run on both stores: SQLite simply runs them at once.
import { describe, expect, it } from 'vitest'
import { storeForThisFile, storeKind } from '../../test/support/store.js'
import { count } from '../../test/support/count.js'
import { inTransaction } from './transaction.js'
import { isUniqueViolation } from './unique.js'
import { appendRows } from './writes.js'

const store = storeForThisFile()

const fact = async (name: string) => (await store().first<{ value: string }>('test_fact', 'select value from store_meta where name = ?', [name]))?.value
const append = (db: Parameters<typeof appendRows>[0], name: string) => appendRows(db, 'store_meta', [{ name, value: 'appended' }])

describe('writes nobody reads back', () => {
  it('are seen by the next statement of their transaction and committed with it', async () => {
    const inside = await inTransaction(store().db, async (tx) => {
      await append(tx, 'unread-seen')
      return (await tx.selectFrom('store_meta').select('value').where('name', '=', 'unread-seen').executeTakeFirst())?.value
    })
    expect(inside).toBe('appended')
    expect(await fact('unread-seen')).toBe('appended')
  })

  it('are committed when they are the last writes of their transaction', async () => {
    await inTransaction(store().db, async (tx) => {
      await append(tx, 'unread-last-1')
      await append(tx, 'unread-last-2')
    })
    expect([await fact('unread-last-1'), await fact('unread-last-2')]).toEqual(['appended', 'appended'])
  })

  it('fail their transaction when they fail, with their own error, and nothing of it is stored', async () => {
    const failing = inTransaction(store().db, async (tx) => {
      await tx.insertInto('store_meta').values({ name: 'unread-before-failure', value: 'stored' }).execute()
      await append(tx, 'unread-twice')
      // The same name again breaks the primary key: the last statement before COMMIT fails.
      await append(tx, 'unread-twice')
    })
    const error = await failing.then(() => undefined, (err: unknown) => err)
    expect(isUniqueViolation(error)).toBe(true)
    expect([await fact('unread-before-failure'), await fact('unread-twice')]).toEqual([undefined, undefined])
    // The connection it ran on is usable again.
    await inTransaction(store().db, (tx) => append(tx, 'unread-after-failure'))
    expect(await fact('unread-after-failure')).toBe('appended')
  })

  it('are dropped with a transaction that gives up, and the connections stay usable', async () => {
    for (let i = 0; i < 12; i++) {
      const gaveUp = inTransaction(store().db, async (tx) => {
        if (i % 2 === 1) await append(tx, `unread-dropped-${i}`)
        throw new Error('gave up')
      })
      await expect(gaveUp).rejects.toThrow('gave up')
    }
    expect(await fact('unread-dropped-1')).toBeUndefined()
    await inTransaction(store().db, (tx) => append(tx, 'unread-after-giving-up'))
    expect(await fact('unread-after-giving-up')).toBe('appended')
  })

  it('are stored at once outside a transaction', async () => {
    await append(store().db, 'unread-alone')
    expect(await fact('unread-alone')).toBe('appended')
  })
})

// Lanes split PostgreSQL's shared counter rows between concurrent transactions (stats/store.ts).
describe.skipIf(storeKind() !== 'postgres')('transaction lanes', () => {
  it('are distinct among open transactions and free again once they end', async () => {
    let release!: () => void
    const held = new Promise<void>((resolve) => { release = resolve })
    const seen: (number | undefined)[] = []
    const inside = count()
    const open = [0, 1, 2].map(() => inTransaction(store().db, async (tx) => {
      seen.push(tx.unit.lane)
      inside.add()
      await held
    }))
    await inside.reach(3)
    release()
    await Promise.all(open)
    expect([...seen].sort()).toEqual([0, 1, 2])
    expect(await inTransaction(store().db, async (tx) => tx.unit.lane)).toBe(0)
  })
})
