// The schemas of a payout method (gateway and details): a partner saves one (the partner update
// extension) and payout requests may name their own (payouts/ reads them from here).
import { Type, type Static } from 'typebox'

const Text = (max = 255) => Type.Optional(Type.String({ maxLength: max }))

export const Gateway = Type.Union([Type.Literal('paypal'), Type.Literal('wise'), Type.Literal('crypto'), Type.Literal('venmo')], {
  description: 'paypal, wise, crypto or venmo (bank transfers are set up in the dashboard, never over the API)',
})

/** Other keys are let through the schema so that bank details get their own refusal (payout-method.ts). */
export const PayoutSettingsInput = Type.Object({
  username: Text(),
  name: Text(),
  address: Text(1000),
  tax_id: Text(64),
  wallet_address: Text(),
  type: Text(32),
  recipient_type: Type.Optional(Type.Union([Type.Literal('USER_HANDLE'), Type.Literal('EMAIL'), Type.Literal('PHONE')])),
  user_handle: Text(),
  email: Text(),
  phone: Text(32),
}, { maxProperties: 30, description: 'PayPal: username (email); Wise: name, email; crypto: wallet_address, type (coin); Venmo: recipient_type and user_handle, email or phone' })
export type PayoutSettingsInput = Static<typeof PayoutSettingsInput>

/** The partner update extension: a saved payout method (both fields together). */
export const SavedMethodFields = {
  payout_gateway: Type.Optional(Gateway),
  payout_settings: Type.Optional(PayoutSettingsInput),
}

export const SavedMethod = Type.Union([
  Type.Object({ gateway: Gateway, payout_settings: Type.Record(Type.String(), Type.String()) }),
  Type.Null(),
])
