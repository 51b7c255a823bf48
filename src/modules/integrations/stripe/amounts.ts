// Stripe sends amounts in the currency's smallest unit, with its own list of exceptions
// (stripe.com/docs/currencies): zero-decimal currencies send whole units (¥500 is 500), the
// three-decimal ones send thousandths (1.500 KWD is 1500), everything else cents.
const ZERO_DECIMAL = new Set(['BIF', 'CLP', 'DJF', 'GNF', 'JPY', 'KMF', 'KRW', 'MGA', 'PYG', 'RWF', 'UGX', 'VND', 'VUV', 'XAF', 'XOF', 'XPF'])
const THREE_DECIMAL = new Set(['BHD', 'JOD', 'KWD', 'OMR', 'TND'])

export function stripeDecimals(currency: string): number {
  const code = currency.toUpperCase()
  return ZERO_DECIMAL.has(code) ? 0 : THREE_DECIMAL.has(code) ? 3 : 2
}

/** Stripe's integer amount in `currency` → Partnerkit's micros (amount × 10^6). */
export function microsOfStripe(minor: bigint, currency: string): bigint {
  return minor * 10n ** BigInt(6 - stripeDecimals(currency))
}
