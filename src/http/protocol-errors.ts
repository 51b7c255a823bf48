// Requests refused before a route sees them, answered in the Partnero error shape like every other
// error (Node would send an empty 400, Fastify its own {error, message, statusCode}):
// * what Node's HTTP parser refuses: a bad character in a header, a contradictory Content-Length or
//   Transfer-Encoding, headers past the size limit, a client too slow to send them. There is no
//   request or reply then, only the socket: the answer is written on it, and the connection closed,
//   since the parser cannot tell where the next request would start;
// * what the router refuses: a path that is not percent-encoded UTF-8, a path id past any id's length.
import http from 'node:http'
import type { Socket } from 'node:net'
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { ApiError } from './errors.js'
import { MAX_PATH_ID_LENGTH } from './known-routes.js'

const badUrl = () => new ApiError(400, 'invalid_url', 'The URL is not valid: its path must be percent-encoded UTF-8 text.')

/** Node's parser error (`HPE_…`, with its reason) or socket timeout, as the answer it deserves. */
function parserRefusal(code: string | undefined, reason = ''): ApiError {
  switch (code) {
    case 'HPE_INVALID_HEADER_TOKEN':
      return new ApiError(400, 'invalid_header', `A request header is not valid: ${reason || 'bad character'}.`)
    case 'HPE_LF_EXPECTED':
    case 'HPE_CR_EXPECTED':
      // A lone CR or LF: in a header it ends the value early, elsewhere the request is broken.
      return /header/i.test(reason)
        ? new ApiError(400, 'invalid_header', 'A request header is not valid: a header value may not hold a CR or LF.')
        : malformed(reason)
    case 'HPE_INVALID_CONTENT_LENGTH':
    case 'HPE_UNEXPECTED_CONTENT_LENGTH':
      return new ApiError(400, 'invalid_content_length', 'The Content-Length header is not valid: send one, as a non-negative number, and not with Transfer-Encoding.')
    case 'HPE_INVALID_TRANSFER_ENCODING':
    case 'HPE_INVALID_CHUNK_SIZE':
      return new ApiError(400, 'invalid_transfer_encoding', 'The Transfer-Encoding is not valid: only chunked, last, with well-formed chunks.')
    case 'HPE_CHUNK_EXTENSIONS_OVERFLOW':
      return new ApiError(413, 'payload_too_large', 'The chunk extensions of the request body are too large.')
    case 'HPE_INVALID_URL':
      return badUrl()
    case 'HPE_HEADER_OVERFLOW':
      return new ApiError(431, 'headers_too_large', `The request line and headers are larger than the limit of ${http.maxHeaderSize} bytes.`)
    case 'ERR_HTTP_REQUEST_TIMEOUT':
      return new ApiError(408, 'request_timeout', 'The request was not received in time.')
    default:
      return malformed(reason)
  }
}

function malformed(reason: string): ApiError {
  return new ApiError(400, 'malformed_request', `The request is not valid HTTP/1.1${reason ? `: ${reason}` : ''}.`)
}

type ParserError = Error & { code?: string; reason?: string }

/** Fastify's clientErrorHandler: answers on the socket, after any answer still in flight there. */
export function answerMalformedRequest(this: FastifyInstance, err: ParserError, socket: Socket): void {
  // A reset connection has no one to answer.
  if (err.code === 'ECONNRESET' || socket.destroyed) return
  this.log.debug({ err }, 'malformed request')
  const answer = (): void => {
    if (socket.writable) socket.end(rawAnswer(parserRefusal(err.code, err.reason)), () => socket.destroy())
    else socket.destroy()
  }
  const inFlight = (socket as Socket & { _httpMessage?: http.ServerResponse })._httpMessage
  if (!inFlight || inFlight.writableFinished) return answer()
  if (inFlight.req.complete) {
    // Pipelined requests: the one before the malformed one is still running. Answers go out in
    // order, so ours waits until its answer is written.
    inFlight.once('finish', answer)
    inFlight.once('close', () => { if (!inFlight.writableFinished) socket.destroy() })
  } else if (!inFlight.headersSent) {
    // The malformed part is this request's own body (a bad chunk): ours is its answer.
    answer()
  } else {
    // Its answer has begun: more bytes would corrupt it.
    socket.destroy()
  }
}

function rawAnswer(error: ApiError): string {
  const body = JSON.stringify(error.body())
  return [
    `HTTP/1.1 ${error.statusCode} ${http.STATUS_CODES[error.statusCode]}`,
    'Content-Type: application/json',
    `Content-Length: ${Buffer.byteLength(body)}`,
    'Connection: close',
    '',
    body,
  ].join('\r\n')
}

/** Fastify's frameworkErrors: what the router refuses before any route or hook runs. */
export function answerRouterError(error: FastifyError, request: FastifyRequest, reply: FastifyReply): void {
  const answer = routerRefusal(error.code)
  if (answer.statusCode >= 500) request.log.error({ err: error }, 'request failed')
  // As bytes: the content type stays exactly application/json (app.ts) with no charset added, as
  // the hook that sees to it elsewhere does not run here.
  void reply.code(answer.statusCode).header('content-type', 'application/json').send(Buffer.from(JSON.stringify(answer.body())))
}

function routerRefusal(code: string): ApiError {
  switch (code) {
    case 'FST_ERR_BAD_URL':
      return badUrl()
    case 'FST_ERR_MAX_PARAM_LENGTH':
      return new ApiError(414, 'uri_too_long', `The URL is too long: a path id may have at most ${MAX_PATH_ID_LENGTH} characters.`)
    default:
      // Fastify's only other one is an async route constraint failing: ours, and we have none.
      return new ApiError(500, 'server_error', 'Server Error.')
  }
}
