// The portal shows its program's logo in the header of every page, signed in or not, under the
// portal's own prefix — or at the root on the program's own portal host — and serves it only by its
// current name; a page's policy lets it load.
import { createHash } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startServer, type TestServer } from '../../../test/support/server.js'
import { partnerWithPassword, signIn, visitor } from '../../../test/support/portal.js'
import { JPEG, PNG } from '../../../test/support/upload.js'
import { setLogo } from '../../modules/programs/logo.js'

let server: TestServer
let program: { id: number; publicId: string; key: string }
const HOST = 'partners.logo.test'
const hash = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex')

beforeAll(async () => {
  server = await startServer()
  program = await server.program({ name: 'Pictured' })
  const set = await server.put('/v1/program', { key: program.key, body: { portal_settings: { portal_domain: HOST } } })
  expect(set.status, set.text).toBe(200)
  await setLogo(server.store.db, program.id, PNG)
})
afterAll(() => server.close())

// An empty alt (preact writes it bare): the name beside it is the link's text.
const IMG = /<img class="logo" src="([^"]+)" alt(?:="")?\/>/

describe('the portal\'s header', () => {
  it('shows the logo beside the program\'s name on a signed-out and a signed-in page, and the policy allows it', async () => {
    const base = `/portal/${program.publicId}`
    const src = `${base}/logo-${hash(PNG)}.png`
    const v = visitor(server)
    const signInPage = await v.get(`${base}/sign-in`)
    expect(IMG.exec(signInPage.text)?.[1]).toBe(src)
    expect(signInPage.text).toMatch(/<a class="name" href="[^"]+"><img class="logo" [^>]*\/>Pictured<\/a>/)
    expect(signInPage.headers['content-security-policy']).toMatch(/img-src 'self'/)

    const { email, password } = await partnerWithPassword(server, program.key, { name: 'Seen Partner' })
    await signIn(v, program.publicId, email, password)
    const dashboard = await v.get(base)
    expect(dashboard.status).toBe(200)
    expect(IMG.exec(dashboard.text)?.[1]).toBe(src)
  })

  it('on the program\'s own host: the logo at the root, served there', async () => {
    const page = await visitor(server).get('/sign-in', { host: HOST })
    const src = IMG.exec(page.text)?.[1]
    expect(src).toBe(`/logo-${hash(PNG)}.png`)
    const image = await visitor(server).get(src as string, { host: HOST })
    expect(image.status).toBe(200)
    expect(image.headers['content-type']).toBe('image/png')
    expect(image.bytes.equals(PNG)).toBe(true)
    // On any other host the bare path is nobody's.
    expect((await visitor(server).get(src as string, { host: 'elsewhere.test' })).status).toBe(404)
  })

  it('a program without a logo shows its name alone', async () => {
    const plain = await server.program({ name: 'Plain' })
    const page = await visitor(server).get(`/portal/${plain.publicId}/sign-in`)
    expect(page.status).toBe(200)
    expect(page.text).not.toContain('class="logo"')
  })
})

describe('the image', () => {
  it('answers only by its current name: another hash, another extension, another program, a made-up one are 404', async () => {
    const other = await server.program({ name: 'Other' })
    await setLogo(server.store.db, other.id, JPEG)
    const base = `/portal/${program.publicId}`
    for (const name of [`logo-${hash(JPEG)}.jpg`, `logo-${hash(PNG)}.jpg`, `logo-${hash(PNG)}`, 'logo-x.png', `logo-${hash(PNG)}.png.html`]) {
      const answer = await visitor(server).get(`${base}/${name}`)
      expect(answer.status, name).toBe(404)
      expect(answer.headers['content-type'], name).not.toMatch(/^image\//)
    }
    expect((await visitor(server).get(`/portal/NOPE0000/logo-${hash(PNG)}.png`)).status).toBe(404)
    expect((await visitor(server).get(`${base}/logo-${hash(PNG)}.png`)).status).toBe(200)
  })
})
