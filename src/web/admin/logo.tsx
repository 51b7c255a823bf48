// The partner portal's logo, from the admin: upload (a multipart form, so it works without
// JavaScript), replace and remove. The file is read only for a signed-in role that may change the
// program (route.ts's readBody), and kept only when its first bytes show a raster image.
import type { FastifyInstance, FastifyRequest } from 'fastify'
import multipart from '@fastify/multipart'
import { LOGO_MAX_BYTES, LOGO_TYPES, logoFileName, logoVersionOf, removeLogo, setLogo, type LogoVersion } from '../../modules/programs/logo.js'
import { record } from '../../modules/users/audit.js'
import { may } from '../../modules/users/roles.js'
import { ApiError } from '../../http/errors.js'
import type { FieldErrors } from '../layout/form.js'
import { PostButton } from '../layout/post-button.js'
import { Frame } from './frame.js'
import { adminPage, refusal, type AdminContext, type AdminDeps, type Form } from './route.js'

const UPLOAD = '/settings/portal/logo'
/** Where the portal settings page is (the page that shows LogoSection). */
const SETTINGS = '/admin/settings/portal'
/** Room for the form's other fields and the multipart framing around the file. */
const FRAMING = 16 * 1024
const TOO_LARGE = `The logo is larger than ${LOGO_MAX_BYTES / 1024} kB. Send a smaller image.`
/** What @fastify/multipart throws when a form holds more than its limits allow. */
const OVER_LIMITS = ['FST_FILES_LIMIT', 'FST_PARTS_LIMIT', 'FST_FIELDS_LIMIT']

/** The program's logo as the admin shows it, when it has one: load it for LogoSection. */
export function currentLogo(ctx: AdminContext): Promise<LogoVersion | undefined> {
  return logoVersionOf(ctx.db, ctx.session!.program.id)
}

/** The logo's address: the portal's own (the same image, the same long cache). */
export function logoUrl(ctx: AdminContext, logo: LogoVersion): string {
  return `/portal/${ctx.session!.program.publicId}/${logoFileName(logo)}`
}

/** The portal logo: the current one, the upload form and the remove button (for roles that may change). */
export function LogoSection(props: { ctx: AdminContext; logo: LogoVersion | undefined; errors?: FieldErrors }) {
  const { ctx, logo } = props
  const session = ctx.session!
  const messages = props.errors?.logo ?? []
  const canChange = may(session.role, 'change')
  return (
    <section aria-labelledby="logo-heading">
      <h2 id="logo-heading">Logo</h2>
      {logo
        ? <p><img class="logo" src={logoUrl(ctx, logo)} alt={`The logo of ${session.program.name}`} /></p>
        : <p>No logo yet: the partner portal shows the program's name alone.</p>}
      {canChange && (
        <form method="post" action={`/admin${UPLOAD}`} enctype="multipart/form-data" aria-label="Upload a logo">
          {/* Before the file: the token is read even when the file is too large to keep. */}
          <input type="hidden" name="_csrf" value={session.csrf} />
          <div>
            <label for="f-logo">{logo ? 'Replace the logo' : 'Upload a logo'}</label>
            <input
              id="f-logo" name="logo" type="file" accept={LOGO_TYPES.join(',')} required
              aria-invalid={messages.length ? 'true' : undefined} aria-describedby={`f-logo-hint${messages.length ? ' f-logo-error' : ''}`}
            />
            <p class="hint" id="f-logo-hint">PNG, JPEG, WebP or GIF, at most {LOGO_MAX_BYTES / 1024} kB. Shown at most 40 pixels high.</p>
            {messages.length > 0 && <p class="field-error" id="f-logo-error">{messages.join(' ')}</p>}
          </div>
          <button type="submit">Save the logo</button>
        </form>
      )}
      {canChange && logo && <PostButton action={`/admin${UPLOAD}/remove`} csrf={session.csrf} label="Remove the logo" quiet />}
    </section>
  )
}

/** A refused upload: the section again, with what was wrong. */
function RefusedPage(props: { ctx: AdminContext; logo: LogoVersion | undefined; errors?: FieldErrors }) {
  return (
    <Frame ctx={props.ctx} title="Portal logo" section="settings">
      <p><a href={SETTINGS}>Portal settings</a></p>
      <h1>Portal logo</h1>
      <LogoSection {...props} />
    </Frame>
  )
}

/**
 * The upload's fields and its file. A file past the limit arrives cut one byte past it, so the
 * service refuses it with its own message; a body far past it is refused unread.
 */
async function readUpload(request: FastifyRequest): Promise<{ form: Form; files: Record<string, Buffer> }> {
  // A plain form (no file chosen, a browser of its own mind) is what formbody read.
  if (!request.isMultipart()) return { form: (request.body ?? {}) as Form, files: {} }
  if (Number(request.headers['content-length']) > LOGO_MAX_BYTES + FRAMING) throw new ApiError(413, 'payload_too_large', TOO_LARGE)
  const form: Record<string, string> = {}
  const files: Record<string, Buffer> = {}
  try {
    for await (const part of request.parts()) {
      if (part.type === 'file') files[part.fieldname] = await part.toBuffer()
      else if (typeof part.value === 'string') form[part.fieldname] = part.value
    }
  } catch (err) {
    if (OVER_LIMITS.includes((err as { code?: string }).code ?? '')) throw new ApiError(413, 'payload_too_large', 'Send one image, from the form on the settings page.')
    // No boundary, a body cut short: the sender's fault, whatever the parser calls it.
    throw new ApiError(400, 'bad_request', 'The form could not be read. Send it again from the settings page.')
  }
  return { form, files }
}

export function logoPages(app: FastifyInstance, deps: AdminDeps) {
  // Multipart is read on the upload alone: every other form stays url-encoded.
  app.register(async (scope) => {
    await scope.register(multipart, {
      limits: { fileSize: LOGO_MAX_BYTES + 1, files: 1, fields: 4, parts: 5, fieldSize: 1024, fieldNameSize: 64, headerPairs: 20 },
      throwFileSizeLimit: false,
    })
    adminPage(scope, deps, {
      method: 'POST', path: UPLOAD, access: 'user', needs: 'change', readBody: readUpload,
      async handle(ctx) {
        const { program, user } = ctx.session!
        try {
          const logo = await setLogo(ctx.db, program.id, ctx.files?.logo ?? Buffer.alloc(0))
          await record(ctx.db, { programId: program.id, userId: user.id, action: 'program.logo_updated', objectType: 'program', objectId: program.publicId, detail: { content_type: logo.contentType, hash: logo.hash } })
          return { redirect: `${SETTINGS}?notice=logo-saved` }
        } catch (err) {
          const refused = refusal(err, 'invalid')
          return { status: 422, page: <RefusedPage ctx={ctx} logo={await currentLogo(ctx)} errors={refused.errors} /> }
        }
      },
    })
  })

  adminPage(app, deps, {
    method: 'POST', path: `${UPLOAD}/remove`, access: 'user', needs: 'change',
    async handle(ctx) {
      const { program, user } = ctx.session!
      if (await removeLogo(ctx.db, program.id)) {
        await record(ctx.db, { programId: program.id, userId: user.id, action: 'program.logo_removed', objectType: 'program', objectId: program.publicId })
      }
      return { redirect: `${SETTINGS}?notice=logo-removed` }
    },
  })
}
