// What referral keys lead to, remembered: a shared link is clicked in bursts, and the look-up would
// otherwise be a store read per click. A change made through this process empties it at once. Any
// other change (another process, the CLI, the store edited by hand) moves the store's count of link
// changes (migration 0011), which is read at most every CHANGES_CHECK_MS: when it moved, every entry
// is forgotten. So a change reaches clicks within moments, while an unchanged link is looked up only
// once a minute. A stale entry can only misroute for that moment: a click on a link deleted
// meanwhile is dropped when the batch is written (clicks.ts), never stored against a missing link.
import type { Store } from '../../store/store.js'
import { linkChangeCount, linkTargets, type LinkTarget } from './store.js'

/** The longest an entry is kept, even with no change counted (a backstop, not the freshness). */
export const LINK_TTL_MS = 60_000
/** How often the count of link changes is read: how late another process's change can reach clicks. */
export const CHANGES_CHECK_MS = 100
const MAX_KEYS = 50_000

export class LinkCache {
  private entries = new Map<string, { targets: LinkTarget[]; at: number }>()
  private changes: { count: number | undefined; at: number; reading?: Promise<void> } = { count: undefined, at: -Infinity }

  constructor(private readonly store: Store, private readonly clock: () => number = Date.now) {}

  async targets(key: string): Promise<LinkTarget[]> {
    const now = this.clock()
    // Checked here, not inside, so that a click between two reads of the count awaits nothing extra.
    if (now - this.changes.at >= CHANGES_CHECK_MS) await this.noticeChanges()
    const hit = this.entries.get(key)
    if (hit && now - hit.at < LINK_TTL_MS) return hit.targets
    const targets = await linkTargets(this.store, key)
    // Unchanged targets keep their remembered objects: replacing them made garbage that filled the
    // old generation under a steady click load (RSS, bench/clicks.js).
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

  /** Forgets every entry when the store counted a link change since the last look; one read at a time. */
  private async noticeChanges(): Promise<void> {
    this.changes.reading ??= (async () => {
      try {
        const count = await linkChangeCount(this.store)
        if (count !== this.changes.count) this.forget()
        this.changes.count = count
      } catch {
        // Unable to tell: nothing remembered is trusted, and the next look-up tries again.
        this.forget()
        this.changes.count = undefined
      }
      this.changes.at = this.clock()
    })().finally(() => {
      this.changes.reading = undefined
    })
    await this.changes.reading
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
