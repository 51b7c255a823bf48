// What the logo upload refuses, through the real form: files that are no raster image (an SVG that
// carries script, HTML named logo.png, nothing at all), files too large (a clear 4xx, never a 5xx),
// posts without the session's token or from another site, a viewer, a signed-out browser; and a
// user of program B, who changes only B's logo and sees nothing of A's. Nothing refused is kept.
import { randomBytes } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startServer, type TestServer } from '../../../test/support/server.js'
import { signedInMember } from '../../../test/support/admin-sign-in.js'
import { visitor, type Visitor } from '../../../test/support/portal.js'
import { HTML_AS_PNG, PNG, SVG, multipart, postFiles, type Upload } from '../../../test/support/upload.js'
import { call } from '../../../test/support/client.js'
import { LOGO_MAX_BYTES } from '../../modules/programs/logo.js'

let server: TestServer
beforeAll(async () => {
  server = await startServer()
})
afterAll(() => server.close())

const UPLOAD = '/admin/settings/portal/logo'
const REMOVE = '/admin/settings/portal/logo/remove'

/** Every logo row and every logo entry of the log, comparable before and after. */
async function picture() {
  const logos = await server.store.db.selectFrom('program_logos').select(['program_id', 'hash', 'content_type']).orderBy('program_id').execute()
  const logged = await server.store.db.selectFrom('audit_log').select('id').where('action', 'like', 'program.logo%').execute()
  return { logos: logos.map((r) => `${r.program_id}:${r.hash}:${r.content_type}`), logged: logged.length }
}

async function send(v: Visitor, files: Upload[], fields: Record<string, string> = {}, headers: Record<string, string | undefined> = {}) {
  await v.get('/admin/settings')
  return postFiles(server, v, UPLOAD, files, fields, headers)
}

const cookiesOf = (v: Visitor) => [...v.cookies].map(([k, value]) => `${k}=${value}`).join('; ')

/** A PNG's first bytes, then filler up to `size`. */
const pngOf = (size: number) => Buffer.concat([PNG.subarray(0, 8), randomBytes(size - 8)])

describe('files that are no logo', () => {
  it('an SVG, HTML named logo.png, an empty file, no file: 422 with the reason, nothing kept', async () => {
    const p = await server.program({ name: 'Refusing Shop' })
    const { v } = await signedInMember(server, p.id, 'admin')
    const before = await picture()
    const cases: Array<[Upload[], RegExp]> = [
      [[{ bytes: SVG, filename: 'logo.svg', type: 'image/svg+xml' }], /must be a PNG, JPEG, WebP or GIF image \(SVG is not accepted\)/],
      [[{ bytes: HTML_AS_PNG, filename: 'logo.png', type: 'image/png' }], /must be a PNG, JPEG, WebP or GIF image/],
      [[{ bytes: Buffer.alloc(0), filename: 'logo.png' }], /Choose an image file for the logo\./],
      [[], /Choose an image file for the logo\./],
    ]
    for (const [files, reason] of cases) {
      const answer = await send(v, files)
      expect(answer.status, files[0]?.filename).toBe(422)
      expect(answer.text).toMatch(reason)
      expect(answer.text).not.toContain('<svg')
      expect(answer.text).not.toContain('alert(')
    }
    // A url-encoded post (a form sent without its file part) is the same refusal.
    await v.get('/admin/settings')
    expect((await v.post(UPLOAD, { logo: 'not a file' })).status).toBe(422)
    expect(await picture()).toEqual(before)
  })

  it('too large: one byte past 256 kB is 422, a far larger body 413, two files 413; never a 5xx, nothing kept', async () => {
    const p = await server.program({ name: 'Large Shop' })
    const { v } = await signedInMember(server, p.id, 'admin')
    const before = await picture()
    const justOver = await send(v, [{ bytes: pngOf(LOGO_MAX_BYTES + 1) }])
    expect(justOver.status).toBe(422)
    expect(justOver.text).toContain('The logo is larger than 256 kB. Send a smaller image.')
    const huge = await send(v, [{ bytes: pngOf(2 * 1024 * 1024) }])
    expect(huge.status).toBe(413)
    expect(huge.text).toContain('The logo is larger than 256 kB. Send a smaller image.')
    const two = await send(v, [{ bytes: PNG }, { bytes: PNG, filename: 'second.png' }])
    expect(two.status).toBe(413)
    expect(two.text).toContain('Send one image, from the form on the settings page.')
    // Bodies that are no multipart form: no boundary, cut short.
    await v.get('/admin/settings')
    const csrf = v.csrf() as string
    const cut = multipart({ _csrf: csrf }, [{ bytes: PNG }])
    const broken = [
      { body: cut.body, 'content-type': 'multipart/form-data' },
      { body: cut.body.subarray(0, cut.body.length - 40), 'content-type': cut.contentType },
    ]
    for (const { body, ...headers } of broken) {
      const answer = await call(server.url, 'POST', UPLOAD, { body, headers: { ...headers, cookie: cookiesOf(v), origin: server.url, accept: 'text/html' } })
      expect(answer.status, headers['content-type']).toBeGreaterThanOrEqual(400)
      expect(answer.status, headers['content-type']).toBeLessThan(500)
    }
    expect(await picture()).toEqual(before)
    // At the limit itself it is kept.
    expect((await send(v, [{ bytes: pngOf(LOGO_MAX_BYTES) }])).status).toBe(303)
  })
})

describe('who may send it', () => {
  it('a post without the token, with another session\'s token, or from another site: 403, nothing kept', async () => {
    const p = await server.program({ name: 'Forged Shop' })
    const { v } = await signedInMember(server, p.id, 'owner')
    const { v: other } = await signedInMember(server, p.id, 'owner')
    await other.get('/admin/settings')
    const before = await picture()
    const refused = [
      await send(v, [{ bytes: PNG }], { _csrf: '' }),
      await send(v, [{ bytes: PNG }], { _csrf: other.csrf() as string }),
      await send(v, [{ bytes: PNG }], {}, { origin: 'https://evil.example', 'sec-fetch-site': 'cross-site' }),
      await send(v, [{ bytes: PNG }], {}, { origin: 'https://evil.example', 'sec-fetch-site': undefined }),
      await send(v, [{ bytes: PNG }], {}, { origin: undefined, 'sec-fetch-site': 'same-site' }),
    ]
    expect(refused.map((a) => a.status)).toEqual([403, 403, 403, 403, 403])
    await v.get('/admin/settings')
    expect((await v.post(REMOVE, {}, { origin: 'https://evil.example', 'sec-fetch-site': 'cross-site' })).status).toBe(403)
    expect((await v.post(REMOVE, { _csrf: '' })).status).toBe(403)
    expect(await picture()).toEqual(before)
  })

  it('a viewer: 403 for the upload (even one far too large) and the removal', async () => {
    const p = await server.program({ name: 'Viewer Shop' })
    const { v: admin } = await signedInMember(server, p.id, 'admin')
    expect((await send(admin, [{ bytes: PNG }])).status).toBe(303)
    const { v } = await signedInMember(server, p.id, 'viewer')
    const before = await picture()
    for (const files of [[{ bytes: PNG }], [{ bytes: pngOf(2 * 1024 * 1024) }], [{ bytes: PNG }, { bytes: PNG }]]) {
      const answer = await send(v, files)
      expect(answer.status).toBe(403)
      expect(answer.text).toContain('Your role in this program lets you look, not change anything.')
    }
    await v.get('/admin/settings')
    expect((await v.post(REMOVE)).status).toBe(403)
    expect(await picture()).toEqual(before)
  })

  it('a signed-out browser is sent to sign in, its file unread', async () => {
    const p = await server.program({ name: 'Guest Shop' })
    const before = await picture()
    const guest = visitor(server)
    const answer = await postFiles(server, guest, UPLOAD, [{ bytes: PNG }])
    expect(answer.status).toBe(303)
    expect(answer.headers.location).toBe('/admin/sign-in')
    expect((await guest.post(REMOVE)).headers.location).toBe('/admin/sign-in')
    expect(await picture()).toEqual(before)
    expect(p.id).toBeGreaterThan(0)
  })
})

describe('another program', () => {
  it('B\'s owner changes B\'s logo only: A\'s stays, and B\'s portal shows nothing of A\'s', async () => {
    const a = await server.program({ name: 'Alpha Shop' })
    const b = await server.program({ name: 'Beta Shop' })
    const { v: va } = await signedInMember(server, a.id, 'owner')
    expect((await send(va, [{ bytes: PNG }])).status).toBe(303)
    const aPage = await visitor(server).get(`/portal/${a.publicId}/sign-in`)
    const aLogo = /<img class="logo" src="\/portal\/[A-Z0-9]+\/(logo-[^"]+)"/.exec(aPage.text)?.[1] as string
    expect(aLogo).toBeTruthy()

    const { v: vb } = await signedInMember(server, b.id, 'owner')
    await vb.get('/admin/settings')
    expect((await vb.post(REMOVE)).status).toBe(303)
    const gif = Buffer.concat([Buffer.from('GIF89a'), randomBytes(16)])
    expect((await send(vb, [{ bytes: gif, filename: 'b.gif' }])).status).toBe(303)

    const rows = await server.store.db.selectFrom('program_logos').select(['program_id', 'content_type']).where('program_id', 'in', [a.id, b.id]).orderBy('program_id').execute()
    expect(rows.map((r) => [Number(r.program_id), r.content_type])).toEqual([[a.id, 'image/png'], [b.id, 'image/gif']])
    // A's image is no file of B's portal; B's pages link B's own.
    expect((await visitor(server).get(`/portal/${b.publicId}/${aLogo}`)).status).toBe(404)
    expect((await visitor(server).get(`/portal/${a.publicId}/${aLogo}`)).status).toBe(200)
    const bPage = await visitor(server).get(`/portal/${b.publicId}/sign-in`)
    expect(bPage.text).not.toContain(aLogo)
    expect(bPage.text).toMatch(/<img class="logo" src="\/portal\/[A-Z0-9]+\/logo-[0-9a-f]{64}\.gif"/)
  })
})
