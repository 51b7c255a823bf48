// The errors services throw: a kind, a stable code, a message, and field errors for invalid input.
// They know nothing of HTTP. http/errors.ts maps each kind to a status and the Partnero error shape
// in one place; the web pages will map the same kinds to form messages.
export type FieldErrors = Record<string, string[]>

export type ErrorKind =
  /** Understood, but not done as asked: a wrong state, a wrong program type, an unknown reference. */
  | 'refused'
  | 'not_found'
  /** Input that fails its rules; `errors` names each field. */
  | 'invalid'
  | 'forbidden'
  /** Another request holds what this one needs. */
  | 'conflict'
  /** Something the service depends on is not answering. */
  | 'unavailable'
  /** A one-time thing (a sign-in link) that was used, replaced or ran out. */
  | 'gone'
  /** Credentials that do not match. */
  | 'unauthorized'

export class DomainError extends Error {
  constructor(
    readonly kind: ErrorKind,
    readonly code: string,
    message: string,
    readonly errors?: FieldErrors,
  ) {
    super(message)
  }
}

export const badRequest = (message: string, code = 'bad_request') => new DomainError('refused', code, message)
export const forbidden = (message: string) => new DomainError('forbidden', 'forbidden', message)
export const notFound = (message = 'Not found.') => new DomainError('not_found', 'not_found', message)
export const conflict = (message: string, code = 'conflict') => new DomainError('conflict', code, message)
export const gone = (message: string, code: string) => new DomainError('gone', code, message)
export const unauthorized = (message: string, code: string) => new DomainError('unauthorized', code, message)
export const unavailable = (message: string, code: string) => new DomainError('unavailable', code, message)
export const invalid = (errors: FieldErrors, message = 'The given data was invalid.') =>
  new DomainError('invalid', 'validation_failed', message, errors)

/** One field, one message: `invalidField('email', 'The email has already been taken.')`. */
export const invalidField = (field: string, message: string) => invalid({ [field]: [message] })
