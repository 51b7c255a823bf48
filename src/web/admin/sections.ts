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
