// Tracking queries: finding what a referral key leads to (hot: every click), and writing a batch
// of clicks with the counters they move.
import type { Db } from '../../store/schema.js'
import type { Store } from '../../store/store.js'
import { executeRaw } from '../../store/prepared.js'
import { inChunks, insertRows } from '../../store/writes.js'
import { storableText } from '../../store/text-keys.js'

/** What a click on a referral key needs to know: the link, its partner and where it leads. */
export interface LinkTarget {
  linkId: number
  programId: number
  partnerId: number
  partnerStatus: string
  key: string
  landingUrl: string | null
  /** Host of the link's additional domain, if any. */
  domain: string | null
  directRedirectUrl: string | null
}

interface TargetRow {
  link_id: number | bigint
  program_id: number | bigint
  partner_id: number | bigint
  partner_status: string
  key: string
  landing_url: string | null
  domain: string | null
  direct_tracking_redirect: number
  direct_tracking_redirect_url: string | null
}

// Keys are unique per program, not across programs: a key may name links of several programs. A
// deleted partner's links are kept, marked deleted (migration 0013): its key leads nowhere.
const TARGETS = `select l.id as link_id, l.program_id, l.partner_id, p.status as partner_status, l."key", l.landing_url,
    d.domain, l.direct_tracking_redirect, l.direct_tracking_redirect_url
  from referral_links l join partners p on p.id = l.partner_id left join program_domains d on d.id = l.domain_id
  where l."key" = ? and l.deleted_at is null order by l.program_id`

export async function linkTargets(store: Store, key: string): Promise<LinkTarget[]> {
  if (!storableText(key)) return []
  const rows = await store.all<TargetRow>('link_targets', TARGETS, [key])
  return rows.map((r) => ({
    linkId: Number(r.link_id),
    programId: Number(r.program_id),
    partnerId: Number(r.partner_id),
    partnerStatus: r.partner_status,
    key: r.key,
    landingUrl: r.landing_url,
    domain: r.domain,
    directRedirectUrl: Number(r.direct_tracking_redirect) === 1 ? r.direct_tracking_redirect_url : null,
  }))
}

/** Changes ever made to what keys lead to (migration 0011): when it moves, remembered look-ups are stale. */
export async function linkChangeCount(store: Store): Promise<number> {
  const row = await store.first<{ n: number | bigint | null }>('link_change_count', 'select sum(changes) as n from link_changes', [])
  return Number(row?.n ?? 0)
}

export async function allDomains(store: Store): Promise<{ programId: number; domain: string }[]> {
  const rows = await store.all<{ program_id: number | bigint; domain: string }>('all_program_domains', 'select program_id, domain from program_domains', [])
  return rows.map((r) => ({ programId: Number(r.program_id), domain: r.domain }))
}

export interface NewClick {
  programId: number
  partnerId: number
  linkId: number
  visitor: string
  at: number
}

/**
 * Adds the clicks (each link and visitor at most once in the list, sorted): a visitor's row is
 * counted again only once the window since its last counted click is over. Returns the clicks
 * that counted; a repeat within the window changes nothing.
 */
export async function upsertClicks(tx: Db, clicks: NewClick[], windowMs: number): Promise<{ id: number; linkId: number; visitor: string }[]> {
  const rows = await insertRows<'clicks', { id: number | bigint; link_id: number | bigint; visitor: string }>(tx, 'clicks',
    clicks.map((c) => ({ program_id: c.programId, partner_id: c.partnerId, link_id: c.linkId, visitor: c.visitor, first_at: c.at, counted_at: c.at, count: 1 })),
    `on conflict (link_id, visitor) do update set counted_at = excluded.counted_at, "count" = clicks."count" + 1
      where clicks.counted_at <= excluded.counted_at - ${Math.trunc(windowMs)}
     returning id, link_id, visitor`)
  return rows.map((r) => ({ id: Number(r.id), linkId: Number(r.link_id), visitor: r.visitor }))
}

export async function liveLinkIds(tx: Db, ids: number[]): Promise<Set<number>> {
  const rows = await inChunks(ids, (chunk) =>
    executeRaw<{ id: number | bigint }>(tx, `select id from referral_links where deleted_at is null and id in (${chunk.map(() => '?').join(', ')})`, chunk))
  return new Set(rows.map((r) => Number(r.id)))
}

/** The click ids of (link, visitor) pairs, whether counted this time or not. */
export async function clickIds(tx: Db, pairs: { linkId: number; visitor: string }[]): Promise<{ id: number; linkId: number; visitor: string }[]> {
  const rows = await inChunks(pairs, (chunk) => executeRaw<{ id: number | bigint; link_id: number | bigint; visitor: string }>(tx,
    `select id, link_id, visitor from clicks where ${chunk.map(() => '(link_id = ? and visitor = ?)').join(' or ')}`,
    chunk.flatMap((p) => [p.linkId, p.visitor])))
  return rows.map((r) => ({ id: Number(r.id), linkId: Number(r.link_id), visitor: r.visitor }))
}
