// The addresses of the customers, leads and commissions pages (after /admin), kept in one place:
// the pages register them and their tests walk them, so a new form is tested without a hand-kept list.
export const SALES_PAGES = {
  customers: '/customers',
  customer: '/customers/:key',
  leads: '/leads',
  commissions: '/commissions',
} as const

/** Every form that changes something: each needs `change` (a viewer is refused). */
export const SALES_ACTIONS = {
  recordSale: '/customers/:key/sales',
  refundSale: '/customers/:key/sales/:sale/refund',
  archiveCustomer: '/customers/:key/archive',
  restoreCustomer: '/customers/:key/restore',
  /** A refer-a-friend customer's balance (referral-customers.tsx); 404 in any other program. */
  creditBalance: '/customers/:key/credit',
  convertLead: '/leads/:id/convert',
  rejectLead: '/leads/:id/reject',
  releaseReward: '/commissions/:id/release',
  rejectReward: '/commissions/:id/reject',
} as const

/** A path with its `:params` filled in (each encoded), under /admin. */
export function adminHref(path: string, values: Record<string, string | number>): string {
  return `/admin${path.replace(/:([A-Za-z_]+)/g, (_m, name: string) => encodeURIComponent(String(values[name] ?? '')))}`
}
