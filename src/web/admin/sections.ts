// The admin's navigation: one entry per area, in the order merchants use them. An area's pages
// add their entry here.
export const SECTIONS = [
  { path: '', key: 'dashboard', label: 'Dashboard' },
] as const

export type Section = (typeof SECTIONS)[number]['key']
