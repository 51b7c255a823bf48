// The public side of tracking: a click on a referral link (server-side, /r/{key}, or reported by
// the snippet, /t/click) and a sign-up from the merchant's page (/t/signup). Clicks are written in
// group commits; a click is durable before its answer leaves.
import { randomBytes } from 'node:crypto'
import { badRequest, notFound } from '../../domain-errors.js'
import { GroupCommit } from '../../store/group-commit.js'
import type { Store } from '../../store/store.js'
import { factOnce } from '../../store/facts.js'
import { recordClicks, type ClickOutcome, type UncountedReason } from './clicks.js'
import { ProgramDirectory, type ProgramPlace } from './programs.js'
import { destinationOf, sharedLabels, websiteOf } from './redirect.js'
import { LinkCache } from './link-cache.js'
import type { LinkTarget, NewClick } from './store.js'
import { notAVisit, visitorOf } from './visitor.js'

// A link's visitor reads these (tracking/visitor-page.ts), so they are said in a visitor's words.
const UNKNOWN_LINK = 'This referral link is not known. It may have been mistyped, or it no longer exists.'

export interface Visit {
  method: string
  ip: string
  userAgent: string | undefined
  /** The host the visitor asked for (to tell which program a shared key means). */
  host: string
  /** `?program=PUBLIC_ID`, when the link names its program. */
  programHint?: string
}

export interface TrackerOptions {
  /** Most clicks written in one transaction (they gather for one turn of the event loop). */
  maxBatch: number
}

export const DEFAULT_TRACKER_OPTIONS: TrackerOptions = { maxBatch: 500 }

export interface Redirect {
  place: ProgramPlace
  location: URL
  target?: LinkTarget
  click?: ClickOutcome
}

export class Tracker {
  readonly programs: ProgramDirectory
  readonly links: LinkCache
  private readonly batches: GroupCommit<NewClick, ClickOutcome>
  private salt: Promise<string> | undefined

  constructor(private readonly store: Store, options: TrackerOptions = DEFAULT_TRACKER_OPTIONS, private readonly log: (err: unknown) => void = () => {}) {
    this.programs = new ProgramDirectory(store)
    this.links = new LinkCache(store)
    this.batches = new GroupCommit((clicks) => recordClicks(store.db, clicks), options.maxBatch)
  }

  /** GET /r/{key}: where to send the visitor, after counting the click when it counts. */
  async redirect(key: string, visit: Visit, base: string): Promise<Redirect> {
    const found = await this.resolve(key, visit)
    if (!found.target) {
      const location = websiteOf(found.place)
      if (!location) throw notFound('This program has no website to send visitors to.')
      return { place: found.place, location }
    }
    const location = destinationOf(found.place, found.target, base)
    if (!location) throw notFound('This program has no website to send visitors to.')
    return { place: found.place, location, target: found.target, click: await this.count(found.target, visit) }
  }

  /** POST /t/click: the snippet saw `?aff=key` on a page of the program. */
  async reportedClick(place: ProgramPlace, key: string, visit: Visit): Promise<ClickOutcome> {
    const target = (await this.links.targets(key)).find((t) => t.programId === place.program.id)
    return target ? this.count(target, visit) : uncounted('unknown_key')
  }

  /** The visitor's hash, as stored with their clicks. */
  async visitor(visit: Visit): Promise<string> {
    return visitorOf(await this.visitorSalt(), visit.ip, visit.userAgent ?? '')
  }

  async close(): Promise<void> {
    await this.batches.drain()
  }

  private async count(target: LinkTarget, visit: Visit): Promise<ClickOutcome> {
    if (target.partnerStatus !== 'active') return uncounted('inactive_partner')
    const why = notAVisit(visit.method, visit.userAgent)
    if (why) return uncounted(why)
    const click = { programId: target.programId, partnerId: target.partnerId, linkId: target.linkId, visitor: await this.visitor(visit), at: Date.now() }
    try {
      return await this.batches.add(click)
    } catch (err) {
      // The visitor still gets where they were going; the failure is logged, not shown to them.
      this.log(err)
      return uncounted('not_recorded')
    }
  }

  /** The program a key belongs to: named by ?program=, else the one whose hosts include the request's, else the only one. */
  private async resolve(key: string, visit: Visit): Promise<{ place: ProgramPlace; target?: LinkTarget }> {
    const targets = await this.links.targets(key)
    const hinted = visit.programHint ? await this.programs.byPublicId(visit.programHint) : undefined
    if (visit.programHint && !hinted) throw notFound('This referral link names a program that does not exist (Program not found).')
    const candidates = hinted ? [hinted] : await this.candidates(targets, visit.host)
    if (candidates.length > 1) {
      // A key no program uses is unknown, however many programs the server has.
      if (targets.length === 0) throw notFound(UNKNOWN_LINK)
      throw badRequest('This referral link is used by several shops and does not say which one (add ?program=PUBLIC_ID to it). Ask whoever shared it for the full link.', 'ambiguous_key')
    }
    for (const place of candidates) {
      const target = targets.find((t) => t.programId === place.program.id)
      if (target) return { place, target }
    }
    if (candidates.length === 1) return { place: candidates[0] as ProgramPlace }
    throw notFound(UNKNOWN_LINK)
  }

  private async candidates(targets: LinkTarget[], host: string): Promise<ProgramPlace[]> {
    const owners = (await Promise.all([...new Set(targets.map((t) => t.programId))].map((id) => this.programs.byId(id))))
      .filter((p): p is ProgramPlace => p !== undefined)
    if (owners.length === 1) return owners
    const pool = owners.length > 0 ? owners : await this.programs.all()
    const nearest = closestToHost(pool, host)
    return nearest.length > 0 ? nearest : pool
  }

  private visitorSalt(): Promise<string> {
    // A failed read is not remembered: the next click tries again.
    this.salt ??= factOnce(this.store.db, 'visitor_salt', () => randomBytes(32).toString('base64url')).catch((err) => {
      this.salt = undefined
      throw err
    })
    return this.salt
  }
}

function uncounted(reason: UncountedReason): ClickOutcome {
  return { clickId: undefined, counted: false, reason }
}

/** The programs whose hosts share the most trailing labels (at least two) with the host asked for. */
function closestToHost(places: ProgramPlace[], host: string): ProgramPlace[] {
  const scored = places.map((place) => ({ place, labels: Math.max(0, ...[...place.hosts].map((h) => sharedLabels(h, host))) }))
  const best = Math.max(0, ...scored.map((s) => s.labels))
  return best < 2 ? [] : scored.filter((s) => s.labels === best).map((s) => s.place)
}
