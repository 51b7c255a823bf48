// One ordered list of migrations for both stores. A static list (not a folder scan) so it works
// the same from the TypeScript sources and from dist/. Kysely's migration lock lets several
// PostgreSQL processes start at once.
import { Migrator, sql, type Migration, type MigrationResultSet } from 'kysely'
import type { Store } from './store.js'
import { foundation } from './migrations/0001-foundation.js'
import { partners } from './migrations/0002-partners.js'
import { money } from './migrations/0003-money.js'
import { leads } from './migrations/0004-leads.js'
import { rollupShards } from './migrations/0005-rollup-shards.js'
import { payouts } from './migrations/0006-payouts.js'
import { webhooks } from './migrations/0007-webhooks.js'
import { stripe } from './migrations/0008-stripe.js'
import { clicks } from './migrations/0009-clicks.js'
import { clicksByPartner } from './migrations/0010-clicks-by-partner.js'
import { linkChanges } from './migrations/0011-link-changes.js'
import { roomForCounters } from './migrations/0012-room-for-counters.js'
import { partnerTombstones } from './migrations/0013-partner-tombstones.js'
import { stripeInvoicePayments } from './migrations/0014-stripe-invoice-payments.js'
import { mail } from './migrations/0016-mail.js'
import { signIn } from './migrations/0017-sign-in.js'
import { users } from './migrations/0018-users.js'
import { programLogos } from './migrations/0019-program-logos.js'
import { livePartnersList } from './migrations/0020-live-partners-list.js'
import { referralCustomers } from './migrations/0021-referral-customers.js'

export type StoreMigration = (store: Store) => Migration

const MIGRATIONS: Record<string, StoreMigration> = {
  '0001-foundation': foundation,
  '0002-partners': partners,
  '0003-money': money,
  '0004-leads': leads,
  '0005-rollup-shards': rollupShards,
  '0006-payouts': payouts,
  '0007-webhooks': webhooks,
  '0008-stripe': stripe,
  '0009-clicks': clicks,
  '0010-clicks-by-partner': clicksByPartner,
  '0011-link-changes': linkChanges,
  '0012-room-for-counters': roomForCounters,
  '0013-partner-tombstones': partnerTombstones,
  '0014-stripe-invoice-payments': stripeInvoicePayments,
  '0016-mail': mail,
  '0017-sign-in': signIn,
  '0018-users': users,
  '0019-program-logos': programLogos,
  '0020-live-partners-list': livePartnersList,
  '0021-referral-customers': referralCustomers,
}

export async function migrateToLatest(store: Store): Promise<string[]> {
  return applied(await (await migrator(store)).migrateToLatest())
}

/** Undoes every migration after `name` (a test of a migration's down()); the names undone. */
export async function migrateBackTo(store: Store, name: keyof typeof MIGRATIONS): Promise<string[]> {
  return applied(await (await migrator(store)).migrateTo(name))
}

async function migrator(store: Store): Promise<Migrator> {
  return new Migrator({
    db: store.db,
    // Kysely looks for its bookkeeping tables in every schema unless told which one; another
    // Kysely-managed schema in the same database would then fool it. Name ours.
    ...(store.dialect === 'postgres' ? { migrationTableSchema: await currentSchema(store) } : {}),
    provider: {
      getMigrations: async () =>
        Object.fromEntries(Object.entries(MIGRATIONS).map(([name, make]) => [name, make(store)])),
    },
  })
}

function applied({ error, results }: MigrationResultSet): string[] {
  if (error) throw error instanceof Error ? error : new Error(String(error))
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName)
}

async function currentSchema(store: Store): Promise<string> {
  const { rows } = await sql<{ schema: string }>`select current_schema() as schema`.execute(store.db)
  const schema = rows[0]?.schema
  if (!schema) throw new Error('PostgreSQL has no current schema: check search_path')
  return schema
}
