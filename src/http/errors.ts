// The Partnero error shape, {message, errors?, code, status: 0}, with the true HTTP status.
// Every error a request can meet ends here; nothing internal (stack, SQL, ids) leaves the process.
import type { DomainError, ErrorKind, FieldErrors } from '../domain-errors.js'

export class ApiError extends Error {
  constructor(
    readonly statusCode: number,
    readonly code: string,
    message: string,
    readonly errors?: FieldErrors,
    readonly headers?: Record<string, string>,
  ) {
    super(message)
  }

  body(): ErrorBody {
    return { message: this.message, ...(this.errors ? { errors: this.errors } : {}), code: this.code, status: 0 }
  }
}

export interface ErrorBody {
  message: string
  errors?: FieldErrors
  code: string
  status: 0
}

export const unauthenticated = () => new ApiError(401, 'unauthenticated', 'Unauthenticated.')

const STATUS: Record<ErrorKind, number> = {
  refused: 400, forbidden: 403, not_found: 404, conflict: 409, invalid: 422, unavailable: 503, gone: 410, unauthorized: 401,
}

/** The one place a service's error becomes an HTTP answer. */
export function fromDomain(error: DomainError): ApiError {
  return new ApiError(STATUS[error.kind], error.code, error.message, error.errors)
}
