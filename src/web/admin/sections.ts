// The admin's navigation: one entry per area, in the order merchants use them. An area's pages
// add their entry here.
export const SECTIONS = [
  { path: '', key: 'dashboard', label: 'Dashboard' },
  { path: '/partners', key: 'partners', label: 'Partners' },
  { path: '/customers', key: 'customers', label: 'Customers' },
  { path: '/leads', key: 'leads', label: 'Leads' },
  { path: '/commissions', key: 'commissions', label: 'Commissions' },
  { path: '/payouts', key: 'payouts', label: 'Payouts' },
  { path: '/webhooks', key: 'webhooks', label: 'Webhooks' },
  { path: '/settings', key: 'settings', label: 'Settings' },
] as const

export type Section = (typeof SECTIONS)[number]['key']

/**
 * The areas (after /admin) about partners: in a refer-a-friend program every partners row is a
 * customer's hidden earner (its synthetic email, its ledger), never a partner to show, so these
 * areas answer 404 there and are not offered. Their customers, rewards and balances are on the
 * customers pages instead.
 */
const AFFILIATE_ONLY = ['/partners', '/leads', '/commissions', '/payouts', '/settings/commission'] as const

/** Whether the page at `path` (after /admin) serves a program of this type. */
export function servesProgram(path: string, type: string): boolean {
  if (type !== 'referral') return true
  return !AFFILIATE_ONLY.some((area) => path === area || path.startsWith(`${area}/`))
}
