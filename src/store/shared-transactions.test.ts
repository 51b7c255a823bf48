// Group commit of SQLite writes (shared-transactions.ts): units that arrive together share one
// transaction, yet each keeps the promise of a transaction of its own.
import { sql } from 'kysely'
import { describe, expect, it } from 'vitest'
import { storeForThisFile, storeKind } from '../../test/support/store.js'
import { inTransaction } from './transaction.js'

const store = storeForThisFile()

const fact = async (name: string) => (await store().first<{ value: string }>('test_fact', 'select value from store_meta where name = ?', [name]))?.value

/** A unit that stores one fact, and fails afterwards when told to (after writing). */
const storeFact = (name: string, fail = false) => inTransaction(store().db, async (tx) => {
  await tx.insertInto('store_meta').values({ name, value: 'stored' }).execute()
  if (fail) throw new Error(`${name} changed its mind`)
  return name
})

// PostgreSQL runs each unit in a transaction of its own: these run in the SQLite project only.
describe.skipIf(storeKind() !== 'sqlite')('SQLite group commit', () => {
  it('shares one transaction among units started together: a later unit sees an earlier one\'s write before it is committed', async () => {
    const first = storeFact('together-first')
    const second = inTransaction(store().db, async (tx) => {
      const inside = await tx.selectFrom('store_meta').select('value').where('name', '=', 'together-first').executeTakeFirst()
      return { inside: inside?.value, committed: await fact('together-first') }
    })
    expect(await first).toBe('together-first')
    expect(await second).toEqual({ inside: 'stored', committed: undefined })
    expect(await fact('together-first')).toBe('stored')
  })

  it('answers a unit only once its writes are committed: the read-only connection already sees them', async () => {
    const seen = await Promise.all(Array.from({ length: 10 }, (_, i) => storeFact(`durable-${i}`).then(fact)))
    expect(seen).toEqual(Array(10).fill('stored'))
  })

  it('rolls back a failing unit alone; the others of its batch are stored', async () => {
    const outcomes = await Promise.allSettled(Array.from({ length: 12 }, (_, i) => storeFact(`mixed-${i}`, i % 3 === 0)))
    outcomes.forEach((outcome, i) => expect(outcome.status).toBe(i % 3 === 0 ? 'rejected' : 'fulfilled'))
    for (let i = 0; i < 12; i++) expect(await fact(`mixed-${i}`)).toBe(i % 3 === 0 ? undefined : 'stored')
  })

  it('when the shared commit fails, runs each unit again on its own: only the one at fault fails', async () => {
    // A foreign key checked only at commit: the statement succeeds, the commit does not.
    const breaksCommit = inTransaction(store().db, async (tx) => {
      await sql`pragma defer_foreign_keys = on`.execute(tx)
      await sql`insert into api_keys (program_id, prefix, key_hash, created_at) values (${987654}, ${'pk_orphan'}, ${'x'}, ${0})`.execute(tx)
    })
    const others = Array.from({ length: 5 }, (_, i) => storeFact(`innocent-${i}`))
    const [breaker, ...rest] = await Promise.allSettled([breaksCommit, ...others])
    expect(breaker?.status).toBe('rejected')
    expect(String((breaker as PromiseRejectedResult).reason)).toMatch(/FOREIGN KEY/)
    expect(rest.map((o) => o.status)).toEqual(Array(5).fill('fulfilled'))
    for (let i = 0; i < 5; i++) expect(await fact(`innocent-${i}`)).toBe('stored')
    expect(await store().first('test_orphan', 'select id from api_keys where prefix = ?', ['pk_orphan'])).toBeUndefined()
  })

  it('when a unit\'s failure takes the whole transaction down, rejects it with its own error and runs the others again', async () => {
    const before = storeFact('lost-before')
    // Ending the transaction from inside a unit is what SQLite does by itself on a full disk or an I/O error.
    const culprit = inTransaction(store().db, async (tx) => {
      await sql`rollback`.execute(tx)
      throw new Error('the disk is full')
    })
    const after = storeFact('lost-after')
    const outcomes = await Promise.allSettled([before, culprit, after])
    expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'rejected', 'fulfilled'])
    expect(String((outcomes[1] as PromiseRejectedResult).reason)).toMatch(/the disk is full/)
    expect(await fact('lost-before')).toBe('stored')
    expect(await fact('lost-after')).toBe('stored')
  })
})
