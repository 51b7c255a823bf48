// The fields of one sale, shared by POST /v1/transactions and the legacy customer create that
// carries a first sale (spec §3.4, §3.7).
import { Type, type Static } from 'typebox'
import { Money } from '../../money/schema.js'

const Products = Type.Union([Type.String({ maxLength: 255 }), Type.Array(Type.String({ maxLength: 255 }), { maxItems: 100 })])

export const SaleFields = {
  key: Type.Optional(Type.String({ pattern: '^[A-Za-z0-9_.@+:|#-]{1,255}$' })),
  amount: Type.Optional(Money),
  reward: Type.Optional(Money),
  amount_units: Type.Optional(Type.String({ format: 'currency' })),
  action: Type.Optional(Type.String({ maxLength: 64 })),
  product_id: Type.Optional(Products),
  product_type: Type.Optional(Products),
  rewardable: Type.Optional(Type.Boolean()),
  rewarded: Type.Optional(Type.Boolean()),
  status: Type.Optional(Type.String({ maxLength: 64 })),
  // `boolean` as in Money: kept from being coerced to 1 (1970), then refused.
  created_at: Type.Optional(Type.Unsafe<number | string>({ type: ['integer', 'string', 'boolean'], maxLength: 64, description: 'Unix seconds or ISO-8601 (a boolean is refused)' })),
  discount_amount: Type.Optional(Money),
  discount_code: Type.Optional(Type.String({ maxLength: 255 })),
  gross_amount: Type.Optional(Money),
}
export const SaleInput = Type.Object(SaleFields)
export type SaleInput = Static<typeof SaleInput>
