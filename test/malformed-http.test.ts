// Malformed HTTP, sent byte for byte over raw sockets: what Node's parser refuses before Fastify sees
// the request (bad header characters, contradictory lengths, oversize headers), what the router
// refuses (bad percent-encoding, an overlong path id), and a slow client. Each is answered with its
// status in the Partnero error shape, like every other error; then a fuzz of single-byte mutations
// of valid requests, which may be answered anything but a 5xx or a body out of that shape.
import type http from 'node:http'
import net from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { startServer, type TestServer } from './support/server.js'
import { scaled } from './support/scale.js'

let server: TestServer
let key: string
let port: number
/** The server's end of each connection, by the client's port: its socket and the last request read on it. */
const serverEnds = new Map<number, { socket: net.Socket; request?: http.IncomingMessage }>()
beforeAll(async () => {
  server = await startServer()
  key = (await server.program()).key
  port = Number(new URL(server.url).port)
  server.app.server.on('connection', (socket: net.Socket) => {
    const from = socket.remotePort as number
    serverEnds.set(from, { socket })
    socket.once('close', () => serverEnds.delete(from))
  })
  server.app.server.on('request', (request: http.IncomingMessage) => {
    const end = serverEnds.get(request.socket.remotePort as number)
    if (end) end.request = request
  })
  await server.post('/v1/partners', { key, body: { id: 'fuzz-id', key: 'fuzz-id', email: 'fuzz@example.com' } })
})
afterAll(() => server.close())

interface RawAnswer {
  /** 0 when the server closed the connection without answering. */
  status: number
  headers: Record<string, string>
  body: string
}

/** Resolves once `check` holds, checked again after every turn of the event loop (the server runs in this process). */
async function until(check: () => boolean): Promise<void> {
  while (!check()) await new Promise((resolve) => setImmediate(resolve))
}

/**
 * The server has read the `sent` bytes of the connection from `clientPort`, or stopped reading it
 * (it answered a refusal and closes). It parses bytes as it reads them: what they make of the
 * request is known from then on, and only more input changes it.
 */
function readBy(clientPort: number, sent: number): boolean {
  const end = serverEnds.get(clientPort)
  return end !== undefined && (end.socket.bytesRead >= sent || !end.socket.writable)
}

/** The server waits for more input on that connection: headers not all there, or a body shorter than its framing says. */
function waitsForInput(clientPort: number): boolean {
  const end = serverEnds.get(clientPort)
  if (!end || !end.socket.writable) return false
  return end.request === undefined || !end.request.complete
}

/**
 * Writes `request` as it is and reads the first answer. A request the server still waits on (a
 * Content-Length past the body) is then ended by half-closing, once the server has read all of it:
 * the server sees the end of input. (Half-closing at once would abort requests still running: Node
 * answers nothing then.)
 */
function sendRaw(request: string | Buffer): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const sent = Buffer.isBuffer(request) ? request.length : Buffer.byteLength(request)
    let finished = false
    const socket = net.connect(port, '127.0.0.1', () => socket.write(request, () => {
      const from = socket.localPort as number
      void until(() => finished || readBy(from, sent)).then(() => {
        if (!finished && waitsForInput(from)) socket.end()
      })
    }))
    let received = Buffer.alloc(0)
    const done = () => {
      finished = true
      clearTimeout(giveUp)
      socket.destroy()
      resolve(firstAnswer(received.toString('latin1')))
    }
    socket.on('data', (chunk: Buffer) => {
      received = Buffer.concat([received, chunk])
      if (complete(received.toString('latin1'))) done()
    })
    // The server may reset a connection it refused while the rest of the request still arrives.
    socket.on('error', () => {})
    socket.on('close', done)
    // A bound on a server that neither answers nor waits for input: the test fails, it does not hang.
    const giveUp = setTimeout(() => {
      finished = true
      reject(new Error(`no answer to ${JSON.stringify(String(request).slice(0, 80))}`))
    }, 5_000)
  })
}

/** The first answer is all there: its head, and as much body as its framing says. */
function complete(text: string): boolean {
  const answer = firstAnswer(text)
  if (answer.status === 0) return false
  if (answer.headers['transfer-encoding'] === 'chunked') return text.includes('\r\n0\r\n\r\n')
  const length = answer.headers['content-length']
  return length !== undefined && answer.body.length >= Number(length)
}

function firstAnswer(text: string): RawAnswer {
  const end = text.indexOf('\r\n\r\n')
  if (end < 0) return { status: 0, headers: {}, body: '' }
  const [statusLine = '', ...lines] = text.slice(0, end).split('\r\n')
  const headers = Object.fromEntries(lines.map((line) => [line.slice(0, line.indexOf(':')).toLowerCase(), line.slice(line.indexOf(':') + 1).trim()]))
  const rest = text.slice(end + 4)
  const length = headers['content-length']
  const body = headers['transfer-encoding'] === 'chunked' ? unchunked(rest) : length === undefined ? rest : rest.slice(0, Number(length))
  return { status: Number(statusLine.split(' ')[1]), headers, body }
}

/** A chunked body's data (Node's own body-less 400 for a request without Host comes chunked). */
function unchunked(text: string): string {
  let body = ''
  for (let at = 0; ;) {
    const lineEnd = text.indexOf('\r\n', at)
    const size = parseInt(text.slice(at, lineEnd), 16)
    if (lineEnd < 0 || !(size > 0)) return body
    body += text.slice(lineEnd + 2, lineEnd + 2 + size)
    at = lineEnd + 2 + size + 2
  }
}

function expectPartneroError(answer: RawAnswer, status: number, code: string, what: string) {
  expect(answer.status, `${what}: ${answer.body}`).toBe(status)
  expect(answer.headers['content-type'], what).toBe('application/json')
  expect(JSON.parse(answer.body), what).toEqual({ message: expect.any(String), code, status: 0 })
}

const request = (head: string, body = '') => `${head}\r\nHost: localhost\r\nAuthorization: Bearer ${key}\r\nConnection: close\r\n\r\n${body}`
const withHeaders = (headers: string, body = '') =>
  `POST /v1/partners HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer ${key}\r\nContent-Type: application/json\r\n${headers}Connection: close\r\n\r\n${body}`

describe('malformed HTTP', () => {
  const cases: Array<[string, () => string, number, string]> = [
    ['a bad percent-encoding in a path id', () => request('GET /v1/transactions/% HTTP/1.1'), 400, 'invalid_url'],
    ['a bad percent-encoding in a fixed path', () => request('GET /v1/prog%ram HTTP/1.1'), 400, 'invalid_url'],
    ['a percent-encoding that is not UTF-8', () => request('GET /v1/partners/%FF HTTP/1.1'), 400, 'invalid_url'],
    ['a raw NUL in the URL', () => request('GET /v1/partners/a\u0000b HTTP/1.1'), 400, 'invalid_url'],
    ['a CR in a header value', () => request('GET /v1/program HTTP/1.1\r\nX-Note: a\rb'), 400, 'invalid_header'],
    ['an LF in a header value', () => request('GET /v1/program HTTP/1.1\r\nX-Note: a\nb'), 400, 'invalid_header'],
    ['a NUL in a header value', () => request('GET /v1/program HTTP/1.1\r\nX-Note: a\u0000b'), 400, 'invalid_header'],
    ['a space in a header name', () => request('GET /v1/program HTTP/1.1\r\nX Note: b'), 400, 'invalid_header'],
    ['a folded header line', () => request('GET /v1/program HTTP/1.1\r\nX-Note: a\r\n b'), 400, 'invalid_header'],
    ['two different Content-Lengths', () => withHeaders('Content-Length: 2\r\nContent-Length: 3\r\n', '{}'), 400, 'invalid_content_length'],
    ['the same Content-Length twice', () => withHeaders('Content-Length: 2\r\nContent-Length: 2\r\n', '{}'), 400, 'invalid_content_length'],
    ['a negative Content-Length', () => withHeaders('Content-Length: -1\r\n', '{}'), 400, 'invalid_content_length'],
    ['a Content-Length past 64 bits', () => withHeaders('Content-Length: 99999999999999999999999\r\n', '{}'), 400, 'invalid_content_length'],
    ['a Content-Length beside chunked', () => withHeaders('Transfer-Encoding: chunked\r\nContent-Length: 2\r\n', '{}'), 400, 'invalid_content_length'],
    ['chunked not last', () => withHeaders('Transfer-Encoding: chunked, gzip\r\n', '{}'), 400, 'invalid_transfer_encoding'],
    ['a transfer coding without chunked', () => withHeaders('Transfer-Encoding: gzip\r\n', '{}'), 400, 'invalid_transfer_encoding'],
    ['a bad chunk size', () => withHeaders('Transfer-Encoding: chunked\r\n', 'zz\r\n{}\r\n0\r\n\r\n'), 400, 'invalid_transfer_encoding'],
    ['a 20 kB query string', () => request(`GET /v1/partners?name=${'x'.repeat(20_000)} HTTP/1.1`), 431, 'headers_too_large'],
    ['a 20 kB header', () => request(`GET /v1/program HTTP/1.1\r\nX-Note: ${'x'.repeat(20_000)}`), 431, 'headers_too_large'],
    ['a 10,000-character path id', () => request(`GET /v1/partners/${'x'.repeat(10_000)} HTTP/1.1`), 414, 'uri_too_long'],
    ['an invalid method', () => request('G@T /v1/program HTTP/1.1'), 400, 'malformed_request'],
    ['an unknown HTTP version', () => request('GET /v1/program HTTP/9.9'), 400, 'malformed_request'],
    ['a TLS hello on the plain port', () => '\u0016\u0003\u0001\u0000\u00a5\u0001\u0000\u0000\u00a1\u0003\u0003hello\r\n\r\n', 400, 'malformed_request'],
    ['a space in the path', () => request('GET /v1/pro gram HTTP/1.1'), 400, 'malformed_request'],
  ]
  for (const [what, text, status, code] of cases) {
    it(`answers ${what} with ${status} ${code}`, async () => {
      const answer = await sendRaw(text())
      expectPartneroError(answer, status, code, what)
      expect(answer.headers.connection, what).toBe('close')
    })
  }

  it('lets a long path id that a partner may have reach its look-up', async () => {
    // 255 characters, each a 4-byte UTF-8 character percent-encoded: 3,060 characters of path.
    const answer = await sendRaw(request(`GET /v1/partners/${encodeURIComponent('😀'.repeat(255))} HTTP/1.1`))
    expect([answer.status, JSON.parse(answer.body).message]).toEqual([404, 'Partner not found'])
  })

  it('tells a wrong method from a wrong path for long path ids too (405, not 404)', async () => {
    const answer = await server.request('PATCH', `/v1/partners/${'x'.repeat(200)}/approve`, { key })
    expect([answer.status, answer.json?.code, answer.headers.allow]).toEqual([405, 'method_not_allowed', 'POST'])
  })

  it('answers a malformed request after a good one on the same connection, the good one intact', async () => {
    const good = `GET /v1/partners/fuzz-id HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer ${key}\r\n\r\n`
    const text = await new Promise<string>((resolve) => {
      // Not half-closed: Node would abort the good request still running, and answer it nothing.
      const socket = net.connect(port, '127.0.0.1', () => socket.write(`${good}GET /v1/program HTTP/1.1\r\nX-Note: a\u0000b\r\n\r\n`))
      let out = ''
      socket.on('data', (chunk: Buffer) => (out += chunk.toString('latin1')))
      socket.on('error', () => {})
      socket.on('close', () => resolve(out))
    })
    const first = firstAnswer(text)
    expect(first.status).toBe(200)
    expect(JSON.parse(first.body).data.id).toBe('fuzz-id')
    const second = firstAnswer(text.slice(text.indexOf('HTTP/1.1', 1)))
    expectPartneroError(second, 400, 'invalid_header', 'the second request')
  })

  it('answers a client too slow to send its headers with 408 request_timeout', async () => {
    // Node's own check runs every 30 s after 60 s of waiting: the test raises its event at once,
    // on a real connection that has sent half a request.
    const accepted = new Promise<net.Socket>((resolve) => server.app.server.once('connection', resolve))
    const half = 'GET /v1/program HTTP/1.1\r\nHost: local'
    const client = net.connect(port, '127.0.0.1', () => client.write(half))
    const chunks: Buffer[] = []
    client.on('data', (chunk: Buffer) => chunks.push(chunk))
    client.on('error', () => {})
    const closed = new Promise((resolve) => client.on('close', resolve))
    const socket = await accepted
    // The server has read the half request: bytes left unread when it closes would make it reset
    // the connection, and the answer could be lost with it.
    await until(() => socket.bytesRead >= half.length)
    server.app.server.emit('clientError', Object.assign(new Error('Request timeout'), { code: 'ERR_HTTP_REQUEST_TIMEOUT' }), socket)
    await closed
    expectPartneroError(firstAnswer(Buffer.concat(chunks).toString('latin1')), 408, 'request_timeout', 'a slow client')
  })

  it('answers every control character in a header value with 400 invalid_header', async () => {
    // Tab is the one a header value may hold.
    for (const code of [...Array(32).keys(), 127].filter((c) => c !== 9)) {
      const answer = await sendRaw(request(`GET /v1/program HTTP/1.1\r\nX-Note: a${String.fromCharCode(code)}b`))
      expectPartneroError(answer, 400, 'invalid_header', `character ${code}`)
    }
  })
})

// Valid requests with one byte changed anywhere: the request line, the headers, the body.
describe('malformed HTTP fuzz', () => {
  const created = '{"email":"mutant@example.com"}'
  const valid = () => [
    request('GET /v1/partners/fuzz-id?limit=5 HTTP/1.1'),
    withHeaders(`Content-Length: ${created.length}\r\n`, created),
    request('PUT /v1/partners/fuzz-id HTTP/1.1\r\nContent-Type: application/json\r\nContent-Length: 15', '{"name":"Mut"}\n'),
    request('GET /v1/transactions/%41bc HTTP/1.1'),
  ]

  it(`answers ${scaled(300, 3_000)} one-byte mutations without a 5xx, every error in the Partnero shape`, async () => {
    const mutations = fc.sample(fc.tuple(fc.nat(), fc.nat(), fc.integer({ min: 0, max: 255 })), { seed: 17, numRuns: scaled(300, 3_000) })
    const statuses = new Map<number, number>()
    for (const [which, at, byte] of mutations) {
      const base = Buffer.from(valid()[which % 4] as string, 'latin1')
      base[at % base.length] = byte
      const answer = await sendRaw(base)
      const what = JSON.stringify(base.toString('latin1').slice(0, 120))
      statuses.set(answer.status, (statuses.get(answer.status) ?? 0) + 1)
      expect(answer.status, what).toBeLessThan(500)
      if (answer.status >= 400 && answer.body !== '') {
        expect(JSON.parse(answer.body), what).toEqual(expect.objectContaining({ message: expect.any(String), code: expect.stringMatching(/^[a-z_]+$/), status: 0 }))
      }
    }
    console.info(`malformed HTTP fuzz: ${mutations.length} requests, by status ${JSON.stringify(Object.fromEntries(statuses))}`)
  }, 300_000)
})
