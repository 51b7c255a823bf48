// A file form as a browser sends it (multipart/form-data: the fields, then the file), from a
// visitor's session; and small images of each kind, made of the bytes that say what they are.
import { randomBytes } from 'node:crypto'
import { call, type Answer } from './client.js'
import type { Visitor } from './portal.js'
import type { TestServer } from './server.js'

export interface Upload {
  /** The file's field name, its name and the type the browser claims. */
  field?: string
  filename?: string
  type?: string
  bytes: Buffer
}

/** The body and its content type; `files` are sent after `fields`, as a form lists them. */
export function multipart(fields: Record<string, string>, files: Upload[]): { body: Buffer; contentType: string } {
  const boundary = `----partnerkit${randomBytes(8).toString('hex')}`
  const parts: Buffer[] = []
  for (const [name, value] of Object.entries(fields)) {
    parts.push(Buffer.from(`--${boundary}\r\ncontent-disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`))
  }
  for (const file of files) {
    parts.push(Buffer.from(`--${boundary}\r\ncontent-disposition: form-data; name="${file.field ?? 'logo'}"; filename="${file.filename ?? 'logo.png'}"\r\ncontent-type: ${file.type ?? 'image/png'}\r\n\r\n`))
    parts.push(file.bytes, Buffer.from('\r\n'))
  }
  parts.push(Buffer.from(`--${boundary}--\r\n`))
  return { body: Buffer.concat(parts), contentType: `multipart/form-data; boundary=${boundary}` }
}

/**
 * Posts a file form with the visitor's cookies, same-origin, with the token of the last page it saw
 * unless `fields` names its own `_csrf`. `headers` add to (or, with undefined, take away) what is sent.
 */
export function postFiles(server: TestServer, v: Visitor, path: string, files: Upload[], fields: Record<string, string> = {}, headers: Record<string, string | undefined> = {}): Promise<Answer> {
  const { body, contentType } = multipart({ _csrf: v.csrf() ?? '', ...fields }, files)
  const cookie = [...v.cookies].map(([k, value]) => `${k}=${value}`).join('; ')
  const all: Record<string, string | undefined> = {
    accept: 'text/html', 'content-type': contentType, origin: server.url, 'sec-fetch-site': 'same-origin', cookie, ...headers,
  }
  return call(server.url, 'POST', path, { body, headers: Object.fromEntries(Object.entries(all).filter((e): e is [string, string] => e[1] !== undefined)) })
}

/** A real 1×1 PNG. */
export const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==', 'base64')
/** The first bytes of a JPEG (JFIF), then filler: what is checked is what it starts with. */
export const JPEG = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10]), Buffer.from('JFIF\0'), randomBytes(64)])
export const GIF = Buffer.concat([Buffer.from('GIF89a'), randomBytes(32)])
export const WEBP = Buffer.concat([Buffer.from('RIFF'), Buffer.from([40, 0, 0, 0]), Buffer.from('WEBPVP8 '), randomBytes(32)])
export const SVG = Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>')
/** HTML named logo.png and claimed as image/png. */
export const HTML_AS_PNG = Buffer.from('<!doctype html><script>alert(document.cookie)</script>')
