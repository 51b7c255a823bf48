// The `partnerkit` command's contract, run as a real process against the same store as a server.
import { readFile } from 'node:fs/promises'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startServer, type TestServer } from '../../test/support/server.js'
import { runCli } from '../../test/support/cli.js'

let server: TestServer
let env: Record<string, string>
beforeAll(async () => {
  server = await startServer()
  env = server.testStore.env
})
afterAll(() => server.close())

const KEY = /^pk_live_[A-Za-z0-9]{32}$/
/** For tests that start several commands one after another (each a node process loading the app). */
const SEVERAL_COMMANDS_MS = 60_000

async function createProgram(...extra: string[]) {
  const res = await runCli(['programs', 'create', '--name', 'Acme Partners', '--type', 'affiliate', ...extra], env)
  expect(res.stderr).toBe('')
  expect(res.code).toBe(0)
  return JSON.parse(res.stdout)
}

describe('programs', () => {
  it('create prints one JSON object whose key works against the server', async () => {
    const res = await runCli(['programs', 'create', '--name', 'Acme Partners', '--type', 'affiliate', '--website', 'https://acme.example', '--currency', 'eur'], env)
    expect(res.code).toBe(0)
    expect(res.stdout.trim().split('\n')).toHaveLength(1)
    const out = JSON.parse(res.stdout)
    expect(Object.keys(out)).toEqual(['program', 'api_key'])
    expect(out.api_key).toMatch(KEY)
    expect(out.program).toMatchObject({ name: 'Acme Partners', type: 'Affiliate', website: 'https://acme.example' })
    expect(out.program.public_id).toMatch(/^[A-Z0-9]{8}$/)

    const test = await server.get('/v1/test', { key: out.api_key })
    expect(test.json.data.program.pub_id).toBe(out.program.public_id)
    const details = await server.get('/v1/program', { key: out.api_key })
    expect(details.json.data.program_settings.currency).toBe('EUR')
  })

  it('create makes refer-a-friend and newsletter programs', async () => {
    for (const [type, title] of [['referral', 'Referral'], ['newsletter', 'Newsletter']]) {
      const res = await runCli(['programs', 'create', '--name', 'P', '--type', type as string], env)
      expect(res.code).toBe(0)
      expect(JSON.parse(res.stdout).program.type).toBe(title)
    }
  })

  it('list prints every program as JSON', async () => {
    const made = await createProgram()
    const res = await runCli(['programs', 'list'], env)
    expect(res.code).toBe(0)
    const list = JSON.parse(res.stdout)
    expect(list.map((p: { public_id: string }) => p.public_id)).toContain(made.program.public_id)
    expect(res.stdout).not.toMatch(/pk_live_/)
  })

  it('create refuses bad arguments with exit code 2 and writes nothing', async () => {
    const before = JSON.parse((await runCli(['programs', 'list'], env)).stdout).length
    const cases = [
      ['programs', 'create', '--name', 'X', '--type', 'pyramid'],
      ['programs', 'create', '--type', 'affiliate'],
      ['programs', 'create', '--name', 'X', '--type', 'affiliate', '--website', 'not a url'],
      ['programs', 'create', '--name', 'X', '--type', 'affiliate', '--currency', 'ABC'],
      ['programs', 'create', '--name', 'X', '--type', 'affiliate', '--colour', 'red'],
    ]
    for (const args of cases) {
      const res = await runCli(args, env)
      expect(res.code, args.join(' ')).toBe(2)
      expect(res.stdout).toBe('')
      expect(res.stderr).toMatch(/^partnerkit: /)
    }
    expect(JSON.parse((await runCli(['programs', 'list'], env)).stdout)).toHaveLength(before)
  }, SEVERAL_COMMANDS_MS)
})

describe('keys', () => {
  it('create prints only a new key, which works', async () => {
    const made = await createProgram()
    const res = await runCli(['keys', 'create', '--program', made.program.public_id], env)
    expect(res.code).toBe(0)
    expect(res.stdout.endsWith('\n')).toBe(true)
    const key = res.stdout.trim()
    expect(key).toMatch(KEY)
    expect(key).not.toBe(made.api_key)
    expect((await server.get('/v1/test', { key })).json.data.program.pub_id).toBe(made.program.public_id)
  })

  it('list shows display prefixes, never secrets', async () => {
    const made = await createProgram()
    const second = (await runCli(['keys', 'create', '--program', made.program.public_id], env)).stdout.trim()
    const res = await runCli(['keys', 'list', '--program', made.program.public_id], env)
    expect(res.code).toBe(0)
    const lines = res.stdout.trim().split('\n')
    expect(lines).toHaveLength(2)
    for (const line of lines) expect(line).toMatch(/^pk_live_[A-Za-z0-9]{8}…\tcreated \S+\tactive$/)
    expect(res.stdout).not.toContain(made.api_key)
    expect(res.stdout).not.toContain(second)
    expect(lines[0]?.startsWith(made.api_key.slice(0, 16))).toBe(true)
  })

  it('revoke by display prefix stops the key within 5 seconds, in another process', async () => {
    const made = await createProgram()
    const prefix = (await runCli(['keys', 'list', '--program', made.program.public_id], env)).stdout.split('\t')[0] as string
    expect((await server.get('/v1/test', { key: made.api_key })).status).toBe(200)
    const res = await runCli(['keys', 'revoke', prefix], env)
    expect(res.code).toBe(0)
    expect(res.stdout).toContain('Revoked')
    const deadline = Date.now() + 5000
    let status = 200
    while (Date.now() < deadline && status !== 401) status = (await server.get('/v1/test', { key: made.api_key })).status
    expect(status).toBe(401)
    const listed = (await runCli(['keys', 'list', '--program', made.program.public_id], env)).stdout
    expect(listed).toMatch(/\trevoked \S+\n$/)
  })

  it('revoke by the full key; a second revoke says so', async () => {
    const made = await createProgram()
    expect((await runCli(['keys', 'revoke', made.api_key], env)).code).toBe(0)
    expect((await server.get('/v1/test', { key: made.api_key })).status).toBe(401)
    const again = await runCli(['keys', 'revoke', made.api_key], env)
    expect(again.code).toBe(0)
    expect(again.stdout).toContain('already revoked')
  })

  it('explains what it cannot do', async () => {
    expect((await runCli(['keys', 'revoke', 'pk_live_nothing'], env)).code).toBe(1)
    const unknown = await runCli(['keys', 'create', '--program', 'NOPE0000'], env)
    expect(unknown.code).toBe(1)
    expect(unknown.stderr).toContain('NOPE0000')
    expect((await runCli(['keys', 'create'], env)).code).toBe(2)
    expect((await runCli(['keys', 'revoke'], env)).code).toBe(2)
  })
})

describe('the command itself', () => {
  it('migrate reports an up-to-date store', async () => {
    const res = await runCli(['migrate'], env)
    expect(res.code).toBe(0)
    expect(res.stdout).toBe('The store is up to date.\n')
  })

  it('refuses unknown commands with usage and exit code 2', async () => {
    const res = await runCli(['launch'], env)
    expect(res.code).toBe(2)
    expect(res.stderr).toContain('Usage: partnerkit')
    expect((await runCli(['--help'], env)).code).toBe(0)
  })

  it('stops at start on a bad setting, naming it', async () => {
    for (const [name, value] of [['PORT', 'eighty'], ['DATABASE_URL', 'mysql://x'], ['RATE_LIMIT_MAX', '0'], ['PUBLIC_URL', 'ftp://x']]) {
      const res = await runCli(['serve'], { ...env, [name as string]: value as string })
      expect(res.code, name).toBe(78)
      expect(res.stderr).toContain(name)
    }
  }, SEVERAL_COMMANDS_MS)
})

describe('version and configuration errors', () => {
  it('--version prints the package version', async () => {
    const { version } = JSON.parse(await readFile(new URL('../../package.json', import.meta.url), 'utf8'))
    const res = await runCli(['--version'], env)
    expect(res.code).toBe(0)
    expect(res.stdout).toBe(`partnerkit ${version}\n`)
  })

  it('names a bad secret setting without echoing its value', async () => {
    const secret = 'too-short-but-still-secret'
    const res = await runCli(['programs', 'list'], { ...env, PARTNERKIT_SECRET_KEY: secret, DATABASE_URL: 'mysql://user:hunter2@db/x' })
    expect(res.code).not.toBe(0)
    expect(res.stderr).toContain('PARTNERKIT_SECRET_KEY')
    expect(res.stderr).toContain('DATABASE_URL')
    expect(res.stderr).not.toContain(secret)
    expect(res.stderr).not.toContain('hunter2')
  })
})
