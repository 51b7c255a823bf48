// The admin's messages after a redirect (`?notice=…`): only these texts, never text from the URL.
// Kept apart from the portal's words (i18n/en.ts) until the admin has pages enough to translate.
export const adminNotices = {
  'signed-out': 'You are signed out.',
  'switched': 'You are now working on this program.',
  'sale-recorded': 'The sale is recorded; its commission is computed.',
  'sale-refunded': 'The refund is recorded; the sale\'s commissions shrank to match.',
  'customer-archived': 'The customer is archived: it earns its partner nothing from now on.',
  'customer-restored': 'The customer is restored.',
  'lead-converted': 'The lead is now a customer of its partner.',
  'lead-rejected': 'The lead is rejected.',
  'reward-released': 'The commission is approved: it is payable now.',
  'reward-rejected': 'The commission is rejected: it will never be paid.',
} as const
