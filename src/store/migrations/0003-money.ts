// The money side of affiliate programs: customers, their transactions, the rewards those earn,
// and the append-only ledger every balance is a sum over (architecture §5).
//
// Rewards and ledger rows have no foreign key to partners: a partner may be deleted, and the
// program's history (what was earned and paid) must outlive it.
import type { Kysely } from 'kysely'
import type { Store } from '../store.js'
import { jsonType, withIdColumn } from '../columns.js'

export function money(store: Store) {
  const dialect = store.dialect
  return {
    async up(db: Kysely<unknown>) {
      // A per-partner commission override (extension): null = the program's rules.
      await db.schema.alterTable('partners').addColumn('commission', jsonType(dialect)).execute()

      await withIdColumn(db.schema.createTable('customers'), dialect)
        .addColumn('program_id', 'bigint', (c) => c.notNull().references('programs.id').onDelete('cascade'))
        // Null once deleted: the key is free again; deleted_key keeps it for history.
        .addColumn('key', 'varchar(255)')
        .addColumn('deleted_key', 'varchar(255)')
        .addColumn('partner_id', 'bigint', (c) => c.references('partners.id').onDelete('set null'))
        .addColumn('link_id', 'bigint', (c) => c.references('referral_links.id').onDelete('set null'))
        .addColumn('email', 'varchar(255)')
        .addColumn('email_lower', 'varchar(255)')
        .addColumn('name', 'varchar(255)')
        .addColumn('surname', 'varchar(255)')
        .addColumn('status', 'varchar(16)', (c) => c.notNull())
        .addColumn('archived', 'integer', (c) => c.notNull())
        .addColumn('tags', jsonType(dialect), (c) => c.notNull())
        .addColumn('referral_url', 'varchar(2048)')
        // Live (not deleted, not archived) transactions: a customer is a paid account while > 0.
        .addColumn('live_sales', 'bigint', (c) => c.notNull().defaultTo(0))
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .addColumn('deleted_at', 'bigint')
        .execute()
      await db.schema.createIndex('customers_key').unique().on('customers').columns(['program_id', 'key']).execute()
      await db.schema.createIndex('customers_email').unique().on('customers').columns(['program_id', 'email_lower']).execute()
      await db.schema.createIndex('customers_partner').on('customers').columns(['program_id', 'partner_id', 'id']).execute()
      await db.schema.createIndex('customers_list').on('customers').columns(['program_id', 'id']).execute()

      await withIdColumn(db.schema.createTable('transactions'), dialect)
        .addColumn('program_id', 'bigint', (c) => c.notNull().references('programs.id').onDelete('cascade'))
        .addColumn('key', 'varchar(255)')
        .addColumn('deleted_key', 'varchar(255)')
        .addColumn('customer_id', 'bigint', (c) => c.notNull().references('customers.id'))
        // The partner credited when the sale was recorded (the customer's partner may change later).
        .addColumn('partner_id', 'bigint')
        .addColumn('action', 'varchar(64)', (c) => c.notNull())
        .addColumn('amount', 'bigint', (c) => c.notNull())
        .addColumn('refunded', 'bigint', (c) => c.notNull().defaultTo(0))
        .addColumn('currency', 'varchar(3)', (c) => c.notNull())
        .addColumn('product', jsonType(dialect), (c) => c.notNull())
        .addColumn('rewardable', 'integer', (c) => c.notNull())
        .addColumn('rewarded', 'integer', (c) => c.notNull())
        .addColumn('archived_at', 'bigint')
        .addColumn('extra', jsonType(dialect), (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('recorded_at', 'bigint', (c) => c.notNull())
        .addColumn('deleted_at', 'bigint')
        .execute()
      await db.schema.createIndex('transactions_key').unique().on('transactions').columns(['program_id', 'key']).execute()
      await db.schema.createIndex('transactions_customer').on('transactions').columns(['program_id', 'customer_id', 'id']).execute()
      await db.schema.createIndex('transactions_partner').on('transactions').columns(['program_id', 'partner_id', 'id']).execute()
      await db.schema.createIndex('transactions_list').on('transactions').columns(['program_id', 'id']).execute()

      await withIdColumn(db.schema.createTable('rewards'), dialect)
        .addColumn('program_id', 'bigint', (c) => c.notNull().references('programs.id').onDelete('cascade'))
        .addColumn('transaction_id', 'bigint', (c) => c.references('transactions.id'))
        .addColumn('partner_id', 'bigint', (c) => c.notNull())
        .addColumn('customer_id', 'bigint')
        // 1 = the partner who referred the customer; 2–5 = partners up the referring chain.
        .addColumn('level', 'integer', (c) => c.notNull())
        .addColumn('kind', 'varchar(16)', (c) => c.notNull())
        // The rule it was computed with, kept so a refund months later reverses by the same rule.
        .addColumn('rule', jsonType(dialect), (c) => c.notNull())
        .addColumn('amount', 'bigint', (c) => c.notNull())
        .addColumn('currency', 'varchar(3)', (c) => c.notNull())
        .addColumn('status', 'varchar(16)', (c) => c.notNull())
        .addColumn('review_until', 'bigint')
        .addColumn('archived', 'integer', (c) => c.notNull())
        .addColumn('description', 'varchar(255)')
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .execute()
      await db.schema.createIndex('rewards_transaction').on('rewards').columns(['program_id', 'transaction_id']).execute()
      await db.schema.createIndex('rewards_partner').on('rewards').columns(['program_id', 'partner_id', 'id']).execute()
      // The release job's scan: rewards still in review, soonest first, across programs.
      await db.schema.createIndex('rewards_review').on('rewards').columns(['status', 'review_until']).execute()

      await withIdColumn(db.schema.createTable('ledger_entries'), dialect)
        .addColumn('program_id', 'bigint', (c) => c.notNull().references('programs.id').onDelete('cascade'))
        .addColumn('partner_id', 'bigint', (c) => c.notNull())
        .addColumn('reward_id', 'bigint', (c) => c.references('rewards.id'))
        .addColumn('payout_id', 'bigint')
        .addColumn('kind', 'varchar(16)', (c) => c.notNull())
        // review | payable | paid: a partner's pending, not_paid and paid are the sums per bucket.
        .addColumn('bucket', 'varchar(8)', (c) => c.notNull())
        .addColumn('amount', 'bigint', (c) => c.notNull())
        .addColumn('currency', 'varchar(3)', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .execute()
      await db.schema.createIndex('ledger_partner').on('ledger_entries').columns(['program_id', 'partner_id', 'currency']).execute()
      await db.schema.createIndex('ledger_reward').on('ledger_entries').columns(['program_id', 'reward_id']).execute()
    },
    async down(db: Kysely<unknown>) {
      for (const table of ['ledger_entries', 'rewards', 'transactions', 'customers']) {
        await db.schema.dropTable(table).execute()
      }
      await db.schema.alterTable('partners').dropColumn('commission').execute()
    },
  }
}
