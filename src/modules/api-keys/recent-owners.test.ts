// Key owners remembered for reads: for at most OWNER_TTL_MS, never for writes, and forgotten by
// any write through the same process. Store changes made behind the server's back (as the CLI or
// another process makes them) reach reads within the TTL.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startServer, type TestServer } from '../../../test/support/server.js'
import { updateProgram } from '../programs/service.js'
import type { Program } from '../programs/store.js'
import { OWNER_TTL_MS, RecentOwners } from './recent-owners.js'
import { revokeKey } from './service.js'

describe('RecentOwners', () => {
  const owner = () => ({ apiKeyId: 1, program: { id: 7, settings: { program: { cookie_lifetime: 30 } } } as unknown as Program })

  it('hands an owner back until the TTL, counted from when the lookup started', () => {
    let now = 0
    const recent = new RecentOwners(1000, () => now)
    const lookup = recent.lookupStarts()
    now = 200
    recent.remember('h', owner(), lookup)
    now = 999
    expect(recent.get('h')?.apiKeyId).toBe(1)
    now = 1000
    expect(recent.get('h')).toBeUndefined()
  })

  it('forgets everything at once, and does not remember a lookup that overlapped that', () => {
    const recent = new RecentOwners(1000, () => 0)
    recent.remember('a', owner(), recent.lookupStarts())
    const overlapping = recent.lookupStarts()
    recent.forgetAll()
    expect(recent.get('a')).toBeUndefined()
    recent.remember('b', owner(), overlapping)
    expect(recent.get('b')).toBeUndefined()
    recent.remember('c', owner(), recent.lookupStarts())
    expect(recent.get('c')).toBeDefined()
  })

  it('shares owners frozen, so no request can change another one\'s', () => {
    const recent = new RecentOwners(1000, () => 0)
    recent.remember('h', owner(), recent.lookupStarts())
    const shared = recent.get('h') as ReturnType<typeof owner>
    expect(() => {
      ;(shared.program.settings.program as { cookie_lifetime: number }).cookie_lifetime = 1
    }).toThrow(TypeError)
  })
})

// How long the TTL is, exactly, is proven above with a clock the test sets. Through the API the
// tests see the change arrive; they do not time it, which a loaded machine would make flaky. They
// give up far beyond the TTL, so an owner remembered for good still fails them.
const GIVE_UP_MS = OWNER_TTL_MS * 10

describe('through the API', () => {
  let server: TestServer
  beforeAll(async () => {
    server = await startServer()
  })
  afterAll(() => server.close())

  it('a key revoked behind the server\'s back stops writes at once and reads within the TTL', async () => {
    const p = await server.program()
    expect((await server.get('/v1/test', { key: p.key })).status).toBe(200)
    const revokedAt = performance.now()
    await revokeKey(server.store.db, p.key)
    expect((await server.put('/v1/program', { key: p.key, body: { name: 'Too late' } })).status).toBe(401)
    let status = 200
    while (status !== 401 && performance.now() - revokedAt < GIVE_UP_MS) {
      status = (await server.get('/v1/test', { key: p.key })).status
    }
    expect(status).toBe(401)
  })

  it('reads see a write made through the same server at once', async () => {
    const p = await server.program({ name: 'Before' })
    expect((await server.get('/v1/test', { key: p.key })).json.data.program.name).toBe('Before')
    expect((await server.put('/v1/program', { key: p.key, body: { name: 'After' } })).status).toBe(200)
    expect((await server.get('/v1/test', { key: p.key })).json.data.program.name).toBe('After')
  })

  it('reads see a change made behind the server\'s back within the TTL', async () => {
    const p = await server.program({ name: 'Old name' })
    expect((await server.get('/v1/test', { key: p.key })).json.data.program.name).toBe('Old name')
    const changedAt = performance.now()
    await updateProgram(server.store.db, p.id, { name: 'New name' })
    let name = 'Old name'
    while (name !== 'New name' && performance.now() - changedAt < GIVE_UP_MS) {
      name = (await server.get('/v1/test', { key: p.key })).json.data.program.name
    }
    expect(name).toBe('New name')
  })
})
