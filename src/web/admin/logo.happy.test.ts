// The portal logo from the admin, through the real forms: an admin uploads a PNG and the partner
// portal shows it, served as the image it is; replaces it with a JPEG (a new address, the old one
// gone); removes it. Each change is in the audit log. WebP and GIF are kept too.
import { createHash } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startServer, type TestServer } from '../../../test/support/server.js'
import { auditOf, signedInMember } from '../../../test/support/admin-sign-in.js'
import { visitor, type Visitor } from '../../../test/support/portal.js'
import { GIF, JPEG, PNG, WEBP, postFiles } from '../../../test/support/upload.js'
import { CONTENT_SECURITY_POLICY } from '../layout/render.js'

let server: TestServer
beforeAll(async () => {
  server = await startServer()
})
afterAll(() => server.close())

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex')

/** The logo's address on the program's portal sign-in page (as a signed-out partner sees it), or undefined. */
async function portalLogo(publicId: string): Promise<string | undefined> {
  const page = await visitor(server).get(`/portal/${publicId}/sign-in`)
  expect(page.status).toBe(200)
  return /<img class="logo" src="([^"]+)"/.exec(page.text)?.[1]
}

/** Uploads from a page that carries the session's token (any admin page does: its sign-out form). */
async function upload(v: Visitor, bytes: Buffer, filename = 'logo.png', type = 'image/png') {
  await v.get('/admin/settings')
  return postFiles(server, v, '/admin/settings/portal/logo', [{ bytes, filename, type }])
}

describe('an admin', () => {
  it('uploads a PNG: the portal shows it, served with its type, a long cache and a policy that runs nothing', async () => {
    const p = await server.program({ name: 'Logo Shop' })
    const { v, userId } = await signedInMember(server, p.id, 'admin')
    expect(await portalLogo(p.publicId)).toBeUndefined()

    const saved = await upload(v, PNG)
    expect(saved.status, saved.text).toBe(303)
    expect(saved.headers.location).toBe('/admin/settings/portal?notice=logo-saved')

    const src = await portalLogo(p.publicId)
    expect(src).toBe(`/portal/${p.publicId}/logo-${sha256(PNG)}.png`)
    const image = await visitor(server).get(src as string)
    expect(image.status).toBe(200)
    expect(image.headers['content-type']).toBe('image/png')
    expect(image.bytes.equals(PNG)).toBe(true)
    expect(image.headers['cache-control']).toBe('public, max-age=31536000, immutable')
    expect(image.headers['x-content-type-options']).toBe('nosniff')
    expect(image.headers['content-security-policy']).toBe("default-src 'none'")
    // The pages may load it: images from this server are allowed.
    expect(CONTENT_SECURITY_POLICY).toContain("img-src 'self'")

    expect((await auditOf(server, p.id)).map((e) => [e.action, e.userId, e.objectId])).toContainEqual(['program.logo_updated', userId, p.publicId])
  })

  it('replaces it with a JPEG: a new address, the old one answers 404', async () => {
    const p = await server.program({ name: 'Replace Shop' })
    const { v } = await signedInMember(server, p.id, 'owner')
    expect((await upload(v, PNG)).status).toBe(303)
    const first = await portalLogo(p.publicId) as string
    const replaced = await upload(v, JPEG, 'photo.jpg', 'image/jpeg')
    expect(replaced.status, replaced.text).toBe(303)
    const second = await portalLogo(p.publicId) as string
    expect(second).toBe(`/portal/${p.publicId}/logo-${sha256(JPEG)}.jpg`)
    const image = await visitor(server).get(second)
    expect(image.headers['content-type']).toBe('image/jpeg')
    expect(image.bytes.equals(JPEG)).toBe(true)
    expect((await visitor(server).get(first)).status).toBe(404)
    const rows = await server.store.db.selectFrom('program_logos').select('hash').where('program_id', '=', p.id).execute()
    expect(rows).toEqual([{ hash: sha256(JPEG) }])
  })

  it('removes it: the portal shows the name alone, the image is gone, the log says so', async () => {
    const p = await server.program({ name: 'Remove Shop' })
    const { v, userId } = await signedInMember(server, p.id, 'admin')
    expect((await upload(v, PNG)).status).toBe(303)
    const src = await portalLogo(p.publicId) as string
    await v.get('/admin/settings')
    const removed = await v.post('/admin/settings/portal/logo/remove')
    expect(removed.status, removed.text).toBe(303)
    expect(removed.headers.location).toBe('/admin/settings/portal?notice=logo-removed')
    expect(await portalLogo(p.publicId)).toBeUndefined()
    expect((await visitor(server).get(src)).status).toBe(404)
    expect((await auditOf(server, p.id)).map((e) => [e.action, e.userId])).toContainEqual(['program.logo_removed', userId])
    // Removing what is not there changes nothing and logs nothing.
    const logged = (await auditOf(server, p.id)).length
    expect((await v.post('/admin/settings/portal/logo/remove')).status).toBe(303)
    expect(await auditOf(server, p.id)).toHaveLength(logged)
  })

  it('keeps WebP and GIF too, each served with its own type', async () => {
    const p = await server.program({ name: 'Formats Shop' })
    const { v } = await signedInMember(server, p.id, 'admin')
    for (const [bytes, type, extension] of [[WEBP, 'image/webp', 'webp'], [GIF, 'image/gif', 'gif']] as const) {
      // The type the browser claims is not what decides: the bytes are.
      expect((await upload(v, bytes, `logo.${extension}`, 'application/octet-stream')).status).toBe(303)
      const src = await portalLogo(p.publicId) as string
      expect(src).toBe(`/portal/${p.publicId}/logo-${sha256(bytes)}.${extension}`)
      expect((await visitor(server).get(src)).headers['content-type']).toBe(type)
    }
  })

  it('sees the refused upload\'s page with the current logo, its label and the remove button', async () => {
    const p = await server.program({ name: 'Section Shop' })
    const { v } = await signedInMember(server, p.id, 'admin')
    expect((await upload(v, PNG)).status).toBe(303)
    const refused = await upload(v, Buffer.alloc(0), 'empty.png')
    expect(refused.status).toBe(422)
    expect(refused.text).toContain('Choose an image file for the logo.')
    expect(refused.text).toContain(`<img class="logo" src="/portal/${p.publicId}/logo-${sha256(PNG)}.png" alt="The logo of Section Shop"/>`)
    expect(refused.text).toMatch(/<label for="f-logo">Replace the logo<\/label><input id="f-logo" name="logo" type="file" accept="image\/png,image\/jpeg,image\/webp,image\/gif"/)
    expect(refused.text).toContain('enctype="multipart/form-data"')
    expect(refused.text).toContain('action="/admin/settings/portal/logo/remove"')
  })
})
