// The partner portal's logo: a merchant uploads one image a program, the portal shows it in its
// header. What it is is read from its first bytes only — never from the name or the type the
// browser claimed — and only raster formats are kept: an SVG can carry script, so it is refused.
import { createHash } from 'node:crypto'
import type { Db } from '../../store/schema.js'
import { invalidField } from '../../domain-errors.js'
import { deleteLogo, findLogo, findLogoVersion, saveLogo, type LogoVersion, type StoredLogo } from './logo-store.js'

export type { LogoVersion, StoredLogo as Logo }

export const LOGO_MAX_BYTES = 256 * 1024

/** The formats kept, each with the bytes it starts with (null: any byte) and its file extension. */
const FORMATS: ReadonlyArray<{ type: string; extension: string; magic: ReadonlyArray<number | null> }> = [
  { type: 'image/png', extension: 'png', magic: [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a] },
  { type: 'image/jpeg', extension: 'jpg', magic: [0xff, 0xd8, 0xff] },
  // RIFF, four bytes of length, WEBP
  { type: 'image/webp', extension: 'webp', magic: [...Buffer.from('RIFF'), null, null, null, null, ...Buffer.from('WEBP')] },
  // GIF87a or GIF89a
  { type: 'image/gif', extension: 'gif', magic: [...Buffer.from('GIF8'), null, 0x61] },
]

/** The content types a logo may have, for the file input's `accept`. */
export const LOGO_TYPES = FORMATS.map((f) => f.type)

function formatOf(bytes: Uint8Array) {
  return FORMATS.find((f) => bytes.length >= f.magic.length && f.magic.every((b, i) => b === null || bytes[i] === b))
}

/** Checks and keeps `bytes` as the program's logo, in place of any before; its version (for its URL). */
export async function setLogo(db: Db, programId: number, bytes: Uint8Array, now = Date.now()): Promise<LogoVersion> {
  if (bytes.length === 0) throw invalidField('logo', 'Choose an image file for the logo.')
  if (bytes.length > LOGO_MAX_BYTES) throw invalidField('logo', `The logo is larger than ${LOGO_MAX_BYTES / 1024} kB. Send a smaller image.`)
  const format = formatOf(bytes)
  if (!format) throw invalidField('logo', 'The logo must be a PNG, JPEG, WebP or GIF image (SVG is not accepted).')
  const logo = { contentType: format.type, bytes: Buffer.from(bytes), hash: createHash('sha256').update(bytes).digest('hex'), updatedAt: now }
  await saveLogo(db, programId, logo)
  return { contentType: logo.contentType, hash: logo.hash }
}

/** Whether the program had a logo to remove. */
export function removeLogo(db: Db, programId: number): Promise<boolean> {
  return deleteLogo(db, programId)
}

/** The program's logo with its bytes, or undefined. */
export function logoOf(db: Db, programId: number): Promise<StoredLogo | undefined> {
  return findLogo(db, programId)
}

/** The program's logo without its bytes (what a page links to), or undefined. */
export function logoVersionOf(db: Db, programId: number): Promise<LogoVersion | undefined> {
  return findLogoVersion(db, programId)
}

/** The logo's file name in its URL: `logo-<hash>.<extension>`, a new name for every new image. */
export function logoFileName(logo: LogoVersion): string {
  const extension = FORMATS.find((f) => f.type === logo.contentType)?.extension ?? 'img'
  return `logo-${logo.hash}.${extension}`
}
