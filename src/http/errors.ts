// The Partnero error shape, {message, errors?, code, status: 0}, with the true HTTP status.
// Every error a request can meet ends here; nothing internal (stack, SQL, ids) leaves the process.
export type FieldErrors = Record<string, string[]>

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

export const badRequest = (message: string, code = 'bad_request') => new ApiError(400, code, message)
export const unauthenticated = () => new ApiError(401, 'unauthenticated', 'Unauthenticated.')
export const forbidden = (message: string) => new ApiError(403, 'forbidden', message)
export const notFound = (message = 'Not found.') => new ApiError(404, 'not_found', message)
export const conflict = (message: string, code = 'conflict') => new ApiError(409, code, message)
export const invalid = (errors: FieldErrors, message = 'The given data was invalid.') =>
  new ApiError(422, 'validation_failed', message, errors)

/** One field, one message: `invalidField('email', 'The email has already been taken.')`. */
export const invalidField = (field: string, message: string) => invalid({ [field]: [message] })
