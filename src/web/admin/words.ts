// The admin's messages after a redirect (`?notice=…`): only these texts, never text from the URL.
// Kept apart from the portal's words (i18n/en.ts) until the admin has pages enough to translate.
export const adminNotices = {
  'signed-out': 'You are signed out.',
  'switched': 'You are now working on this program.',
} as const
