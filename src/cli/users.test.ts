// `partnerkit users`, run as a real process against the same store as a server. Scripts call it:
// `users create` prints one line, a sign-in URL that works, and nothing else.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startServer, type TestServer } from '../../test/support/server.js'
import { runCli } from '../../test/support/cli.js'
import { visitor } from '../../test/support/portal.js'
import { auditTrail } from '../modules/users/audit.js'

let server: TestServer
let env: Record<string, string>
beforeAll(async () => {
  server = await startServer()
  env = { ...server.testStore.env, PUBLIC_URL: server.url }
})
afterAll(() => server.close())

/** For tests that start several commands one after another (each a node process loading the app). */
const SEVERAL_COMMANDS_MS = 60_000
let n = 0
const address = (who: string) => `${who}.${++n}@example.com`

async function create(args: string[], extraEnv: Record<string, string> = {}) {
  const res = await runCli(['users', 'create', ...args], { ...env, ...extraEnv })
  expect(res.stderr).toBe('')
  expect(res.code).toBe(0)
  return res.stdout
}

const list = async (publicId: string) => (await runCli(['users', 'list', '--program', publicId], env)).stdout

describe('users create', () => {
  it('prints exactly one line, the one-time admin sign-in URL, which signs the new owner in once', async () => {
    const p = await server.program({ name: 'CLI Shop' })
    const email = address('owner')
    const stdout = await create(['--email', email, '--program', p.publicId])
    expect(stdout).toMatch(new RegExp(`^${server.url}/admin/sign-in/[A-Za-z0-9]{43}\\n$`))
    const path = new URL(stdout.trim()).pathname
    const v = visitor(server)
    const home = await v.follow(await v.get(path))
    expect(home.text).toContain(`Signed in as <strong>${email}</strong>`)
    expect(home.text).toContain('your role here: <strong>owner</strong>')
    expect((await visitor(server).get(path)).status).toBe(410)
    const { entries } = await auditTrail(server.store.db, p.id)
    expect(entries.map((e) => [e.action, e.userId, e.detail])).toEqual([['user.added', null, { email, role: 'owner' }]])
  })

  it('starts the URL with http://localhost:PORT when PUBLIC_URL is not set, as the server would', async () => {
    const p = await server.program()
    const bare = { ...server.testStore.env }
    expect(await runCli(['users', 'create', '--email', address('port'), '--program', p.publicId], { ...bare, PORT: '9123' }))
      .toMatchObject({ code: 0, stderr: '', stdout: expect.stringMatching(/^http:\/\/localhost:9123\/admin\/sign-in\/[A-Za-z0-9]{43}\n$/) })
    expect(await runCli(['users', 'create', '--email', address('default'), '--program', p.publicId.toLowerCase()], bare))
      .toMatchObject({ code: 0, stdout: expect.stringMatching(/^http:\/\/localhost:8080\/admin\/sign-in\/[A-Za-z0-9]{43}\n$/) })
  }, SEVERAL_COMMANDS_MS)

  it('adds an existing user (any case of its address) to another program with the role asked, and a new link replaces the old', async () => {
    const [a, b] = [await server.program(), await server.program()]
    const email = address('Twice')
    const older = await create(['--email', email, '--program', a.publicId])
    const newer = await create(['--email', email.toUpperCase(), '--program', b.publicId, '--role', 'viewer'])
    expect((await visitor(server).get(new URL(older.trim()).pathname)).status).toBe(410)
    const home = await visitor(server).get(new URL(newer.trim()).pathname)
    expect(home.status).toBe(303)
    expect(await list(b.publicId)).toMatch(new RegExp(`^${email.replace(/\./g, '\\.')}\\tviewer\\tadded \\d{4}-\\d\\d-\\d\\dT[\\d:.]+Z\\n$`))
  }, SEVERAL_COMMANDS_MS)

  it('refuses a bad role, address or program, or a missing option, with exit code 2 and nothing made', async () => {
    const p = await server.program()
    await create(['--email', address('only'), '--program', p.publicId])
    const before = await list(p.publicId)
    const cases = [
      ['users', 'create', '--email', address('r'), '--program', p.publicId, '--role', 'superuser'],
      ['users', 'create', '--email', 'not-an-address', '--program', p.publicId],
      ['users', 'create', '--email', address('p'), '--program', 'NOPE0000'],
      ['users', 'create', '--program', p.publicId],
      ['users', 'create', '--email', address('m')],
      ['users', 'create', '--email', address('x'), '--program', p.publicId, '--colour', 'red'],
      ['users', 'list'],
      ['users', 'list', '--program', 'NOPE0000'],
      ['users', 'remove', '--email', 'nope', '--program', p.publicId],
      ['users', 'frobnicate'],
      ['users'],
    ]
    for (const args of cases) {
      const res = await runCli(args, env)
      expect(res.code, args.join(' ')).toBe(2)
      expect(res.stdout, args.join(' ')).toBe('')
      expect(res.stderr).toMatch(/^partnerkit: /)
    }
    expect(await list(p.publicId)).toBe(before)
  }, SEVERAL_COMMANDS_MS)
})

describe('users list and remove', () => {
  it('list one line per user; remove takes one out, but never the last owner', async () => {
    const p = await server.program()
    const [owner, admin] = [address('owner'), address('admin')]
    await create(['--email', owner, '--program', p.publicId])
    await create(['--email', admin, '--program', p.publicId, '--role', 'admin'])
    const lines = (await list(p.publicId)).trim().split('\n').map((line) => line.split('\t').slice(0, 2))
    expect(lines).toEqual([[owner, 'owner'], [admin, 'admin']])

    const removed = await runCli(['users', 'remove', '--email', admin.toUpperCase(), '--program', p.publicId], env)
    expect(removed).toMatchObject({ code: 0, stderr: '', stdout: `Removed ${admin} from ${p.publicId}.\n` })
    const last = await runCli(['users', 'remove', '--email', owner, '--program', p.publicId], env)
    expect(last.code).toBe(1)
    expect(last.stdout).toBe('')
    expect(last.stderr).toMatch(/^partnerkit: A program needs an owner/)
    const stranger = await runCli(['users', 'remove', '--email', address('stranger'), '--program', p.publicId], env)
    expect(stranger).toMatchObject({ code: 1, stdout: '' })
    expect((await list(p.publicId)).split('\t')[0]).toBe(owner)
    expect((await auditTrail(server.store.db, p.id)).entries.map((e) => e.action)).toEqual(['user.removed', 'user.added', 'user.added'])
  }, SEVERAL_COMMANDS_MS)
})
