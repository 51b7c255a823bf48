// The portal's words in English. Another language is another file with the same keys (the type
// makes a missing one a compile error); pages take the partner's language from its profile.
export const en = {
  nav: { dashboard: 'Dashboard', links: 'Links', referrals: 'Referrals', commissions: 'Commissions', payouts: 'Payouts', profile: 'Profile' },
  signOut: 'Sign out',
  skip: 'Skip to the content',
  // What a redirect after a form says happened (`?notice=…`): only these texts, never text from the URL.
  notices: {
    'signed-out': 'You are signed out.',
    'signed-out-everywhere': 'You are signed out on every device.',
    'code-sent': 'If that address belongs to a partner, a sign-in code is on its way. It works for 15 minutes.',
    'reset-sent': 'If that address belongs to a partner, a link to choose a new password is on its way.',
    'password-changed': 'Your new password is saved.',
    'applied': 'Thanks for applying! Confirm your email address with the link we sent you.',
    'verified': 'Your email address is confirmed.',
    'verification-sent': 'We sent a confirmation link to the new address. The change counts once you follow it.',
    'profile-saved': 'Your profile is saved.',
    'link-created': 'Your new link is ready.',
    'method-saved': 'Your payout method is saved.',
    'payout-requested': 'Your payout request is in. The program will review it.',
    'customer-code-sent': 'If that address belongs to a customer of the program, a sign-in code is on its way. It works for 15 minutes.',
    'invited': 'Your invitations are on their way.',
  },
} as const

export type Words = typeof en
export type NoticeKey = keyof Words['notices']
