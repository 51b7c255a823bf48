// The partner's links: each in both forms (the key on the merchant's site, and Partnerkit's own
// /r/KEY, which counts the click and redirects), with a copy button and a QR code; a builder for
// a link to any page of the program's sites; and a new link with a key of the partner's choosing.
import type { FastifyInstance } from 'fastify'
import { REFERRAL_KEY_PATTERN } from '../../modules/partners/schemas.js'
import { programDomains, type Program } from '../../modules/programs/service.js'
import { referralUrl, websiteHost } from '../../modules/programs/referral-urls.js'
import { createLink, linksOf } from '../../modules/referral-links/service.js'
import { Field, Form, Submit, type FieldErrors } from '../layout/form.js'
import { Copyable, QrCode, qrSvg } from '../layout/share.js'
import { Frame } from './frame.js'
import { field, portalPage, refusal, type PageContext, type PortalDeps } from './route.js'

const MAX_LINKS = 100

function customKeysAllowed(program: Program): boolean {
  return program.settings.portal.custom_link_keys_enabled
}

/** The page's address as a link of `key`, when it is on one of the program's sites. */
async function builtLink(ctx: PageContext, key: string, page: string): Promise<{ url?: string; error?: string }> {
  let url: URL
  try {
    url = new URL(page)
  } catch {
    return { error: 'Paste a whole address, starting with https://.' }
  }
  const hosts = new Set([websiteHost(ctx.program), ...(await programDomains(ctx.db, ctx.program.id)).map((d) => d.domain)].filter(Boolean))
  if (!/^https?:$/.test(url.protocol) || !hosts.has(url.hostname)) {
    return { error: `Links can lead to ${[...hosts].join(', ') || "the program's site"} only.` }
  }
  return { url: referralUrl(ctx.program, { key, landingUrl: url.toString(), domain: null }, ctx.origin) }
}

async function LinksPage({ ctx, errors, newKey }: { ctx: PageContext; errors?: FieldErrors; newKey?: string }) {
  const partner = ctx.session!.partner
  const links = await linksOf(ctx.db, ctx.program, partner, { offset: 0, fetch: MAX_LINKS }, ctx.origin)
  const main = links.find((l) => l.default) ?? links[0]
  const page = ctx.query.page
  const built = main && page ? await builtLink(ctx, main.key, page) : undefined
  const qr = main ? await qrSvg(main.url) : undefined
  return (
    <Frame ctx={ctx} title="Links" section="links" notice={errors ? { kind: 'error', text: 'The link was not made.' } : undefined}>
      <h1>Your links</h1>
      {links.map((link, i) => (
        <section class="card" key={link.key} aria-labelledby={`link-${i}`}>
          <h2 id={`link-${i}`}>{link.key}{link.default ? ' (main link)' : ''}</h2>
          <Copyable id={`site-${i}`} label="On the shop's site" value={link.url} />
          <Copyable id={`hosted-${i}`} label="Counted here, then on to the shop" value={link.tracking_url} />
          {link === main && qr && <QrCode svg={qr} url={link.url} caption="Scan to open your main link" />}
        </section>
      ))}
      {main && (
        <section class="card" aria-labelledby="builder">
          <h2 id="builder">A link to any page</h2>
          <form method="get" action={ctx.path('/links')} aria-label="Link builder">
            <Field name="page" label="Page address" type="url" value={page} hint="A page of the shop's site, like a product you recommend." errors={built?.error ? { page: [built.error] } : undefined} />
            <Submit>Make the link</Submit>
          </form>
          {built?.url && <Copyable id="built" label="Your link to that page" value={built.url} />}
        </section>
      )}
      {customKeysAllowed(ctx.program) && (
        <section class="card" aria-labelledby="new-link">
          <h2 id="new-link">A new link with your own key</h2>
          <Form action={ctx.path('/links')} csrf={ctx.session!.csrf} label="New link">
            <Field name="key" label="Key" value={newKey} required pattern="[A-Za-z0-9_\-]{1,64}" maxlength={64} errors={errors}
              hint="Letters, digits, - and _; up to 64. It shows in the link, so pick something you like saying." />
            <Submit>Make the link</Submit>
          </Form>
        </section>
      )}
    </Frame>
  )
}

export function linkPages(app: FastifyInstance, deps: PortalDeps) {
  portalPage(app, deps, { method: 'GET', path: '/links', access: 'partner', handle: (ctx) => LinksPage({ ctx }) })

  portalPage(app, deps, {
    method: 'POST', path: '/links', access: 'partner',
    async handle(ctx) {
      const key = field(ctx.form, 'key')
      if (!customKeysAllowed(ctx.program)) return { status: 403, page: await LinksPage({ ctx }) }
      if (!new RegExp(REFERRAL_KEY_PATTERN).test(key)) {
        return { status: 422, page: await LinksPage({ ctx, newKey: key, errors: { key: ['Use letters, digits, - and _ only, up to 64.'] } }) }
      }
      try {
        await createLink(ctx.db, ctx.program, { key, partner: { id: ctx.session!.partner.public_id } }, ctx.origin)
      } catch (err) {
        return { status: 422, page: await LinksPage({ ctx, newKey: key, errors: refusal(err, 'invalid').errors }) }
      }
      return { redirect: ctx.path('/links?notice=link-created') }
    },
  })
}
