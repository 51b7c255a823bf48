// A browser without a browser, for portal tests that need no script: it keeps cookies, posts forms
// as a browser does (urlencoded, with Origin and Sec-Fetch-Site), finds the CSRF token on the page
// it is on, and never follows redirects by itself, so tests see each 303.
import { call, type Answer } from './client.js'
import type { TestServer } from './server.js'

type HeaderValues = Record<string, string | undefined>

/** Headers as sent: one given as undefined is left out (a browser that sends no Origin, no Sec-Fetch-Site). */
function sent(headers: HeaderValues): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).filter((e): e is [string, string] => e[1] !== undefined))
}

export interface Visitor {
  cookies: Map<string, string>
  /** `headers` add to (or, with undefined, take away) what the visitor sends. */
  get(path: string, headers?: HeaderValues): Promise<Answer>
  /** Posts `fields` (and, unless given, the CSRF token of the last page seen). */
  post(path: string, fields?: Record<string, string | string[]>, headers?: HeaderValues): Promise<Answer>
  /** Follows a 303/302 to its page. */
  follow(answer: Answer): Promise<Answer>
  csrf(): string | undefined
}

export interface VisitorOptions {
  /** Sent with every request: X-Forwarded-For (each visitor its own address behind a trusted proxy), X-Forwarded-Proto… */
  headers?: Record<string, string>
  /** The Origin its forms are posted with (this server's own by default; https://… behind a TLS proxy). */
  origin?: string
}

export function visitor(server: TestServer, options: VisitorOptions = {}): Visitor {
  const cookies = new Map<string, string>()
  let lastPage = ''
  const origin = options.origin ?? server.url
  const always = options.headers ?? {}
  const remember = (answer: Answer) => {
    const set = answer.headers['set-cookie'] ?? []
    for (const line of set) {
      const [pair] = line.split(';')
      const eq = (pair as string).indexOf('=')
      const name = (pair as string).slice(0, eq)
      const value = (pair as string).slice(eq + 1)
      if (/Max-Age=0/i.test(line)) cookies.delete(name)
      else cookies.set(name, value)
    }
    if (String(answer.headers['content-type'] ?? '').startsWith('text/html')) lastPage = answer.text
    return answer
  }
  const cookieHeader = (): Record<string, string> => (cookies.size ? { cookie: [...cookies].map(([k, v]) => `${k}=${v}`).join('; ') } : {})
  const csrf = () => /name="_csrf" value="([^"]+)"/.exec(lastPage)?.[1]
  const self: Visitor = {
    cookies,
    csrf,
    async get(path, headers = {}) {
      return remember(await call(server.url, 'GET', path, { headers: sent({ accept: 'text/html', ...always, ...cookieHeader(), ...headers }) }))
    },
    async post(path, fields = {}, headers = {}) {
      const form = new URLSearchParams()
      const token = csrf()
      if (token && fields._csrf === undefined) form.append('_csrf', token)
      for (const [k, v] of Object.entries(fields)) for (const one of Array.isArray(v) ? v : [v]) form.append(k, one)
      return remember(await call(server.url, 'POST', path, {
        body: form.toString(),
        headers: sent({
          accept: 'text/html', 'content-type': 'application/x-www-form-urlencoded', origin, 'sec-fetch-site': 'same-origin',
          ...always, ...cookieHeader(), ...headers,
        }),
      }))
    },
    async follow(answer) {
      const to = answer.headers.location
      if (!to) throw new Error(`not a redirect: ${answer.status} ${answer.text.slice(0, 200)}`)
      return self.get(to)
    },
  }
  return self
}

/** A partner made through the API, with a password it can sign in with. */
export async function partnerWithPassword(server: TestServer, key: string, fields: Record<string, unknown> = {}) {
  const email = `p${Math.random().toString(36).slice(2, 10)}@example.com`
  const password = 'Secret123'
  const res = await server.post('/v1/partners', { key, body: { email, name: 'Pat Partner', password, ...fields } })
  if (res.status !== 201) throw new Error(`partner not made: ${res.status} ${res.text}`)
  return { email, password, partner: res.json.data as { id: string; key: string; email: string } }
}

/** Signs in through the portal's form; answers the dashboard page. */
export async function signIn(v: Visitor, publicId: string, email: string, password: string): Promise<Answer> {
  await v.get(`/portal/${publicId}/sign-in`)
  const answer = await v.post(`/portal/${publicId}/sign-in`, { email, password })
  if (answer.status !== 303) throw new Error(`sign-in refused: ${answer.status} ${answer.text.slice(0, 500)}`)
  return v.follow(answer)
}
