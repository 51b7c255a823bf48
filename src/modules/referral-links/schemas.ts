// Request and response schemas of the partner referral link endpoints (spec §3.3, seed 002).
import { Type } from 'typebox'
import { PageInput } from '../../http/pagination.js'
import { PartnerRef, REFERRAL_KEY_PATTERN } from '../partners/schemas.js'

const Flag = Type.Boolean()
const Url = Type.String({ format: 'url', maxLength: 2048 })

/** Link fields as clients send them: snake_case, or camelCase from the PHP SDK's model (spec §1.3.6). */
export const LinkFields = {
  key: Type.Optional(Type.String({ pattern: REFERRAL_KEY_PATTERN })),
  url: Type.Optional(Url),
  default: Type.Optional(Flag),
  domain_id: Type.Optional(Type.Integer({ minimum: 1 })),
  is_additional: Type.Optional(Flag),
  direct_tracking: Type.Optional(Flag),
  direct_tracking_redirect: Type.Optional(Flag),
  direct_tracking_redirect_url: Type.Optional(Url),
  domainId: Type.Optional(Type.Integer({ minimum: 1 })),
  isAdditional: Type.Optional(Flag),
  directTracking: Type.Optional(Flag),
  directTrackingRedirect: Type.Optional(Flag),
  directTrackingRedirectUrl: Type.Optional(Url),
}

export const NewLinkInput = Type.Object({
  ...LinkFields,
  key: Type.String({ pattern: REFERRAL_KEY_PATTERN }),
  partner: PartnerRef,
})

export const UpdateLinkInput = Type.Object(LinkFields)

export const SearchLinksInput = Type.Object({
  ...PageInput,
  id: Type.Optional(Type.String({ maxLength: 64 })),
  key: Type.Optional(Type.String({ maxLength: 64 })),
  partner: Type.Optional(PartnerRef),
})

export const ReferralLink = Type.Object({
  id: Type.String(),
  key: Type.String(),
  url: Type.String(),
  default: Type.Boolean(),
  is_additional: Type.Boolean(),
  direct_tracking: Type.Boolean(),
  direct_tracking_redirect: Type.Boolean(),
  direct_tracking_redirect_url: Type.Union([Type.String(), Type.Null()]),
  tracking_url: Type.String({ description: 'Extension: the link served by Partnerkit itself (/r/KEY), which counts the click and redirects' }),
})

export const LinkDomain = Type.Object({
  id: Type.Union([Type.Integer(), Type.Null()], { description: 'null = the program website' }),
  domain: Type.String(),
  url: Type.String(),
  is_additional: Type.Boolean(),
})

export const PageOnly = Type.Object(PageInput)
