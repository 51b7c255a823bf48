// Payout requests of affiliate programs (spec §3.9, architecture §6.6): what a partner is paid,
// which rewards each payout covers, and the partner's saved payout method.
//
// A payout request's wire `id` is its number within the program (as leads do), drawn from a
// per-program counter. A partner has at most one open request per currency: a partial unique
// index says so, so concurrent requests for one partner cannot both be accepted.
import { sql, type Kysely } from 'kysely'
import type { Store } from '../store.js'
import { jsonType, withIdColumn } from '../columns.js'

/** Statuses of a request still waiting for a decision or for the money (kept in step with payouts/status.ts). */
const OPEN = "'requested', 'approved', 'resubmit_requested', 'resubmitted'"

export function payouts(store: Store) {
  const dialect = store.dialect
  return {
    async up(db: Kysely<unknown>) {
      // The partner's saved payout method (extension): {gateway, settings}, or null.
      await db.schema.alterTable('partners').addColumn('payout', jsonType(dialect)).execute()

      await db.schema.createTable('payout_counters')
        .addColumn('program_id', 'bigint', (c) => c.primaryKey().references('programs.id').onDelete('cascade'))
        .addColumn('last_number', 'bigint', (c) => c.notNull())
        .execute()

      await withIdColumn(db.schema.createTable('payout_requests'), dialect)
        .addColumn('program_id', 'bigint', (c) => c.notNull().references('programs.id').onDelete('cascade'))
        .addColumn('number', 'bigint', (c) => c.notNull())
        // No foreign key: what was paid outlives a deleted partner (as rewards and ledger rows do).
        .addColumn('partner_id', 'bigint', (c) => c.notNull())
        .addColumn('currency', 'varchar(3)', (c) => c.notNull())
        // micros: the sum of the covered rewards' lines, fixed when requested
        .addColumn('amount', 'bigint', (c) => c.notNull())
        .addColumn('status', 'varchar(24)', (c) => c.notNull())
        .addColumn('gateway', 'varchar(16)')
        .addColumn('payout_settings', jsonType(dialect), (c) => c.notNull())
        // Why it was rejected or sent back for resubmission.
        .addColumn('reason', 'varchar(1000)')
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .addColumn('approved_at', 'bigint')
        .addColumn('paid_at', 'bigint')
        .execute()
      await db.schema.createIndex('payout_requests_number').unique().on('payout_requests').columns(['program_id', 'number']).execute()
      await db.schema.createIndex('payout_requests_partner').on('payout_requests').columns(['program_id', 'partner_id', 'number']).execute()
      await db.schema.createIndex('payout_requests_open').unique().on('payout_requests')
        .columns(['program_id', 'partner_id', 'currency']).where(sql.raw<boolean>(`status in (${OPEN})`)).execute()

      // The rewards a payout covers and how much of each: a negative line is a clawback (a reward
      // refunded after it was paid) netted against this payout.
      await db.schema.createTable('payout_rewards')
        .addColumn('program_id', 'bigint', (c) => c.notNull().references('programs.id').onDelete('cascade'))
        .addColumn('payout_id', 'bigint', (c) => c.notNull().references('payout_requests.id').onDelete('cascade'))
        .addColumn('reward_id', 'bigint', (c) => c.notNull().references('rewards.id'))
        .addColumn('amount', 'bigint', (c) => c.notNull())
        .addPrimaryKeyConstraint('payout_rewards_pk', ['payout_id', 'reward_id'])
        .execute()
      await db.schema.createIndex('payout_rewards_reward').on('payout_rewards').columns(['program_id', 'reward_id']).execute()
      await db.schema.createIndex('ledger_payout').on('ledger_entries').columns(['program_id', 'payout_id']).execute()

      // Automatic payouts: one row per program and schedule slot (e.g. 2026-11-21 for daily), so
      // with several processes each slot runs once.
      await db.schema.createTable('payout_runs')
        .addColumn('program_id', 'bigint', (c) => c.notNull().references('programs.id').onDelete('cascade'))
        .addColumn('slot', 'varchar(16)', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addPrimaryKeyConstraint('payout_runs_pk', ['program_id', 'slot'])
        .execute()
    },
    async down(db: Kysely<unknown>) {
      await db.schema.dropIndex('ledger_payout').execute()
      for (const table of ['payout_runs', 'payout_rewards', 'payout_requests', 'payout_counters']) await db.schema.dropTable(table).execute()
      await db.schema.alterTable('partners').dropColumn('payout').execute()
    },
  }
}
