// How a referral link's URL is built: the destination (the link's landing page, its additional
// domain, or the program website) carrying the key in the program's referral parameter, either as
// a query (`https://shop.example?aff=key`, Partnero's default) or as a path (`/aff/key`). The
// program's settings decide all of it, so it lives here, where partners, referral links,
// customers and tracking all reach it.
import type { Program } from './store.js'

export interface LinkPlace {
  key: string
  landingUrl: string | null
  /** Host of the additional domain the link lives on, if any. */
  domain: string | null
}

export function referralUrl(program: Program, link: LinkPlace, base: string): string {
  const destination = link.landingUrl ?? (link.domain ? onDomain(program, link.domain) : program.website)
  const { referral_param: param, referral_link_style: style } = program.settings.program
  if (!destination) return `${base}/r/${encodeURIComponent(link.key)}`
  if (style === 'path') {
    const url = new URL(destination)
    url.pathname = `${url.pathname.replace(/\/+$/, '')}/${param}/${encodeURIComponent(link.key)}`
    return url.toString()
  }
  return `${destination}${destination.includes('?') ? '&' : '?'}${param}=${encodeURIComponent(link.key)}`
}

/** The prefix every link of a domain shares, as `partner_referral_links:domains` shows it. */
export function domainUrlPrefix(program: Program, domain: string | null, base: string): string {
  const destination = domain ? onDomain(program, domain) : program.website
  const { referral_param: param, referral_link_style: style } = program.settings.program
  if (!destination) return `${base}/r/`
  if (style === 'path') return `${destination.replace(/\/+$/, '')}/${param}/`
  return `${destination}${destination.includes('?') ? '&' : '?'}${param}=`
}

function onDomain(program: Program, domain: string): string {
  const scheme = program.website?.startsWith('http://') ? 'http' : 'https'
  return `${scheme}://${domain}`
}

/** The host of the program website: the default link domain. */
export function websiteHost(program: Program): string | null {
  if (!program.website) return null
  try {
    return new URL(program.website).hostname
  } catch {
    return null
  }
}

/** The referral key a link URL carries (`?aff=key`, `/aff/key` or `/r/key`), or undefined. */
export function keyInUrl(program: Program, text: string): string | undefined {
  let url: URL
  try {
    url = new URL(text)
  } catch {
    return undefined
  }
  const param = program.settings.program.referral_param
  const inQuery = url.searchParams.get(param)
  if (inQuery) return inQuery
  const segments = url.pathname.split('/').filter(Boolean).map(decodedSegment)
  const at = segments.findIndex((s) => s === param || s === 'r')
  return at >= 0 ? segments[at + 1] : undefined
}

function decodedSegment(segment: string): string {
  try {
    return decodeURIComponent(segment)
  } catch {
    return segment
  }
}
