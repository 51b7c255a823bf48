// How money travels in requests, for every schema that takes an amount.
import { Type } from 'typebox'

// Money arrives as a JSON number or a numeric string (old docs type it "string"); parsed exactly in
// money/parse.ts. `boolean` is listed only so that Ajv's type coercion leaves a boolean as it is (it
// would make `true` a 1) and the parser refuses it with a 422.
export const Money = Type.Unsafe<number | string>({
  type: ['number', 'string', 'boolean'], maxLength: 64, description: 'Major units, e.g. 99.99, as a number or numeric text (a boolean is refused)',
})
