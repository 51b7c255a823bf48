// Secrets the server must read back to use them (webhook signing secrets, Stripe endpoint
// secrets) are stored sealed: AES-256-GCM, a fresh IV each time, as `enc1:` + base64url(iv, tag,
// ciphertext). The key comes from PARTNERKIT_SECRET_KEY (hashed to 32 bytes), so a copy of the
// store alone reveals nothing. Without it, a random key kept in the store itself is used: rows,
// logs and exports still never show a secret, but a full dump does — the README says so. The
// store remembers a fingerprint of the key that sealed its secrets, and a process started with
// another key (or none, where one was used) refuses to start rather than fail every delivery.
import { createCipheriv, createDecipheriv, createHash, createHmac, randomBytes } from 'node:crypto'
import type { Db } from './schema.js'
import type { Store } from './store.js'
import { factOnce } from './facts.js'
import { storeOf } from './prepared.js'

const PREFIX = 'enc1:'
const boxes = new WeakMap<Store, Buffer>()

export class SecretKeyError extends Error {}

/** Loads (or makes) the key for this store's secrets; called once as the store opens. */
export async function installSecretKey(store: Store, configured: string | undefined): Promise<void> {
  const key = configured !== undefined ? createHash('sha256').update(configured).digest() : await keptKey(store)
  const fingerprint = `${configured !== undefined ? 'env' : 'store'}:${createHmac('sha256', key).update('partnerkit secrets').digest('base64url').slice(0, 22)}`
  const recorded = await factOnce(store.db, 'secret_key_fingerprint', () => fingerprint)
  if (recorded !== fingerprint) {
    throw new SecretKeyError(recorded?.startsWith('env:')
      ? 'This store\'s secrets were sealed with another PARTNERKIT_SECRET_KEY: start with the same key.'
      : 'This store\'s secrets were sealed without PARTNERKIT_SECRET_KEY: unset it, or re-enter the secrets after changing keys.')
  }
  boxes.set(store, key)
}

export function sealSecret(db: Db, plain: string): string {
  const key = keyOf(db)
  const iv = randomBytes(12)
  const cipher = createCipheriv('aes-256-gcm', key, iv)
  const sealed = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()])
  return PREFIX + Buffer.concat([iv, cipher.getAuthTag(), sealed]).toString('base64url')
}

/** The secret as it was given; text stored before sealing existed is returned as it is. */
export function openSecret(db: Db, stored: string): string {
  if (!stored.startsWith(PREFIX)) return stored
  const raw = Buffer.from(stored.slice(PREFIX.length), 'base64url')
  const decipher = createDecipheriv('aes-256-gcm', keyOf(db), raw.subarray(0, 12))
  decipher.setAuthTag(raw.subarray(12, 28))
  return Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString('utf8')
}

function keyOf(db: Db): Buffer {
  const store = storeOf(db)
  const key = store && boxes.get(store)
  if (!key) throw new Error('secrets: no key installed for this store (openMigratedStore installs it)')
  return key
}

async function keptKey(store: Store): Promise<Buffer> {
  return Buffer.from(await factOnce(store.db, 'secret_key', () => randomBytes(32).toString('base64url')), 'base64url')
}
