// Store-wide facts in store_meta (the demo program's creation, the visitor salt, the secret key
// and its fingerprint): each claimed once by whichever process gets there first, then read by all.
import type { Db } from './schema.js'

/** Claims a fact: true for the one caller that set it first. */
export async function claimFact(db: Db, name: string, value: string): Promise<boolean> {
  const row = await db.insertInto('store_meta').values({ name, value })
    .onConflict((oc) => oc.column('name').doNothing())
    .returning('name')
    .executeTakeFirst()
  return row !== undefined
}

export async function storedFact(db: Db, name: string): Promise<string | undefined> {
  return (await db.selectFrom('store_meta').select('value').where('name', '=', name).executeTakeFirst())?.value
}

/** The fact's value, made by `make` if no process made it yet (every process gets the same one). */
export async function factOnce(db: Db, name: string, make: () => string): Promise<string> {
  await claimFact(db, name, make())
  const value = await storedFact(db, name)
  if (value === undefined) throw new Error(`store_meta lost the fact ${name}`)
  return value
}
