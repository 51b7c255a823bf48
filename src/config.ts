// Every setting Partnerkit reads, from the environment, with its default and its check.
// A bad value stops the process at start with a message naming the variable.
import path from 'node:path'

export interface Config {
  port: number
  host: string
  dataDir: string
  /** postgres://… selects PostgreSQL; undefined = the SQLite file in dataDir. */
  databaseUrl: string | undefined
  redisUrl: string | undefined
  /** Seals the secrets the server must read back (webhook and Stripe secrets). */
  secretKey: string | undefined
  /** Base for absolute URLs (links.next, referral links). Undefined = taken from each request. */
  publicUrl: string | undefined
  rateLimit: { max: number; windowSeconds: number }
  /** Per visitor IP, for the public tracking calls the snippet makes (/t/click, /t/signup). */
  trackingRateLimit: { max: number; windowSeconds: number }
  bodyLimitBytes: number
  jsonMaxDepth: number
  trustProxy: boolean
  logLevel: string
  /** Webhook URLs may point at loopback and private networks (tests, intranets); off by default. */
  allowPrivateWebhookUrls: boolean
  /** Outgoing email (src/mail/): without an SMTP URL, mails are written to the log instead. */
  mail: { smtpUrl: string | undefined; from: string | undefined }
  /** The demo program's owner, made on a store's first start (ADMIN_EMAIL). */
  adminEmail: string
}

export class ConfigError extends Error {}

/**
 * Where links printed outside a request start (the command line's sign-in URLs): PUBLIC_URL, or
 * the address a server started with the same settings serves on this machine.
 */
export function linkBase(config: Pick<Config, 'publicUrl' | 'port'>): string {
  return config.publicUrl ?? `http://localhost:${config.port}`
}

type Env = Record<string, string | undefined>

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']

// Values that are secrets or may carry a password: a bad one is named, never shown (the message
// reaches terminals, logs and CI output).
const SECRET_SETTINGS = new Set(['PARTNERKIT_SECRET_KEY', 'DATABASE_URL', 'REDIS_URL', 'SMTP_URL'])

export function loadConfig(env: Env = process.env): Config {
  const problems: string[] = []
  const read = <T>(name: string, fallback: T, parse: (raw: string) => T | Problem): T => {
    const raw = env[name]
    if (raw === undefined || raw.trim() === '') return fallback
    const value = parse(raw.trim())
    if (value instanceof Problem) {
      problems.push(`${SECRET_SETTINGS.has(name) ? `${name} (value not shown)` : `${name}=${JSON.stringify(raw)}`}: ${value.message}`)
      return fallback
    }
    return value
  }

  const config: Config = {
    port: read('PORT', 8080, integerIn(0, 65535)),
    host: read('HOST', '127.0.0.1', (raw) => raw),
    dataDir: path.resolve(read('PARTNERKIT_DATA_DIR', './data', (raw) => raw)),
    databaseUrl: read<string | undefined>('DATABASE_URL', undefined, urlWithScheme(['postgres:', 'postgresql:'])),
    redisUrl: read<string | undefined>('REDIS_URL', undefined, urlWithScheme(['redis:', 'rediss:'])),
    secretKey: read<string | undefined>('PARTNERKIT_SECRET_KEY', undefined, (raw) =>
      raw.length >= 32 ? raw : new Problem('must be at least 32 characters (e.g. openssl rand -base64 32)')),
    publicUrl: read<string | undefined>('PUBLIC_URL', undefined, publicUrl),
    rateLimit: {
      max: read('RATE_LIMIT_MAX', 600, integerIn(1, 10_000_000)),
      windowSeconds: read('RATE_LIMIT_WINDOW_SECONDS', 60, integerIn(1, 86_400)),
    },
    trackingRateLimit: {
      max: read('TRACKING_RATE_LIMIT_MAX', 120, integerIn(1, 10_000_000)),
      windowSeconds: read('TRACKING_RATE_LIMIT_WINDOW_SECONDS', 60, integerIn(1, 86_400)),
    },
    bodyLimitBytes: read('BODY_LIMIT_BYTES', 1_048_576, integerIn(1024, 100 * 1_048_576)),
    jsonMaxDepth: read('JSON_MAX_DEPTH', 32, integerIn(2, 1000)),
    trustProxy: read('TRUST_PROXY', false, boolean),
    logLevel: read('LOG_LEVEL', 'info', (raw) =>
      LOG_LEVELS.includes(raw) ? raw : new Problem(`expected one of ${LOG_LEVELS.join(', ')}`)),
    allowPrivateWebhookUrls: read('PARTNERKIT_ALLOW_PRIVATE_WEBHOOK_URLS', false, boolean),
    mail: {
      // smtps:// speaks TLS from the start (port 465); smtp:// upgrades with STARTTLS when offered.
      smtpUrl: read<string | undefined>('SMTP_URL', undefined, urlWithScheme(['smtp:', 'smtps:'])),
      from: read<string | undefined>('MAIL_FROM', undefined, mailbox),
    },
    adminEmail: read('ADMIN_EMAIL', 'owner@example.com', (raw) =>
      ADDRESS.test(raw) && raw.length <= 255 ? raw : new Problem('expected an email address such as owner@acme.example')),
  }
  // Relays refuse mail from an address they do not know, so there is no guessed default.
  if (config.mail.smtpUrl !== undefined && config.mail.from === undefined && !problems.some((p) => p.startsWith('MAIL_FROM'))) {
    problems.push('MAIL_FROM: required when SMTP_URL is set, e.g. "Acme Partners <partners@acme.example>"')
  }
  if (problems.length > 0) {
    throw new ConfigError(`Invalid configuration:\n  ${problems.join('\n  ')}`)
  }
  return config
}

class Problem {
  constructor(readonly message: string) {}
}

function integerIn(min: number, max: number) {
  return (raw: string): number | Problem => {
    if (!/^\d+$/.test(raw)) return new Problem(`expected a whole number from ${min} to ${max}`)
    const n = Number(raw)
    if (n < min || n > max) return new Problem(`expected a whole number from ${min} to ${max}`)
    return n
  }
}

function boolean(raw: string): boolean | Problem {
  if (['1', 'true', 'yes', 'on'].includes(raw.toLowerCase())) return true
  if (['0', 'false', 'no', 'off'].includes(raw.toLowerCase())) return false
  return new Problem('expected true or false')
}

function urlWithScheme(schemes: string[]) {
  return (raw: string): string | Problem => {
    try {
      const url = new URL(raw)
      if (schemes.includes(url.protocol)) return raw
    } catch {
      // fall through to the message below
    }
    return new Problem(`expected a URL starting with ${schemes.map((s) => `${s}//`).join(' or ')}`)
  }
}

const ADDRESS = /^[^\s@<>]+@[^\s@<>]+\.[^\s@<>]+$/

/** `partners@acme.example` or `Acme Partners <partners@acme.example>`, on one line (it becomes a header). */
function mailbox(raw: string): string | Problem {
  const named = /^([^<>\r\n]*)<([^<>]+)>$/.exec(raw)
  if (!/[\r\n]/.test(raw) && (ADDRESS.test(raw) || (named && ADDRESS.test((named[2] as string).trim())))) return raw
  return new Problem('expected an address such as partners@acme.example or "Acme Partners <partners@acme.example>"')
}

function publicUrl(raw: string): string | Problem {
  try {
    const url = new URL(raw)
    if ((url.protocol === 'http:' || url.protocol === 'https:') && !url.search && !url.hash) {
      return url.origin + url.pathname.replace(/\/+$/, '')
    }
  } catch {
    // fall through
  }
  return new Problem('expected an http(s) URL without query or fragment, e.g. https://partners.example.com')
}
