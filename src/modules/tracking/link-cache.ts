// What referral keys lead to, remembered for a moment: a shared link is clicked in bursts, and
// the look-up would otherwise be a store read per click. A change made through this process
// empties it at once; one made by another process (PostgreSQL) applies within the TTL. A stale
// entry can only misroute for that moment: a click on a link deleted meanwhile is dropped when
// the batch is written (clicks.ts), never stored against a missing link.
import type { Store } from '../../store/store.js'
import { linkTargets, type LinkTarget } from './store.js'

export const LINK_TTL_MS = 1000
const MAX_KEYS = 50_000

export class LinkCache {
  private entries = new Map<string, { targets: LinkTarget[]; at: number }>()

  constructor(private readonly store: Store, private readonly clock: () => number = Date.now) {}

  async targets(key: string): Promise<LinkTarget[]> {
    const now = this.clock()
    const hit = this.entries.get(key)
    if (hit && now - hit.at < LINK_TTL_MS) return hit.targets
    const targets = await linkTargets(this.store, key)
    // Unchanged targets keep their remembered objects: replacing them every second made the
    // garbage that filled the old generation under a steady click load (RSS, bench/clicks.js).
    if (hit && sameTargets(hit.targets, targets)) {
      hit.at = now
      // Moved to the newest end, so the oldest entries, not the busiest, make room first.
      this.entries.delete(key)
      this.entries.set(key, hit)
      return hit.targets
    }
    // Unknown keys are remembered too (bots try many); the oldest entries make room first.
    if (this.entries.size >= MAX_KEYS) this.entries.delete(this.entries.keys().next().value as string)
    this.entries.delete(key)
    this.entries.set(key, { targets, at: now })
    return targets
  }

  forget(): void {
    this.entries.clear()
  }
}

function sameTargets(a: LinkTarget[], b: LinkTarget[]): boolean {
  return a.length === b.length && a.every((t, i) => {
    const u = b[i] as LinkTarget
    return (Object.keys(t) as (keyof LinkTarget)[]).every((field) => t[field] === u[field])
  })
}
