// The programs a tracking request may concern, kept in memory for a moment: every click needs its
// program's settings and hosts, and they change rarely. A change reaches clicks within the TTL,
// also in other processes.
import type { Store } from '../../store/store.js'
import { listPrograms, programById, programByPublicId, programDomains, type Program } from '../programs/service.js'
import { websiteHost } from '../programs/referral-urls.js'
import { allDomains } from './store.js'

export const PROGRAMS_TTL_MS = 2000

export interface ProgramPlace {
  program: Program
  /** The website's host and the additional domains: where visitors may be sent, and whose pages may call /t/. */
  hosts: Set<string>
}

/**
 * Whether a page on `host` is the program's own, and may call /t/: one of its hosts or a subdomain
 * of one (www.shop.test and blog.shop.test for shop.test). A host's own `www.` does not narrow it:
 * a website given as www.shop.test owns shop.test's pages too.
 */
export function ownsPageHost(place: ProgramPlace, host: string): boolean {
  const page = host.toLowerCase()
  for (const own of place.hosts) {
    const base = own.toLowerCase().replace(/^www\./, '')
    if (page === base || page.endsWith(`.${base}`)) return true
  }
  return false
}

interface Snapshot {
  byId: Map<number, ProgramPlace>
  byPublicId: Map<string, ProgramPlace>
  takenAt: number
}

export class ProgramDirectory {
  private snapshot: Snapshot | undefined
  private loading: Promise<Snapshot> | undefined

  constructor(private readonly store: Store, private readonly clock: () => number = Date.now) {}

  async byId(id: number): Promise<ProgramPlace | undefined> {
    return (await this.current()).byId.get(id) ?? this.afterMiss(await programById(this.store.db, id))
  }

  async byPublicId(publicId: string): Promise<ProgramPlace | undefined> {
    return (await this.current()).byPublicId.get(publicId) ?? this.afterMiss(await programByPublicId(this.store.db, publicId))
  }

  /** A program changed through this process: the next lookup reads them all again. */
  forget(): void {
    this.snapshot = undefined
  }

  /** Programs whose website or additional domains include the host. */
  async byHost(host: string): Promise<ProgramPlace[]> {
    return [...(await this.current()).byId.values()].filter((p) => p.hosts.has(host))
  }

  async all(): Promise<ProgramPlace[]> {
    return [...(await this.current()).byId.values()]
  }

  /** A program made since the snapshot (by another process, or just now) is looked up alone and added. */
  private async afterMiss(program: Program | undefined): Promise<ProgramPlace | undefined> {
    if (!program) return undefined
    const host = websiteHost(program)
    const domains = (await programDomains(this.store.db, program.id)).map((d) => d.domain)
    const place = { program, hosts: new Set([...(host ? [host] : []), ...domains]) }
    this.snapshot?.byId.set(program.id, place)
    this.snapshot?.byPublicId.set(program.publicId, place)
    return place
  }

  private async current(): Promise<Snapshot> {
    if (this.snapshot && this.clock() - this.snapshot.takenAt < PROGRAMS_TTL_MS) return this.snapshot
    this.loading ??= this.load().finally(() => {
      this.loading = undefined
    })
    return this.loading
  }

  private async load(): Promise<Snapshot> {
    const [programs, domains] = await Promise.all([listPrograms(this.store.db), allDomains(this.store)])
    const byId = new Map<number, ProgramPlace>()
    for (const program of programs) {
      const host = websiteHost(program)
      byId.set(program.id, { program, hosts: new Set(host ? [host] : []) })
    }
    for (const d of domains) byId.get(d.programId)?.hosts.add(d.domain)
    const snapshot = { byId, byPublicId: new Map([...byId.values()].map((p) => [p.program.publicId, p])), takenAt: this.clock() }
    this.snapshot = snapshot
    return snapshot
  }
}
