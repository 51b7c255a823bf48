// Stripe API versions from 2025-03-31 ("basil") no longer name an invoice's PaymentIntent on the
// invoice, nor the invoice on its charges: an invoice's sale is then keyed by the invoice
// (stripe_in_…), while its refunds and disputes name only the PaymentIntent (or the charge). The
// tie between the two comes apart, in an `invoice_payment.paid` event (or an invoice's expanded
// `payments`). A payment's row records it: `invoice_key` is the transaction key of the invoice it
// paid, so a refund of the PaymentIntent, kept on the PaymentIntent's row, counts towards the
// invoice's sale whichever arrives first.
import type { Kysely } from 'kysely'

export function stripeInvoicePayments() {
  return {
    async up(db: Kysely<unknown>) {
      await db.schema.alterTable('stripe_payments').addColumn('invoice_key', 'varchar(255)').execute()
      // An invoice's sale reads the payments that paid it.
      await db.schema.createIndex('stripe_payments_invoice').on('stripe_payments').columns(['program_id', 'invoice_key']).execute()
    },
    async down(db: Kysely<unknown>) {
      await db.schema.dropIndex('stripe_payments_invoice').execute()
      await db.schema.alterTable('stripe_payments').dropColumn('invoice_key').execute()
    },
  }
}
