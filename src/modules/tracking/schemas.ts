// Wire shapes of the tracking extension that authenticated callers read.
import { Type } from 'typebox'

export const Attribution = Type.Object({
  customer: Type.String(),
  attributed: Type.Boolean(),
  partner: Type.Union([Type.String(), Type.Null()]),
  link: Type.Union([Type.Object({ key: Type.String() }), Type.Null()]),
  click: Type.Union([Type.Object({ id: Type.String(), first_at: Type.String(), last_counted_at: Type.String() }), Type.Null()]),
  self_referral: Type.Boolean(),
  earns_commission: Type.Boolean(),
  reason: Type.String(),
})
