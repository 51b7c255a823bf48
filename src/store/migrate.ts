// One ordered list of migrations for both stores. A static list (not a folder scan) so it works
// the same from the TypeScript sources and from dist/. Kysely's migration lock lets several
// PostgreSQL processes start at once.
import { Migrator, type Migration } from 'kysely'
import type { Store } from './store.js'
import { foundation } from './migrations/0001-foundation.js'

export type StoreMigration = (store: Store) => Migration

const MIGRATIONS: Record<string, StoreMigration> = {
  '0001-foundation': foundation,
}

export async function migrateToLatest(store: Store): Promise<string[]> {
  const migrator = new Migrator({
    db: store.db,
    provider: {
      getMigrations: async () =>
        Object.fromEntries(Object.entries(MIGRATIONS).map(([name, make]) => [name, make(store)])),
    },
  })
  const { error, results } = await migrator.migrateToLatest()
  if (error) throw error instanceof Error ? error : new Error(String(error))
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName)
}
