// Key owners remembered for a moment. Looking a key up in the store was the largest single cost
// of a small authenticated read (about half the server's CPU time per GET /v1/test under load,
// bench/), and clients send their requests in bursts with one key, so reads reuse an owner read
// from the store less than OWNER_TTL_MS ago.
//
// What that costs: a key revoked, or a program changed or deleted, by *another* process (the
// CLI, another server) can still be used for reads here for up to OWNER_TTL_MS. Partnerkit
// promises that a revoked key stops working within 5 seconds in every process. Writes never use a
// remembered owner, and a write made through this process forgets them all before its answer
// leaves, so this process sees its own changes at once.
import type { KeyOwner } from './store.js'

export const OWNER_TTL_MS = 1000

/** Past this many remembered keys, expired ones are swept before another is added. */
const SWEEP_AT = 10_000

/** A store lookup in progress, from lookupStarts() to remember(). */
export interface Lookup {
  generation: number
  startedAt: number
}

interface Remembered {
  owner: KeyOwner
  until: number
}

export class RecentOwners {
  private readonly byKeyHash = new Map<string, Remembered>()
  /** Counts forgetAll() calls, so a lookup that overlapped one does not remember what it read. */
  private generation = 0

  constructor(
    private readonly ttlMs = OWNER_TTL_MS,
    // Not the wall clock: a clock set back must not stretch how long an owner is trusted.
    private readonly now: () => number = () => performance.now(),
  ) {}

  get(keyHash: string): KeyOwner | undefined {
    const entry = this.byKeyHash.get(keyHash)
    if (entry === undefined) return undefined
    if (entry.until > this.now()) return entry.owner
    this.byKeyHash.delete(keyHash)
    return undefined
  }

  lookupStarts(): Lookup {
    return { generation: this.generation, startedAt: this.now() }
  }

  remember(keyHash: string, owner: KeyOwner, lookup: Lookup): void {
    // A write finished while the store was being read: what was read may predate it.
    if (lookup.generation !== this.generation) return
    if (this.byKeyHash.size >= SWEEP_AT) this.sweep()
    // Shared by every request with this key until it expires: nobody may change it.
    this.byKeyHash.set(keyHash, { owner: deepFreeze(owner), until: lookup.startedAt + this.ttlMs })
  }

  forgetAll(): void {
    this.byKeyHash.clear()
    this.generation++
  }

  private sweep(): void {
    const now = this.now()
    for (const [keyHash, entry] of this.byKeyHash) if (entry.until <= now) this.byKeyHash.delete(keyHash)
    // Still full of live entries: that many keys within one TTL is not a burst worth remembering.
    if (this.byKeyHash.size >= SWEEP_AT) this.byKeyHash.clear()
  }
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value)
    for (const member of Object.values(value)) deepFreeze(member)
  }
  return value
}
