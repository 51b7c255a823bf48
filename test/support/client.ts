// A raw HTTP client: it sends what Partnero clients send (JSON bodies on GET and DELETE, `[]`,
// any header), which fetch() refuses to do.
import http from 'node:http'

export interface Answer {
  status: number
  headers: http.IncomingHttpHeaders
  text: string
  /** The body's bytes as they came (an image). */
  bytes: Buffer
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  json: any
}

export interface Call {
  key?: string
  /** An object is sent as JSON; a string or a Buffer is sent as it is. */
  body?: unknown
  headers?: Record<string, string>
}

export function call(baseUrl: string, method: string, path: string, options: Call = {}): Promise<Answer> {
  const url = new URL(path, baseUrl)
  const body = options.body === undefined ? undefined
    : typeof options.body === 'string' || Buffer.isBuffer(options.body) ? options.body : JSON.stringify(options.body)
  const headers: Record<string, string> = {
    accept: 'application/json',
    ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
    ...(options.key ? { authorization: `Bearer ${options.key}` } : {}),
    ...options.headers,
  }
  if (body !== undefined) headers['content-length'] = String(Buffer.byteLength(body))
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method, headers, agent: false }, (res) => {
      const chunks: Buffer[] = []
      res.on('data', (c: Buffer) => chunks.push(c))
      res.on('end', () => {
        const bytes = Buffer.concat(chunks)
        const text = bytes.toString('utf8')
        let json: unknown
        try {
          json = text === '' ? undefined : JSON.parse(text)
        } catch {
          json = undefined
        }
        resolve({ status: res.statusCode ?? 0, headers: res.headers, text, bytes, json })
      })
    })
    req.on('error', reject)
    if (body !== undefined) req.write(body)
    req.end()
  })
}
