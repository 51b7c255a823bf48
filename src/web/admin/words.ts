// The admin's messages after a redirect (`?notice=…`): only these texts, never text from the URL.
// Kept apart from the portal's words (i18n/en.ts) until the admin has pages enough to translate.
export const adminNotices = {
  'signed-out': 'You are signed out.',
  'switched': 'You are now working on this program.',
  'payout-approved': 'The payout request is approved.',
  'payout-rejected': 'The payout request is rejected.',
  'payout-resubmit-requested': 'The payout request is sent back to the partner.',
  'payout-paid': 'The payout request is marked as paid.',
  'payout-settings-saved': 'The payout settings are saved.',
  'webhook-created': 'The webhook is created.',
  'webhook-saved': 'The webhook is saved.',
  'webhook-on': 'The webhook is switched on.',
  'webhook-off': 'The webhook is switched off.',
  'webhook-deleted': 'The webhook is deleted.',
  'webhook-redelivered': 'The delivery is queued to be sent again.',
  'webhook-tested': 'A test event is queued.',
} as const
