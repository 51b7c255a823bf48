// Partner portal passwords: the scrypt hashing and the strength rule are shared with merchant users
// (src/passwords.ts); what only partners need stays here.
import { randomToken } from '../../tokens.js'

export { hashPassword, isStrongEnough, verifyPassword } from '../../passwords.js'

/** A password for a partner created without one (they set their own through the portal). */
export function generatedPassword(): string {
  return `${randomToken(14)}aA1`
}
